// Rows of a dataset split as a tensor every model replica reads.
import type { Tensor } from '../tensor/index.js';

/** Rows [start, start + rows) of a row-major [n, cols] matrix, shared by all replicas. */
export function sharedRows<S>(storage: S, start: number, rows: number, cols: number): Tensor<S> {
  return { storage, offset: start * cols, batch: 1, batchStride: 0, rows, cols };
}
