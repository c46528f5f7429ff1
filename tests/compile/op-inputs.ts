// Inputs for per-op differential tests: every pairing of awkward float32 values, then random values over many magnitudes.
import { Rng } from '../../src/dsl/index.js';

/** Zeros, NaN, infinities, huge and tiny normals, the largest float32, and small integers of both signs. */
export const EDGE_VALUES: readonly number[] = [
  0, -0, NaN, Infinity, -Infinity, 1e30, -1e30, 1e-30, -1e-30, 3.4e38, -3.4e38, 1, -1, 0.5, -0.5, 2, -2, 3, -3, 0.1, -0.1,
  1e-8, -1e-8, 100, -100, 88.8, -104, 1.0000001, 0.99999994,
].map(Math.fround);

/** |x| log-uniform in [1e-30, 1e30] or uniform in [-4, 4], half of each. */
export function randomValue(rng: Rng, maxMagnitude = 1e30): number {
  if (rng.chance(0.5)) return Math.fround((rng.next() * 2 - 1) * Math.min(4, maxMagnitude));
  const lo = Math.log(1e-30);
  const hi = Math.log(maxMagnitude);
  return Math.fround((rng.chance(0.5) ? -1 : 1) * Math.exp(lo + rng.next() * (hi - lo)));
}

/**
 * `arity` columns: first every combination of two edge values (the third column, if any, cycles
 * through them), then `random` rows of random values. Columns beyond the first take values up to
 * `maxMagnitude`, which keeps e.g. interp's weight or power's exponent in a useful range.
 */
export function coverageInputs(arity: number, random: number, seed: number, maxMagnitude = 1e30): Float32Array[] {
  const rng = Rng.fromSeed(seed);
  const rows: number[][] = [];
  const e = EDGE_VALUES;
  if (arity === 1) for (const a of e) rows.push([a]);
  else for (const a of e) for (const b of e) rows.push([a, b, e[(rows.length * 7) % e.length]!].slice(0, arity));
  for (let i = 0; i < random; i++) rows.push(Array.from({ length: arity }, (_, k) => randomValue(rng, k === 0 ? 1e30 : maxMagnitude)));
  return Array.from({ length: arity }, (_, k) => Float32Array.from(rows, (r) => r[k]!));
}
