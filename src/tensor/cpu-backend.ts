// The cpu tensor backend: plain TypeScript loops over Float32Array, the reference for the WGSL kernels and the fallback trainer.
import { Arena } from './arena.js';
import { activationCpu, activationGradCpu } from './kernels/activation-cpu.js';
import { attentionMixCpu, attentionScoreGradCpu, attentionScoresCpu } from './kernels/attention-cpu.js';
import { dconvCpu, dconvGradInputCpu, dconvGradTapsCpu } from './kernels/dconv-cpu.js';
import { addBiasCpu, addCpu, mulCpu, scaleCpu } from './kernels/elementwise-cpu.js';
import { embeddingCpu, embeddingGradCpu } from './kernels/embedding-cpu.js';
import { layerNormCpu, layerNormGradCpu } from './kernels/layer-norm-cpu.js';
import { matmulCpu } from './kernels/matmul-cpu.js';
import { hasNonFiniteCpu, meanCpu, sumRowsCpu } from './kernels/reduce-cpu.js';
import { classificationStatsCpu, softmaxCrossEntropyCpu } from './kernels/softmax-cpu.js';
import {
  addBiasShape, classificationShape, elementwiseShape, markNonFiniteShape, matmulShape, meanShape, sumRowsShape,
} from './op-shapes.js';
import {
  attentionGradShape, attentionShape, dconvGradShape, dconvShape, embeddingGradShape, embeddingShape, layerNormGradShape, layerNormShape,
} from './sequence-shapes.js';
import type { Activation, AttentionOptions, SequenceOptions, Tensor, TensorBackend } from './types.js';
import { checkBounds, matrixSize, replicaOffset, storedBatch, viewSpan } from './views.js';

type T = Tensor<Float32Array>;

export class CpuTensorBackend implements TensorBackend<Float32Array> {
  readonly name = 'cpu';
  readonly #arena = new Arena<Float32Array>((length) => new Float32Array(length));

  empty(batch: number, rows: number, cols: number): T {
    const t = this.#scratch(batch, rows, cols);
    t.storage.fill(0);
    return t;
  }

  allocate(length: number, data?: Float32Array): Float32Array {
    const storage = new Float32Array(length);
    if (data !== undefined) this.write(storage, 0, data);
    return storage;
  }

  write(storage: Float32Array, offset: number, data: Float32Array): void {
    if (!Number.isSafeInteger(offset) || offset < 0 || offset + data.length > storage.length) {
      throw new RangeError(`write: ${data.length} elements at ${offset} overrun storage of ${storage.length}`);
    }
    storage.set(data, offset);
  }

  async read(t: T): Promise<Float32Array> {
    return this.readNow(t);
  }

  /** The tensor's elements, contiguous, without waiting (the cpu has nothing to wait for). */
  readNow(t: T): Float32Array {
    input(t, 'read');
    const size = matrixSize(t);
    const batch = storedBatch(t);
    const result = new Float32Array(batch * size);
    for (let b = 0; b < batch; b++) {
      const start = t.offset + b * t.batchStride;
      result.set(t.storage.subarray(start, start + size), b * size);
    }
    return result;
  }

  free(): void {
    // Garbage-collected.
  }

  resetArena(): void {
    this.#arena.reset();
  }

  flush(): void {
    // Every op has already run.
  }

  destroy(): void {
    this.#arena.destroy();
  }

  matmul(a: T, b: T, options: { transA?: boolean; transB?: boolean; out?: T } = {}): T {
    const transA = options.transA ?? false;
    const transB = options.transB ?? false;
    const { batch, M, N, K } = matmulShape(input(a, 'matmul a'), input(b, 'matmul b'), transA, transB, options.out);
    const out = this.#output(options.out, batch, M, N);
    a = this.#apart(a, out);
    b = this.#apart(b, out);
    const layout = {
      M, N, K,
      aOffset: 0, aRow: transA ? 1 : a.cols, aCol: transA ? a.cols : 1,
      bOffset: 0, bRow: transB ? 1 : b.cols, bCol: transB ? b.cols : 1,
      cOffset: 0,
    };
    for (let r = 0; r < batch; r++) {
      layout.aOffset = replicaOffset(a, r);
      layout.bOffset = replicaOffset(b, r);
      layout.cOffset = replicaOffset(out, r);
      matmulCpu(a.storage, b.storage, out.storage, layout);
    }
    return out;
  }

  add(a: T, b: T, out?: T): T {
    const batch = elementwiseShape('add', input(a, 'add a'), input(b, 'add b'), out);
    const y = this.#output(out, batch, a.rows, a.cols);
    a = this.#apart(a, y);
    b = this.#apart(b, y);
    const n = matrixSize(a);
    for (let r = 0; r < batch; r++) {
      addCpu(a.storage, replicaOffset(a, r), b.storage, replicaOffset(b, r), y.storage, replicaOffset(y, r), n);
    }
    return y;
  }

