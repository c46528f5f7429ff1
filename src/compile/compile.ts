// Entry points: compile a checked optimizer for the webgpu or cpu backend, or run one step on the GPU.
import type { CheckedOptimizer, StepInputs, StepOutputs } from '../dsl/index.js';
import { acquireWebGpu } from '../gpu/index.js';
import type { CompileResult } from './backend.js';
import { CpuOptimizer } from './cpu-backend.js';
import { lowerOptimizer, type LoweringOptions } from './lowering.js';
import { compileWebGpu, WebGpuOptimizer } from './webgpu-backend.js';

export interface CompileOptions extends LoweringOptions {
  /** Names the work in errors, e.g. a candidate id. Default `optimizer`. */
  readonly label?: string;
}

export interface WebGpuCompileOptions extends CompileOptions {
  readonly backend: 'webgpu';
  /** Default: the process's shared device from acquireWebGpu(). */
  readonly device?: GPUDevice;
}

export interface CpuCompileOptions extends CompileOptions {
  readonly backend: 'cpu';
}

export function compileOptimizer(checked: CheckedOptimizer, options: WebGpuCompileOptions): Promise<CompileResult<WebGpuOptimizer>>;
export function compileOptimizer(checked: CheckedOptimizer, options: CpuCompileOptions): Promise<CompileResult<CpuOptimizer>>;
export function compileOptimizer(
  checked: CheckedOptimizer,
  options: WebGpuCompileOptions | CpuCompileOptions,
): Promise<CompileResult<WebGpuOptimizer | CpuOptimizer>>;
export async function compileOptimizer(
  checked: CheckedOptimizer,
  options: WebGpuCompileOptions | CpuCompileOptions,
): Promise<CompileResult<WebGpuOptimizer | CpuOptimizer>> {
  const label = options.label ?? 'optimizer';
  let lowered;
  try {
    lowered = lowerOptimizer(checked, options);
  } catch (error) {
    return { ok: false, reason: `${label}: lowering failed: ${error instanceof Error ? error.message : String(error)}`, error };
  }
  if (options.backend === 'cpu') return { ok: true, optimizer: new CpuOptimizer(lowered) };
  const device = options.device ?? (await acquireWebGpu()).device;
  return compileWebGpu(device, lowered, label);
}

/**
 * Uploads the inputs, runs one step on the GPU and reads the update and the new state back: the
 * GPU twin of runStep, for tests. Throws when the program cannot be compiled.
 */
export async function runStepGpu(checked: CheckedOptimizer, inputs: StepInputs, options: Omit<WebGpuCompileOptions, 'backend' | 'output'> = {}): Promise<StepOutputs> {
  const compiled = await compileOptimizer(checked, { ...options, backend: 'webgpu', output: 'update' });
  if (!compiled.ok) throw new Error(compiled.reason, { cause: compiled.error });
  try {
    const { update, slots } = await compiled.optimizer.run(inputs);
    return { update: update!, slots };
  } finally {
    compiled.optimizer.destroy();
  }
}
