// The MLP of a proxy task over K replicas: parameter views into flat storage, forward for evaluation.
import type { Activation, Tensor, TensorBackend } from '../tensor/index.js';
import type { ParameterLayout } from './layout.js';

/** Views of every replica's tensor `t` inside flat [replicas][stride] storage. */
export function parameterViews<S>(storage: S, layout: ParameterLayout, replicas: number): Tensor<S>[] {
  return layout.tensors.map((t) => ({ storage, offset: t.offset, batch: replicas, batchStride: layout.stride, rows: t.rows, cols: t.cols }));
}

/** Rows [start, start + rows) of a row-major [n, cols] matrix, shared by all replicas. */
export function sharedRows<S>(storage: S, start: number, rows: number, cols: number): Tensor<S> {
  return { storage, offset: start * cols, batch: 1, batchStride: 0, rows, cols };
}

/** logits [K, rows, classes] of x through Linear → act → … → Linear; params as [W1, b1, W2, b2, …]. */
export function mlpLogits<S>(backend: TensorBackend<S>, params: readonly Tensor<S>[], x: Tensor<S>, activation: Activation): Tensor<S> {
  let h = x;
  const layers = params.length / 2;
  for (let l = 0; l < layers; l++) {
    h = backend.addBias(backend.matmul(h, params[2 * l]!), params[2 * l + 1]!);
    if (l + 1 < layers) h = backend.activation(activation, h);
  }
  return h;
}
