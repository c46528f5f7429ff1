// New and perturbed constants, as the Lion search draws them: N(mean, std), or ×2^N(0, s), clamped.
import type { Rng } from '../dsl/index.js';
import type { ConstantSettings } from './space-types.js';

/**
 * Significant digits a drawn constant keeps, so printed programs stay readable. A relative step of
 * 1e-4 is far finer than the ×2^N(0, s) moves of a mutation (s ≈ 1), so the search loses nothing.
 */
const DIGITS = 4;

function tidy(x: number, limit: number): number {
  const clamped = Math.min(limit, Math.max(-limit, x));
  const rounded = Number(clamped.toPrecision(DIGITS));
  // Rounding can step just past the limit (limit 1e10 with 4 digits cannot, odd limits could).
  return Math.abs(rounded) > limit ? clamped : rounded === 0 ? 0 : rounded;
}

/** A fresh constant from N(mean, std). */
export function drawConstant(rng: Rng, c: ConstantSettings): number {
  return tidy(c.initial.mean + c.initial.std * rng.normal(), c.limit);
}

/** A mutated constant: replaced by a fresh draw with replaceProbability, else scaled by 2^N(0, scaleLog2Std). */
export function perturbConstant(x: number, rng: Rng, c: ConstantSettings): number {
  if (rng.chance(c.perturb.replaceProbability)) return drawConstant(rng, c);
  return tidy(x * 2 ** (c.perturb.scaleLog2Std * rng.normal()), c.limit);
}
