// Helpers of the cpu-backend tests: exact bit patterns of float32 arrays, step arrays, compiled optimizers.
import type { CheckedOptimizer, StepInputs } from '../../src/dsl/index.js';
import { CpuOptimizer, lowerOptimizer, type OutputMode, type StepTensors } from '../../src/compile/index.js';

/** The bit patterns of a float32 array with every NaN made one value, so equal means bit for bit but NaN = NaN. */
export function bitsOf(a: Float32Array): number[] {
  const bits = new Uint32Array(Float32Array.from(a).buffer);
  return Array.from(bits, (b, i) => (Number.isNaN(a[i]!) ? 0x7fc00000 : b));
}

/** Copies of the inputs as step tensors, with an update array when the output mode writes one. */
export function stepArrays(inputs: StepInputs, output: OutputMode): StepTensors<Float32Array> & { readonly slots: Float32Array[] } {
  const n = inputs.w.length;
  return {
    n,
    w: Float32Array.from(inputs.w),
    g: Float32Array.from(inputs.g),
    slots: inputs.slots.map((s) => Float32Array.from(s)),
    ...(output === 'weight' ? {} : { update: new Float32Array(n) }),
  };
}

export function cpuOptimizer(checked: CheckedOptimizer, output: OutputMode = 'update'): CpuOptimizer {
  return new CpuOptimizer(lowerOptimizer(checked, { output }));
}
