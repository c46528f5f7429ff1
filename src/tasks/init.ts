// Parameter initialisation shared by every replica: weights U(−1, 1)/√fan_in from mulberry32, biases 0.
import { uniformSigned } from './data/mulberry32.js';
import type { ParameterLayout } from './layout.js';

/**
 * One replica's parameters [stride]. Weight matrices draw from one stream in layer order, each
 * element f32(U / √rows) — for the teacher task's 32-64-10 student with seed 7 this is exactly the
 * initialisation the PyTorch and TensorFlow.js baselines start from.
 */
export function initialParameters(layout: ParameterLayout, seed: number): Float32Array {
  const weights = layout.tensors.filter((t) => t.name.startsWith('W'));
  const u = uniformSigned(seed, weights.reduce((sum, t) => sum + t.size, 0));
  const out = new Float32Array(layout.stride);
  let at = 0;
  for (const t of weights) {
    const scale = Math.sqrt(t.rows);
    for (let i = 0; i < t.size; i++) out[t.offset + i] = u[at++]! / scale;
  }
  return out;
}
