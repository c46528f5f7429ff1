// The interface both backends (webgpu, cpu) implement: one compiled optimizer, stepped on tensors in place.
import type { CheckedOptimizer, StepInputs } from '../dsl/index.js';
import type { OutputMode } from './emit-kernels.js';

export type BackendName = 'webgpu' | 'cpu';

/**
 * The tensors of one parameter: read at step entry and overwritten in place. T is GPUBuffer on
 * the webgpu backend and Float32Array on the cpu backend.
 */
export interface StepTensors<T> {
  /** Elements of the parameter; buffers may be larger (pooled). */
  readonly n: number;
  /**
   * First element of the parameter in every tensor (default 0): the step reads and writes elements
   * [offset, offset + n) of w, g, update and each slot, so many parameters (or replicas) can share
   * flat buffers. The webgpu backend needs it to be a multiple of the device's storage-binding
   * offset alignment in elements (minStorageBufferOffsetAlignment / 4, 64 for 256 bytes).
   */
  readonly offset?: number;
  /** Weights [n]; become w - update when the output mode is `weight` or `both`. */
  readonly w: T;
  /** Gradient [n]. */
  readonly g: T;
  /** State slots [n] each, in signature order; hold the new state after the step. */
  readonly slots: readonly T[];
  /** Receives the update [n] when the output mode is `update` or `both`. */
  readonly update?: T;
}

/** What `run` gives back: what the output mode writes (update, new weight or both) and the new state. */
export interface StepResult {
  readonly update?: Float32Array;
  readonly weight?: Float32Array;
  readonly slots: Float32Array[];
}

export interface CompiledOptimizer<T> {
  readonly backend: BackendName;
  readonly checked: CheckedOptimizer;
  readonly output: OutputMode;
  /**
   * One step on tensors that live on the backend. Resolves once the work is submitted and
   * validated (webgpu) or done (cpu); later reads see the result.
   */
  step(tensors: StepTensors<T>, lr: number, step: number): Promise<void>;
  /** Convenience for tests and small jobs: copies Float32Arrays in, steps once, copies out. */
  run(inputs: StepInputs): Promise<StepResult>;
  /** Frees what the optimizer holds on the device. */
  destroy(): void;
}

/** Failure is a value: a candidate whose kernels cannot be built says why instead of throwing. */
export type CompileResult<O> =
  | { readonly ok: true; readonly optimizer: O }
  | { readonly ok: false; readonly reason: string; readonly error?: unknown };

/** Checks that state, sizes and the offset fit the program; the message names what is wrong. */
export function checkStepTensors<T>(
  checked: CheckedOptimizer,
  output: OutputMode,
  tensors: StepTensors<T>,
  sizeOf: (t: T) => number,
): void {
  const { n } = tensors;
  const offset = tensors.offset ?? 0;
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`element count must be a non-negative integer (got ${n})`);
  if (!Number.isSafeInteger(offset) || offset < 0) throw new RangeError(`element offset must be a non-negative integer (got ${offset})`);
  const expected = checked.signature.slots.length;
  if (tensors.slots.length !== expected) {
    throw new RangeError(`the program has ${expected} state slot(s) (${checked.signature.slots.join(', ')}), got ${tensors.slots.length}`);
  }
  if (output !== 'weight' && tensors.update === undefined) throw new RangeError(`output mode '${output}' needs an update tensor`);
  const named: [string, T | undefined][] = [['w', tensors.w], ['g', tensors.g], ['update', tensors.update]];
  tensors.slots.forEach((s, i) => named.push([checked.signature.slots[i]!, s]));
  for (const [name, t] of named) {
    if (t !== undefined && sizeOf(t) < offset + n) {
      throw new RangeError(`tensor '${name}' holds ${sizeOf(t)} elements, fewer than offset + n = ${offset} + ${n}`);
    }
  }
}
