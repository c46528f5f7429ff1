// Shape rules of every op, shared by both backends so they accept and reject exactly the same calls.
import type { Tensor } from './types.js';
import { checkOut, checkSameMatrix, checkShape, opBatch } from './views.js';

export interface MatmulShape {
  readonly batch: number;
  /** op(A) is [M, K], op(B) is [K, N], the result [M, N]. */
  readonly M: number;
  readonly N: number;
  readonly K: number;
}

export function matmulShape(a: Tensor<unknown>, b: Tensor<unknown>, transA: boolean, transB: boolean, out?: Tensor<unknown>): MatmulShape {
  checkShape(a, 'matmul a');
  checkShape(b, 'matmul b');
  const M = transA ? a.cols : a.rows;
  const K = transA ? a.rows : a.cols;
  const Kb = transB ? b.cols : b.rows;
  const N = transB ? b.rows : b.cols;
  if (K !== Kb) {
    throw new RangeError(`matmul: op(a) is [${M}, ${K}] and op(b) is [${Kb}, ${N}] (transA ${transA}, transB ${transB})`);
  }
  const batch = opBatch('matmul', a, b);
  if (out !== undefined) checkOut('matmul', out, batch, M, N);
  return { batch, M, N, K };
}

/** The batch of an elementwise op whose inputs share one [rows, cols]. */
export function elementwiseShape(op: string, a: Tensor<unknown>, b: Tensor<unknown> | undefined, out?: Tensor<unknown>): number {
  checkShape(a, `${op} input`);
  if (b !== undefined) {
    checkShape(b, `${op} input`);
    checkSameMatrix(op, a, b);
  }
  const batch = b === undefined ? a.batch : opBatch(op, a, b);
  if (out !== undefined) checkOut(op, out, batch, a.rows, a.cols);
  return batch;
}

export function addBiasShape(x: Tensor<unknown>, bias: Tensor<unknown>, out?: Tensor<unknown>): number {
  checkShape(x, 'addBias x');
  checkShape(bias, 'addBias bias');
  if (bias.rows !== 1 || bias.cols !== x.cols) {
    throw new RangeError(`addBias: bias is [${bias.rows}, ${bias.cols}], expected [1, ${x.cols}]`);
  }
  const batch = opBatch('addBias', x, bias);
  if (out !== undefined) checkOut('addBias', out, batch, x.rows, x.cols);
  return batch;
}

export function sumRowsShape(dy: Tensor<unknown>, out?: Tensor<unknown>): number {
  checkShape(dy, 'sumRows dy');
  if (out !== undefined) checkOut('sumRows', out, dy.batch, 1, dy.cols);
  return dy.batch;
}

export function meanShape(x: Tensor<unknown>, out?: Tensor<unknown>): number {
  checkShape(x, 'mean x');
  if (out !== undefined) checkOut('mean', out, x.batch, 1, 1);
  return x.batch;
}

/** Logits [batch, M, C] against labels [1 or batch, M, 1]; returns the batch. */
export function classificationShape(op: string, logits: Tensor<unknown>, labels: Tensor<unknown>): number {
  checkShape(logits, `${op} logits`);
  checkShape(labels, `${op} labels`);
  if (labels.rows !== logits.rows || labels.cols !== 1) {
    throw new RangeError(`${op}: labels are [${labels.rows}, ${labels.cols}], expected [${logits.rows}, 1] for logits [${logits.rows}, ${logits.cols}]`);
  }
  return opBatch(op, logits, labels);
}

export function markNonFiniteShape(value: Tensor<unknown>, step: number, divergedAt: Tensor<unknown>): number {
  checkShape(value, 'markNonFinite value');
  checkShape(divergedAt, 'markNonFinite divergedAt');
  if (!Number.isFinite(step)) throw new RangeError(`markNonFinite: step must be finite (got ${step})`);
  const batch = opBatch('markNonFinite', value, divergedAt);
  checkOut('markNonFinite', divergedAt, batch, 1, 1);
  return batch;
}
