// Initial parameters of a model given as named tensors: uniform ones from one mulberry32 stream, the rest constants.
import { uniformSigned } from './data/mulberry32.js';
import { layoutTensor, type ParameterLayout } from './layout.js';
import type { ModelTensor } from './transformer.js';

/**
 * One replica's parameters [stride]. The uniform tensors draw from mulberry32(seed) one after the
 * other in the order `tensors` lists them, each element row-major f32(U · scale) with U in [−1, 1)
 * and scale 1/√rows unless the tensor gives its own (the multiplication is in float64, as the twin's).
 */
export function initialModelParameters(layout: ParameterLayout, tensors: readonly ModelTensor[], seed: number): Float32Array {
  const drawn = tensors.filter((t) => t.init.kind === 'uniform');
  const u = uniformSigned(seed, drawn.reduce((sum, t) => sum + t.rows * t.cols, 0));
  const out = new Float32Array(layout.stride);
  let at = 0;
  for (const t of tensors) {
    const { offset, size } = layoutTensor(layout, t.name);
    const init = t.init;
    switch (init.kind) {
      case 'uniform': {
        const scale = init.scale ?? 1 / Math.sqrt(t.rows);
        for (let i = 0; i < size; i++) out[offset + i] = u[at++]! * scale;
        break;
      }
      case 'zeros':
        break;
      case 'ones':
        out.fill(1, offset, offset + size);
        break;
      case 'identity-taps':
        out.fill(1, offset, offset + t.cols);
        break;
    }
  }
  return out;
}
