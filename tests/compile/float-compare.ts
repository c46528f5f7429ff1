// Comparing GPU results with the CPU reference: ulp distances, per-element tolerances, NaN and Inf placement.

const f32 = new Float32Array(1);
const i32 = new Int32Array(f32.buffer);

/** float32 values ordered as integers, so that adjacent floats differ by 1 (and -0 equals +0). */
function ordinal(x: number): number {
  f32[0] = x;
  const bits = i32[0]!;
  return bits < 0 ? -(bits & 0x7fffffff) : bits;
}

/** Number of float32 values between a and b (0 when equal, counting -0 and +0 as one value). */
export function ulpDistance(a: number, b: number): number {
  return Math.abs(ordinal(a) - ordinal(b));
}

/** The spacing of float32 values at |x|. */
export function ulpOf(x: number): number {
  const a = Math.abs(Math.fround(x));
  if (!Number.isFinite(a)) return Infinity;
  if (a < 2 ** -126) return 2 ** -149;
  return 2 ** (Math.floor(Math.log2(a)) - 23);
}

/** Allowed |gpu - cpu| for one element, given the CPU value and the element's inputs. */
export type Tolerance = (cpu: number, gpu: number, index: number) => number;

export const EXACT: Tolerance = () => 0;

export const ulps =
  (k: number, atol = 0): Tolerance =>
  (cpu) =>
    Math.max(k * ulpOf(cpu), atol);

export interface Mismatch {
  readonly index: number;
  readonly cpu: number;
  readonly gpu: number;
  readonly ulps: number;
}

/**
 * Elements where the two disagree: NaN on one side only, different infinities, or a finite
 * difference above the tolerance. -0 and +0 count as equal (the language does not tell them apart).
 */
export function mismatches(gpu: Float32Array, cpu: Float32Array, tolerance: Tolerance): Mismatch[] {
  if (gpu.length !== cpu.length) throw new Error(`length ${gpu.length} on the GPU, ${cpu.length} on the CPU`);
  const out: Mismatch[] = [];
  for (let i = 0; i < cpu.length; i++) {
    const c = cpu[i]!;
    const g = gpu[i]!;
    if (Number.isNaN(c) || Number.isNaN(g)) {
      if (Number.isNaN(c) !== Number.isNaN(g)) out.push({ index: i, cpu: c, gpu: g, ulps: Infinity });
      continue;
    }
    if (c === g) continue;
    if (!Number.isFinite(c) || !Number.isFinite(g) || Math.abs(g - c) > tolerance(c, g, i)) {
      out.push({ index: i, cpu: c, gpu: g, ulps: ulpDistance(c, g) });
    }
  }
  return out;
}

/** The largest ulp distance between finite, equally-NaN elements (for reports). */
export function maxUlps(gpu: Float32Array, cpu: Float32Array): number {
  let worst = 0;
  for (let i = 0; i < cpu.length; i++) {
    const c = cpu[i]!;
    const g = gpu[i]!;
    if (Number.isFinite(c) && Number.isFinite(g)) worst = Math.max(worst, ulpDistance(c, g));
  }
  return worst;
}