  addBias(x: T, bias: T, out?: T): T {
    const batch = addBiasShape(input(x, 'addBias x'), input(bias, 'addBias bias'), out);
    const y = this.#output(out, batch, x.rows, x.cols);
    x = this.#apart(x, y);
    bias = this.#apart(bias, y);
    for (let r = 0; r < batch; r++) {
      addBiasCpu(x.storage, replicaOffset(x, r), bias.storage, replicaOffset(bias, r), y.storage, replicaOffset(y, r), x.rows, x.cols);
    }
    return y;
  }

  sumRows(dy: T, out?: T): T {
    const batch = sumRowsShape(input(dy, 'sumRows dy'), out);
    const y = this.#output(out, batch, 1, dy.cols);
    dy = this.#apart(dy, y);
    for (let r = 0; r < batch; r++) sumRowsCpu(dy.storage, replicaOffset(dy, r), dy.rows, dy.cols, y.storage, replicaOffset(y, r));
    return y;
  }

  activation(kind: Activation, x: T, out?: T): T {
    const batch = elementwiseShape('activation', input(x, 'activation x'), undefined, out);
    const y = this.#output(out, batch, x.rows, x.cols);
    x = this.#apart(x, y);
    const n = matrixSize(x);
    for (let r = 0; r < batch; r++) activationCpu(kind, x.storage, replicaOffset(x, r), y.storage, replicaOffset(y, r), n);
    return y;
  }

  activationGrad(kind: Activation, x: T, dy: T, out?: T): T {
    const batch = elementwiseShape('activationGrad', input(x, 'activationGrad x'), input(dy, 'activationGrad dy'), out);
    const dx = this.#output(out, batch, x.rows, x.cols);
    x = this.#apart(x, dx);
    dy = this.#apart(dy, dx);
    const n = matrixSize(x);
    for (let r = 0; r < batch; r++) {
      activationGradCpu(kind, x.storage, replicaOffset(x, r), dy.storage, replicaOffset(dy, r), dx.storage, replicaOffset(dx, r), n);
    }
    return dx;
  }

  mul(a: T, b: T, out?: T): T {
    const batch = elementwiseShape('mul', input(a, 'mul a'), input(b, 'mul b'), out);
    const y = this.#output(out, batch, a.rows, a.cols);
    a = this.#apart(a, y);
    b = this.#apart(b, y);
    const n = matrixSize(a);
    for (let r = 0; r < batch; r++) {
      mulCpu(a.storage, replicaOffset(a, r), b.storage, replicaOffset(b, r), y.storage, replicaOffset(y, r), n);
    }
    return y;
  }

  scale(x: T, c: number, out?: T): T {
    const batch = elementwiseShape('scale', input(x, 'scale x'), undefined, out);
    const y = this.#output(out, batch, x.rows, x.cols);
    x = this.#apart(x, y);
    const n = matrixSize(x);
    for (let r = 0; r < batch; r++) scaleCpu(x.storage, replicaOffset(x, r), Math.fround(c), y.storage, replicaOffset(y, r), n);
    return y;
  }

  embedding(table: T, ids: T, out?: T): T {
    const batch = embeddingShape(input(table, 'embedding table'), input(ids, 'embedding ids'), out);
    const y = this.#output(out, batch, ids.rows, table.cols);
    table = this.#apart(table, y);
    ids = this.#apart(ids, y);
    for (let r = 0; r < batch; r++) {
      embeddingCpu(table.storage, replicaOffset(table, r), ids.storage, replicaOffset(ids, r), y.storage, replicaOffset(y, r), ids.rows, table.rows, table.cols);
    }
    return y;
  }

  embeddingGrad(ids: T, dy: T, rows: number, out?: T): T {
    const batch = embeddingGradShape(input(ids, 'embeddingGrad ids'), input(dy, 'embeddingGrad dy'), rows, out);
    const y = this.#output(out, batch, rows, dy.cols);
    ids = this.#apart(ids, y);
    dy = this.#apart(dy, y);
    for (let r = 0; r < batch; r++) {
      embeddingGradCpu(ids.storage, replicaOffset(ids, r), dy.storage, replicaOffset(dy, r), y.storage, replicaOffset(y, r), dy.rows, rows, dy.cols);
    }
    return y;
  }

