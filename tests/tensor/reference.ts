// Float64 twins of the tensor ops, written as plainly as possible: the truth the backends and their gradients are checked against.
import type { Activation, Tensor } from '../../src/tensor/index.js';

/** A dense float64 batch of matrices [batch][rows][cols]. */
export interface Dense {
  readonly batch: number;
  readonly rows: number;
  readonly cols: number;
  readonly data: Float64Array;
}

export function dense(batch: number, rows: number, cols: number, data?: ArrayLike<number>): Dense {
  const d = new Float64Array(batch * rows * cols);
  if (data !== undefined) d.set(data);
  return { batch, rows, cols, data: d };
}

export const at = (t: Dense, b: number, i: number, j: number): number =>
  t.data[(t.batch === 1 ? 0 : b) * t.rows * t.cols + i * t.cols + j]!;

/** The view's elements as float64, replica by replica (a broadcast view as batch 1). */
export function fromView(t: Tensor<Float32Array>): Dense {
  const batch = t.batchStride === 0 ? 1 : t.batch;
  const out = dense(batch, t.rows, t.cols);
  for (let b = 0; b < batch; b++) {
    for (let e = 0; e < t.rows * t.cols; e++) out.data[b * t.rows * t.cols + e] = t.storage[t.offset + b * t.batchStride + e]!;
  }
  return out;
}

export function matmul64(a: Dense, b: Dense, transA = false, transB = false): Dense {
  const M = transA ? a.cols : a.rows;
  const K = transA ? a.rows : a.cols;
  const N = transB ? b.rows : b.cols;
  const batch = Math.max(a.batch, b.batch);
  const out = dense(batch, M, N);
  for (let r = 0; r < batch; r++) {
    for (let i = 0; i < M; i++) {
      for (let j = 0; j < N; j++) {
        let s = 0;
        for (let k = 0; k < K; k++) s += (transA ? at(a, r, k, i) : at(a, r, i, k)) * (transB ? at(b, r, j, k) : at(b, r, k, j));
        out.data[(r * M + i) * N + j] = s;
      }
    }
  }
  return out;
}

/** out[b][i][j] = f(a[b][i][j], b[b][i][j]) with a batch-1 operand broadcast; `b` may be a bias row. */
export function zip64(a: Dense, b: Dense, f: (x: number, y: number) => number): Dense {
  const batch = Math.max(a.batch, b.batch);
  const out = dense(batch, a.rows, a.cols);
  for (let r = 0; r < batch; r++) {
    for (let i = 0; i < a.rows; i++) {
      for (let j = 0; j < a.cols; j++) out.data[(r * a.rows + i) * a.cols + j] = f(at(a, r, i, j), at(b, r, b.rows === 1 ? 0 : i, j));
    }
  }
  return out;
}

export function map64(a: Dense, f: (x: number) => number): Dense {
  return { ...a, data: a.data.map(f) };
}

const C = Math.sqrt(2 / Math.PI);

/** The activations by their textbook definitions (gelu: the tanh approximation; sqrelu: relu²). */
export const ACTIVATIONS: Record<Activation, (x: number) => number> = {
  relu: (x) => (x > 0 || Number.isNaN(x) ? x : 0),
  tanh: Math.tanh,
  gelu: (x) => (x === -Infinity ? 0 : x === Infinity ? x : 0.5 * x * onePlusTanh(C * (x + 0.044715 * x ** 3))),
  square: (x) => x * x,
  sqrelu: (x) => (x > 0 || Number.isNaN(x) ? x * x : 0),
  sigmoid: (x) => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x))),
};

/** 1 + tanh(u), without the cancellation of 1 + (−1 + tiny) for u ≪ 0: 2e^{2u} / (1 + e^{2u}). */
export function onePlusTanh(u: number): number {
  if (u >= 0) return 1 + Math.tanh(u);
  const e = Math.exp(2 * u);
  return (2 * e) / (1 + e);
}

export function sumRows64(a: Dense): Dense {
  const out = dense(a.batch, 1, a.cols);
  for (let r = 0; r < a.batch; r++) for (let i = 0; i < a.rows; i++) for (let j = 0; j < a.cols; j++) out.data[r * a.cols + j] = out.data[r * a.cols + j]! + at(a, r, i, j);
  return out;
}

export function mean64(a: Dense): Dense {
  const n = a.rows * a.cols;
  const out = dense(a.batch, 1, 1);
  for (let r = 0; r < a.batch; r++) {
    let s = 0;
    for (let e = 0; e < n; e++) s += a.data[r * n + e]!;
    out.data[r] = s / n;
  }
  return out;
}

/** Per replica: mean over rows of logsumexp(z) − z[label]. */
export function crossEntropy64(logits: Dense, labels: Dense): Dense {
  const out = dense(logits.batch, 1, 1);
  for (let r = 0; r < logits.batch; r++) {
    let total = 0;
    for (let i = 0; i < logits.rows; i++) {
      let max = -Infinity;
      for (let c = 0; c < logits.cols; c++) max = Math.max(max, at(logits, r, i, c));
      let s = 0;
      for (let c = 0; c < logits.cols; c++) s += Math.exp(at(logits, r, i, c) - max);
      total += max + Math.log(s) - at(logits, r, i, at(labels, r, i, 0));
    }
    out.data[r] = total / logits.rows;
  }
  return out;
}

/** d(mean cross-entropy)/d logits per replica: (softmax − onehot) / M. */
export function crossEntropyGrad64(logits: Dense, labels: Dense): Dense {
  const out = dense(logits.batch, logits.rows, logits.cols);
  const M = logits.rows;
  for (let r = 0; r < logits.batch; r++) {
    for (let i = 0; i < M; i++) {
      let max = -Infinity;
      for (let c = 0; c < logits.cols; c++) max = Math.max(max, at(logits, r, i, c));
      let s = 0;
      for (let c = 0; c < logits.cols; c++) s += Math.exp(at(logits, r, i, c) - max);
      for (let c = 0; c < logits.cols; c++) {
        const p = Math.exp(at(logits, r, i, c) - max) / s;
        out.data[(r * M + i) * logits.cols + c] = (p - (c === at(labels, r, i, 0) ? 1 : 0)) / M;
      }
    }
  }
  return out;
}

/** Central finite difference of f at x along coordinate e, in float64. */
export function centralDifference(f: (x: Float64Array) => number, x: Float64Array, e: number, h: number): number {
  const saved = x[e]!;
  x[e] = saved + h;
  const up = f(x);
  x[e] = saved - h;
  const down = f(x);
  x[e] = saved;
  return (up - down) / (2 * h);
}
