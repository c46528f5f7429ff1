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
export { CpuOptimizer, cpuOptimizer } from './cpu-backend.js';
export { cpuProgram, CPU_CHUNK, type CpuProgram, type CpuPass, type CpuInstruction, type CpuReduction, type CpuOutputs, type CpuForm } from './cpu-program.js';
export { dumpCpuProgram } from './cpu-dump.js';
export { CpuExecutor, type CpuStepArrays } from './cpu-executor.js';
export { ELEMENT_LOOPS, SUM_LOOPS, type ElementLoop, type SumLoop } from './cpu-loops.js';
export { SCALAR_LOOPS, type ScalarForms } from './cpu-scalar-loops.js';
export { WebGpuOptimizer, BoundStep, compileWebGpu, offsetAlignment } from './webgpu-backend.js';
export { compileOptimizer, runStepGpu, type CompileOptions, type CpuCompileOptions, type WebGpuCompileOptions } from './compile.js';
