// A gradient check for tape graphs: parameters in a padded flat [K][P] buffer, the tape's gradients against float64 central differences of a twin.
//
// The twin evaluates the same graph in float64 on the float32 parameters; the central difference
// (step 1e-4) has truncation error ~1e-8 and rounding error ~1e-12, while the tape works in float32,
// so the two must agree to about 2e-5 of the largest gradient.
import { expect } from 'vitest';
import { Rng } from '../../src/dsl/index.js';
import { CpuTensorBackend, Tape, type Tensor, type TapeNode } from '../../src/tensor/index.js';
import { centralDifference, crossEntropy64, dense, type Dense } from './reference.js';

export const K = 3;

export interface GraphCase {
  /** Each parameter is [K, rows, cols], one matrix per replica. */
  readonly params: readonly (readonly [number, number])[];
  /** Rows and classes of the logits the graph ends in, [K, rows, classes]. */
  readonly rows: number;
  readonly classes: number;
  build(tape: Tape<Float32Array>, params: readonly TapeNode<Float32Array>[]): TapeNode<Float32Array>;
  twin(params: readonly Dense[]): Dense;
}

const backend = new CpuTensorBackend();

function layout(c: GraphCase) {
  const offsets: number[] = [];
  let p = 2;
  for (const [r, cl] of c.params) {
    offsets.push(p);
    p += r * cl + 1;
  }
  return { offsets, stride: p + 3, length: 5 + K * (p + 3) };
}

function views(c: GraphCase, storage: Float32Array): Tensor<Float32Array>[] {
  const { offsets, stride } = layout(c);
  return c.params.map(([rows, cols], k) => ({ storage, offset: 5 + offsets[k]!, batch: K, batchStride: stride, rows, cols }));
}

function toDense(c: GraphCase, flat: Float64Array): Dense[] {
  const { offsets, stride } = layout(c);
  return c.params.map(([rows, cols], k) => {
    const d = dense(K, rows, cols);
    for (let b = 0; b < K; b++) for (let e = 0; e < rows * cols; e++) d.data[b * rows * cols + e] = flat[5 + offsets[k]! + b * stride + e]!;
    return d;
  });
}

/** A shared constant [1, rows, 1] of float-held integers, for ids. */
export function constantColumn(values: readonly number[]): Tensor<Float32Array> {
  return { storage: Float32Array.from(values), offset: 0, batch: 1, batchStride: 0, rows: values.length, cols: 1 };
}

/** Runs the tape's backward and compares every parameter element's gradient with a central difference. */
export function checkGraphGradients(c: GraphCase, seed: number, init: (rng: Rng, param: number) => number = (rng) => rng.normal() * 0.7): void {
  const rng = Rng.fromSeed(seed);
  const { length } = layout(c);
  const params = new Float32Array(length);
  const owner = new Int32Array(length).fill(-1);
  views(c, params).forEach((v, k) => {
    for (let b = 0; b < K; b++) for (let e = 0; e < v.rows * v.cols; e++) owner[v.offset + b * v.batchStride + e] = k;
  });
  for (let e = 0; e < length; e++) params[e] = owner[e]! < 0 ? rng.normal() : init(rng, owner[e]!);
  const grads = new Float32Array(length).fill(NaN);
  const labels = Float32Array.from({ length: c.rows }, () => rng.int(c.classes));
  const tape = new Tape(backend);
  backend.resetArena();
  const nodes = views(c, params).map((v, k) => tape.param(v, views(c, grads)[k]!));
  const logits = c.build(tape, nodes);
  expect([logits.value.batch, logits.value.rows, logits.value.cols]).toEqual([K, c.rows, c.classes]);
  const loss = tape.softmaxCrossEntropy(logits, { storage: labels, offset: 0, batch: 1, batchStride: 0, rows: c.rows, cols: 1 });
  tape.backward(loss);

  const y64 = dense(1, c.rows, 1, labels);
  const labels64 = dense(K, c.rows, 1);
  for (let b = 0; b < K; b++) labels64.data.set(y64.data, b * c.rows);
  const total = (flat: Float64Array): number => crossEntropy64(c.twin(toDense(c, flat)), labels64).data.reduce((s, v) => s + v, 0);
  const flat = Float64Array.from(params);
  const want = new Float64Array(length);
  for (let e = 0; e < length; e++) if (owner[e]! >= 0) want[e] = centralDifference(total, flat, e, 1e-4);
  let largest = 0;
  for (let e = 0; e < length; e++) if (owner[e]! >= 0) largest = Math.max(largest, Math.abs(want[e]!));
  expect(largest, 'the loss depends on the parameters').toBeGreaterThan(1e-6);
  for (let e = 0; e < length; e++) {
    if (owner[e]! < 0) {
      expect(grads[e], `padding element ${e} was written`).toBeNaN();
      continue;
    }
    expect(Math.abs(grads[e]! - want[e]!), `param ${owner[e]} element ${e}: tape ${grads[e]} difference ${want[e]}`)
      .toBeLessThanOrEqual(2e-5 * largest + 1e-4 * Math.abs(want[e]!));
  }
}
