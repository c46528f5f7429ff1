// Public surface of the optimizer compiler: lowering passes, WGSL emission, and the webgpu and cpu backends.
export { programGraph, expandMacros, dumpGraph, type GraphRewrites } from './lower.js';
export { schedule, nodeLevels, dumpPlan, type KernelPlan, type ReductionPass, type Reduction, type SlotWrite, type ScheduleOptions } from './schedule.js';
export { emitKernels, reductionWorkgroupSize, type Kernel, type EmitOptions, type OutputMode } from './emit-kernels.js';
export type { BindingRole } from './emit-common.js';
export { WGSL_OPS, type WgslOp, type ElementwiseOpName } from './wgsl-ops.js';
export { MATH_FUNCTIONS, mathLibrary, type MathName, type MathFunction } from './wgsl-math.js';
export { f32Literal, float32Bits } from './wgsl-literals.js';
export { hostScalarValues, paramsImage, type StepShape } from './params.js';
export { lowerOptimizer, dumpLowering, LOWERING_DEFAULTS, type LoweringOptions, type LoweredOptimizer } from './lowering.js';
export type { BackendName, CompiledOptimizer, CompileResult, StepResult, StepTensors } from './backend.js';
export { CpuOptimizer } from './cpu-backend.js';
export { WebGpuOptimizer, BoundStep, compileWebGpu } from './webgpu-backend.js';
export { compileOptimizer, runStepGpu, type CompileOptions, type CpuCompileOptions, type WebGpuCompileOptions } from './compile.js';