  layerNorm(x: T, gain: T, bias: T, eps: number): { y: T; stats: T } {
    const batch = layerNormShape(input(x, 'layerNorm x'), input(gain, 'layerNorm gain'), input(bias, 'layerNorm bias'), eps);
    const y = this.#scratch(batch, x.rows, x.cols);
    const stats = this.#scratch(batch, x.rows, 2);
    for (let r = 0; r < batch; r++) {
      layerNormCpu(
        x.storage, replicaOffset(x, r), gain.storage, replicaOffset(gain, r), bias.storage, replicaOffset(bias, r), eps,
        y.storage, replicaOffset(y, r), stats.storage, replicaOffset(stats, r), { N: x.rows, D: x.cols },
      );
    }
    return { y, stats };
  }

  layerNormGrad(x: T, gain: T, stats: T, dy: T, outs: { dx?: T; dgain?: T; dbias?: T } = {}): { dx: T; dgain: T; dbias: T } {
    const batch = layerNormGradShape(input(x, 'layerNormGrad x'), input(gain, 'gain'), input(stats, 'stats'), input(dy, 'layerNormGrad dy'), outs);
    const dx = this.#output(outs.dx, batch, x.rows, x.cols);
    const dgain = this.#output(outs.dgain, batch, 1, x.cols);
    const dbias = this.#output(outs.dbias, batch, 1, x.cols);
    [x, gain, stats, dy] = this.#apartAll([x, gain, stats, dy], [dx, dgain, dbias]);
    for (let r = 0; r < batch; r++) {
      layerNormGradCpu(
        x.storage, replicaOffset(x, r), gain.storage, replicaOffset(gain, r), stats.storage, replicaOffset(stats, r), dy.storage, replicaOffset(dy, r),
        dx.storage, replicaOffset(dx, r), dgain.storage, replicaOffset(dgain, r), dbias.storage, replicaOffset(dbias, r), { N: x.rows, D: x.cols },
      );
    }
    return { dx, dgain, dbias };
  }

  attention(q: T, k: T, v: T, options: AttentionOptions): { out: T; probs: T } {
    const dims = attentionShape(input(q, 'attention q'), input(k, 'attention k'), input(v, 'attention v'), options);
    const out = this.#scratch(dims.batch, q.rows, q.cols);
    const probs = this.#scratch(dims.batch, dims.B * dims.H * dims.T, dims.T);
    for (let r = 0; r < dims.batch; r++) {
      attentionScoresCpu(q.storage, replicaOffset(q, r), k.storage, replicaOffset(k, r), probs.storage, replicaOffset(probs, r), dims);
      attentionMixCpu(probs.storage, replicaOffset(probs, r), v.storage, replicaOffset(v, r), out.storage, replicaOffset(out, r), dims, false, 1);
    }
    return { out, probs };
  }

  attentionGrad(q: T, k: T, v: T, probs: T, dOut: T, options: AttentionOptions & { dq?: T; dk?: T; dv?: T }): { dq: T; dk: T; dv: T } {
    const dims = attentionGradShape(input(q, 'q'), input(k, 'k'), input(v, 'v'), input(probs, 'probs'), input(dOut, 'dOut'), options);
    const dq = this.#output(options.dq, dims.batch, q.rows, q.cols);
    const dk = this.#output(options.dk, dims.batch, q.rows, q.cols);
    const dv = this.#output(options.dv, dims.batch, q.rows, q.cols);
    [q, k, v, probs, dOut] = this.#apartAll([q, k, v, probs, dOut], [dq, dk, dv]);
    const ds = this.#scratch(dims.batch, probs.rows, probs.cols);
    const c = 1 / Math.sqrt(dims.dh);
    for (let r = 0; r < dims.batch; r++) {
      const at = (t: T) => replicaOffset(t, r);
      attentionScoreGradCpu(v.storage, at(v), probs.storage, at(probs), dOut.storage, at(dOut), ds.storage, at(ds), dims);
      attentionMixCpu(ds.storage, at(ds), k.storage, at(k), dq.storage, at(dq), dims, false, c);
      attentionMixCpu(ds.storage, at(ds), q.storage, at(q), dk.storage, at(dk), dims, true, c);
      attentionMixCpu(probs.storage, at(probs), dOut.storage, at(dOut), dv.storage, at(dv), dims, true, 1);
    }
    return { dq, dk, dv };
  }

  dconv(x: T, taps: T, options: SequenceOptions & { out?: T }): T {
    const batch = dconvShape(input(x, 'dconv x'), input(taps, 'dconv taps'), options, options.out);
    const y = this.#output(options.out, batch, x.rows, x.cols);
    x = this.#apart(x, y);
    taps = this.#apart(taps, y);
    const dims = { B: x.rows / options.seq, T: options.seq, D: x.cols, W: taps.rows };
    for (let r = 0; r < batch; r++) dconvCpu(x.storage, replicaOffset(x, r), taps.storage, replicaOffset(taps, r), y.storage, replicaOffset(y, r), dims);
    return y;
  }

