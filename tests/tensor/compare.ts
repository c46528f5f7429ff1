// Comparing backend results with a reference: NaN and ±Inf placement exact, finite values within a tolerance.
import type { Dense } from './reference.js';

const F32_MAX = 3.4028234663852886e38;

export interface Tolerance {
  /** Relative to the reference element. */
  readonly rtol: number;
  /** Relative to the largest |reference| element of the tensor (at least 1): rounding in sums and products scales with it. */
  readonly scaled?: number;
  /** Absolute. */
  readonly atol?: number;
}

export interface Mismatch {
  readonly index: number;
  readonly got: number;
  readonly want: number;
}

/** Elements of `got` that differ from `want` (tiled when `want` holds one broadcast replica of several). */
export function mismatches(got: Float32Array, want: Dense | Float32Array | Float64Array, tolerance: Tolerance): Mismatch[] {
  const data = 'data' in want ? want.data : want;
  if (data.length === 0 ? got.length !== 0 : got.length % data.length !== 0) {
    return [{ index: -1, got: got.length, want: data.length }];
  }
  let scale = 1;
  for (const w of data) if (Number.isFinite(w)) scale = Math.max(scale, Math.abs(w));
  const slack = (tolerance.scaled ?? 0) * scale + (tolerance.atol ?? 0);
  const out: Mismatch[] = [];
  for (let i = 0; i < got.length; i++) {
    const g = got[i]!;
    const w = data[i % data.length]!;
    if (Number.isNaN(g) || Number.isNaN(w)) {
      if (Number.isNaN(g) !== Number.isNaN(w)) out.push({ index: i, got: g, want: w });
      continue;
    }
    if (!Number.isFinite(w) || !Number.isFinite(g)) {
      // A float64 reference past float32's range is an infinity in float32.
      const overflow = !Number.isFinite(g) && Math.abs(w) >= F32_MAX && Math.sign(g) === Math.sign(w);
      if (g !== w && !overflow) out.push({ index: i, got: g, want: w });
      continue;
    }
    if (Math.abs(g - w) > tolerance.rtol * Math.abs(w) + slack) out.push({ index: i, got: g, want: w });
  }
  return out;
}

/** A short message for the first few mismatches, or undefined when there are none. */
export function describeMismatches(label: string, found: readonly Mismatch[]): string | undefined {
  if (found.length === 0) return undefined;
  const shown = found.slice(0, 5).map((m) => `[${m.index}] got ${m.got} want ${m.want}`).join('; ');
  return `${label}: ${found.length} mismatches: ${shown}`;
}
