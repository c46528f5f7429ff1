// Making and checking tensor views: shapes, the batch broadcast rule, and bounds inside storage.
import type { Tensor } from './types.js';

export interface ViewShape {
  /** Elements before replica 0's matrix; default 0. */
  readonly offset?: number;
  /** Default 1. */
  readonly batch?: number;
  /** Elements between replicas' matrices; default rows * cols (contiguous), 0 broadcasts. */
  readonly batchStride?: number;
  readonly rows: number;
  readonly cols: number;
}

/** A view of `storage`; nothing is copied or checked against the storage's length here. */
export function tensorView<S>(storage: S, shape: ViewShape): Tensor<S> {
  const batch = shape.batch ?? 1;
  const view: Tensor<S> = {
    storage,
    offset: shape.offset ?? 0,
    batch,
    batchStride: shape.batchStride ?? shape.rows * shape.cols,
    rows: shape.rows,
    cols: shape.cols,
  };
  checkShape(view);
  return view;
}

/** The same storage seen with every replica reading replica 0's matrix, batch `batch`. */
export function broadcastView<S>(t: Tensor<S>, batch: number): Tensor<S> {
  return { ...t, batch, batchStride: 0 };
}

/** Elements of one replica's matrix. */
export function matrixSize(t: Tensor<unknown>): number {
  return t.rows * t.cols;
}

/** True when the replicas' matrices follow each other without gaps (or there is only one). */
export function isContiguous(t: Tensor<unknown>): boolean {
  return t.batch === 1 || t.batchStride === t.rows * t.cols;
}

/** How many distinct matrices the view holds: 1 when broadcast. */
export function storedBatch(t: Tensor<unknown>): number {
  return t.batchStride === 0 ? 1 : t.batch;
}

const isCount = (n: number) => Number.isSafeInteger(n) && n >= 0;

/** Throws a RangeError unless offsets, strides and sizes are non-negative integers and batch ≥ 1. */
export function checkShape(t: Tensor<unknown>, name = 'tensor'): void {
  if (!isCount(t.offset) || !isCount(t.batchStride) || !isCount(t.rows) || !isCount(t.cols) || !isCount(t.batch) || t.batch < 1) {
    throw new RangeError(`${name}: bad view (offset ${t.offset}, batch ${t.batch}, batchStride ${t.batchStride}, rows ${t.rows}, cols ${t.cols})`);
  }
}

/** Throws a RangeError when the view reaches past `length` elements of its storage. */
export function checkBounds(t: Tensor<unknown>, length: number, name = 'tensor'): void {
  checkShape(t, name);
  const size = matrixSize(t);
  if (size === 0) return;
  const end = t.offset + (storedBatch(t) - 1) * t.batchStride + size;
  if (end > length) {
    throw new RangeError(`${name}: view [${t.batch}, ${t.rows}, ${t.cols}] at offset ${t.offset} (batchStride ${t.batchStride}) ends at element ${end}, past the storage's ${length}`);
  }
}

/**
 * The batch of an op over `inputs`: the largest; every other input must have it or batch 1
 * (which broadcasts). Throws a RangeError naming the op otherwise.
 */
export function opBatch(op: string, ...inputs: readonly Tensor<unknown>[]): number {
  let batch = 1;
  for (const t of inputs) batch = Math.max(batch, t.batch);
  for (const t of inputs) {
    if (t.batch !== 1 && t.batch !== batch) {
      throw new RangeError(`${op}: batches ${inputs.map((i) => i.batch).join(' and ')} do not broadcast`);
    }
  }
  return batch;
}

/** Elements from the view's offset to the end of its last stored replica's matrix. */
export function viewSpan(t: Tensor<unknown>): number {
  return (storedBatch(t) - 1) * t.batchStride + matrixSize(t);
}

/** Element offset of replica `b`'s matrix in `t` (broadcast views and batch 1 always give replica 0's). */
export function replicaOffset(t: Tensor<unknown>, b: number): number {
  return t.batch === 1 ? t.offset : t.offset + b * t.batchStride;
}

/** Stride between replicas as an op of batch `batch` reads `t`: 0 when `t` broadcasts. */
export function readStride(t: Tensor<unknown>): number {
  return t.batch === 1 ? 0 : t.batchStride;
}

/** Throws unless `out` has exactly the shape [batch, rows, cols]. */
export function checkOut(op: string, out: Tensor<unknown>, batch: number, rows: number, cols: number): void {
  if (out.batch !== batch || out.rows !== rows || out.cols !== cols) {
    throw new RangeError(`${op}: out is [${out.batch}, ${out.rows}, ${out.cols}], the result is [${batch}, ${rows}, ${cols}]`);
  }
  if (batch > 1 && out.batchStride < out.rows * out.cols) {
    throw new RangeError(`${op}: out's replicas overlap (batchStride ${out.batchStride} < ${rows * cols})`);
  }
}

/** Throws unless a and b have the same [rows, cols]. */
export function checkSameMatrix(op: string, a: Tensor<unknown>, b: Tensor<unknown>): void {
  if (a.rows !== b.rows || a.cols !== b.cols) {
    throw new RangeError(`${op}: shapes [${a.rows}, ${a.cols}] and [${b.rows}, ${b.cols}] differ`);
  }
}