  dconvGrad(x: T, taps: T, dy: T, options: SequenceOptions & { dx?: T; dtaps?: T }): { dx: T; dtaps: T } {
    const batch = dconvGradShape(input(x, 'dconvGrad x'), input(taps, 'dconvGrad taps'), input(dy, 'dconvGrad dy'), options);
    const dx = this.#output(options.dx, batch, x.rows, x.cols);
    const dtaps = this.#output(options.dtaps, batch, taps.rows, taps.cols);
    [x, taps, dy] = this.#apartAll([x, taps, dy], [dx, dtaps]);
    const dims = { B: x.rows / options.seq, T: options.seq, D: x.cols, W: taps.rows };
    for (let r = 0; r < batch; r++) {
      const at = (t: T) => replicaOffset(t, r);
      dconvGradInputCpu(taps.storage, at(taps), dy.storage, at(dy), dx.storage, at(dx), dims);
      dconvGradTapsCpu(x.storage, at(x), dy.storage, at(dy), dtaps.storage, at(dtaps), dims);
    }
    return { dx, dtaps };
  }

  softmaxCrossEntropy(logits: T, labels: T): { loss: T; dlogits: T } {
    const batch = classificationShape('softmaxCrossEntropy', input(logits, 'logits'), input(labels, 'labels'));
    const { rows: M, cols: C } = logits;
    const loss = this.#scratch(batch, 1, 1);
    const dlogits = this.#scratch(batch, M, C);
    for (let r = 0; r < batch; r++) {
      loss.storage[r] = softmaxCrossEntropyCpu(
        logits.storage, replicaOffset(logits, r), labels.storage, replicaOffset(labels, r), M, C, dlogits.storage, r * M * C,
      );
    }
    return { loss, dlogits };
  }

  classificationStats(logits: T, labels: T): T {
    const batch = classificationShape('classificationStats', input(logits, 'logits'), input(labels, 'labels'));
    const stats = this.#scratch(batch, 1, 2);
    for (let r = 0; r < batch; r++) {
      const [loss, correct] = classificationStatsCpu(
        logits.storage, replicaOffset(logits, r), labels.storage, replicaOffset(labels, r), logits.rows, logits.cols,
      );
      stats.storage[2 * r] = loss;
      stats.storage[2 * r + 1] = correct;
    }
    return stats;
  }

  mean(x: T, out?: T): T {
    const batch = meanShape(input(x, 'mean x'), out);
    const y = this.#output(out, batch, 1, 1);
    x = this.#apart(x, y);
    for (let r = 0; r < batch; r++) y.storage[replicaOffset(y, r)] = meanCpu(x.storage, replicaOffset(x, r), matrixSize(x));
    return y;
  }

  markNonFinite(value: T, step: number, divergedAt: T): void {
    const batch = markNonFiniteShape(input(value, 'markNonFinite value'), step, input(divergedAt, 'divergedAt'));
    value = this.#apart(value, divergedAt);
    for (let r = 0; r < batch; r++) {
      const at = replicaOffset(divergedAt, r);
      if (divergedAt.storage[at]! < 0 && hasNonFiniteCpu(value.storage, replicaOffset(value, r), matrixSize(value))) {
        divergedAt.storage[at] = step;
      }
    }
  }

  /**
   * `t`, or a copy of its elements in arena storage when it shares storage with the output `out`:
   * the same rule as on webgpu, so a partly overlapping `out` never reads what it has just written.
   */
  #apart(t: T, out: T): T {
    if (t.storage !== out.storage) return t;
    const span = viewSpan(t);
    const copy = this.#arena.take(span);
    copy.set(t.storage.subarray(t.offset, t.offset + span));
    return { ...t, storage: copy, offset: 0 };
  }

  /** Each input, copied aside when it shares storage with any of `outs`. */
  #apartAll<A extends T[]>(inputs: [...A], outs: readonly T[]): [...A] {
    return inputs.map((t) => outs.reduce((kept, out) => this.#apart(kept, out), t)) as [...A];
  }

  /** `out` when given (already checked), else contiguous arena storage. */
  #output(out: T | undefined, batch: number, rows: number, cols: number): T {
    if (out === undefined) return this.#scratch(batch, rows, cols);
    return input(out, 'out');
  }

  /** A contiguous arena tensor whose contents are stale: for ops that write every element. */
  #scratch(batch: number, rows: number, cols: number): T {
    const storage = this.#arena.take(batch * rows * cols);
    return { storage, offset: 0, batch, batchStride: rows * cols, rows, cols };
  }
}

/** Checks that `t` lies inside its storage and returns it. */
function input(t: T, name: string): T {
  checkBounds(t, t.storage.length, name);
  return t;
}
