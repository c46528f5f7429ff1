// Windows of a character corpus as a language model reads them: T input ids and the T ids after each.
import { mulberry32 } from './mulberry32.js';

/** The seed of the stream that draws every training window's start (the text's length). */
export const WINDOW_SEED = 1_190_317;

/**
 * Starts of the `batch` training windows of each of `steps` steps, row-major [steps][batch]: one
 * uint32 u per window from mulberry32(seed), start = floor(u · (n − T − 1) / 2^32) (exact in float64).
 */
export function windowStarts(trainLength: number, context: number, batch: number, steps: number, seed = WINDOW_SEED): Int32Array {
  const span = trainLength - context - 1;
  if (span < 1) throw new RangeError(`context ${context} needs more than ${context + 1} training characters (have ${trainLength})`);
  const next = mulberry32(seed);
  const out = new Int32Array(steps * batch);
  for (let i = 0; i < out.length; i++) out[i] = Math.floor((next() * span) / 4294967296);
  return out;
}

/**
 * Inputs then targets of windows at `starts`, as float class ids [2 · W · T]: the first W·T floats
 * are ids[s .. s+T) for each start s in order, the next W·T are ids[s+1 .. s+T+1).
 */
export function windowIds(ids: Int32Array, starts: ArrayLike<number>, context: number, out = new Float32Array(2 * starts.length * context)): Float32Array {
  const n = starts.length * context;
  for (let w = 0; w < starts.length; w++) {
    const s = starts[w]!;
    for (let t = 0; t < context; t++) {
      out[w * context + t] = ids[s + t]!;
      out[n + w * context + t] = ids[s + t + 1]!;
    }
  }
  return out;
}

/** Starts of the first `count` non-overlapping windows (T·i), as many as fit with their targets. */
export function evaluationStarts(length: number, context: number, count: number): Int32Array {
  const fit = Math.floor((length - 1) / context);
  return Int32Array.from({ length: Math.min(count, fit) }, (_, i) => i * context);
}
