// Gradient checks on the cpu backend: each tape op, composed with the cross-entropy loss, against float64 central differences of its twin.
//
// The parameters are float32 values; the twin evaluates the same graph in float64 on them, and the
// central difference (step 1e-4) has truncation error ~1e-8 and rounding error ~1e-12. The tape's
// gradients are computed in float32, so they must agree to about 2e-5 of the largest gradient.
import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/dsl/index.js';
import {
  CpuTensorBackend, Tape, mlpForward, mlpLayout, mlpParams, type Activation, type Tensor, type TapeNode,
} from '../../src/tensor/index.js';
import {
  ACTIVATIONS, centralDifference, crossEntropy64, dense, map64, matmul64, zip64, type Dense,
} from './reference.js';

type T = Tensor<Float32Array>;
const K = 3;
const CLASSES = 4;
const ROWS = 5;

interface GradCase {
  /** Each parameter is [K, rows, cols], one matrix per replica. */
  readonly params: readonly (readonly [number, number])[];
  /** Logits [K or 1, ROWS, CLASSES] from the parameters and the shared input x [1, ROWS, 3]. */
  build(tape: Tape<Float32Array>, params: readonly TapeNode<Float32Array>[], x: TapeNode<Float32Array>): TapeNode<Float32Array>;
  twin(params: readonly Dense[], x: Dense): Dense;
}

const backend = new CpuTensorBackend();
const rng = Rng.fromSeed(20240501);

/** Parameters laid out [K][P] with padding around them, as a trainer's flat buffer. */
function layout(c: GradCase) {
  const offsets: number[] = [];
  let p = 2;
  for (const [r, cl] of c.params) {
    offsets.push(p);
    p += r * cl + 1;
  }
  return { offsets, stride: p + 3, length: 5 + K * (p + 3) };
}

function views(c: GradCase, storage: Float32Array): T[] {
  const { offsets, stride } = layout(c);
  return c.params.map(([rows, cols], k) => ({ storage, offset: 5 + offsets[k]!, batch: K, batchStride: stride, rows, cols }));
}

function toDense(c: GradCase, flat: Float64Array): Dense[] {
  const { offsets, stride } = layout(c);
  return c.params.map(([rows, cols], k) => {
    const d = dense(K, rows, cols);
    for (let b = 0; b < K; b++) for (let e = 0; e < rows * cols; e++) d.data[b * rows * cols + e] = flat[5 + offsets[k]! + b * stride + e]!;
    return d;
  });
}

function fill(n: number, scale: number): Float32Array {
  return Float32Array.from({ length: n }, () => rng.normal() * scale);
}

/** Runs the tape's backward and compares every parameter element's gradient with a central difference. */
function checkGradients(c: GradCase, scale = 0.7): void {
  const { length } = layout(c);
  const params = fill(length, scale);
  const grads = new Float32Array(length).fill(NaN);
  const xData = fill(ROWS * 3, 1);
  const labels = Float32Array.from({ length: ROWS }, () => rng.int(CLASSES));
  const tape = new Tape(backend);
  backend.resetArena();
  const x = tape.constant({ storage: xData, offset: 0, batch: 1, batchStride: 0, rows: ROWS, cols: 3 });
  const nodes = views(c, params).map((v, k) => tape.param(v, views(c, grads)[k]!));
  const loss = tape.softmaxCrossEntropy(c.build(tape, nodes, x), { storage: labels, offset: 0, batch: 1, batchStride: 0, rows: ROWS, cols: 1 });
  tape.backward(loss);

  const x64 = dense(1, ROWS, 3, xData);
  const y64 = dense(1, ROWS, 1, labels);
  const total = (flat: Float64Array): number => {
    const logits = c.twin(toDense(c, flat), x64);
    const l = crossEntropy64(broadcast(logits, K), broadcast(y64, K));
    return l.data.reduce((s, v) => s + v, 0);
  };
  const flat = Float64Array.from(params);
  const want = new Float64Array(length);
  const used = new Set<number>();
  for (const v of views(c, params)) {
    for (let b = 0; b < K; b++) for (let e = 0; e < v.rows * v.cols; e++) used.add(v.offset + b * v.batchStride + e);
  }
  for (const e of used) want[e] = centralDifference(total, flat, e, 1e-4);
  const largest = Math.max(...[...used].map((e) => Math.abs(want[e]!)));
  for (let e = 0; e < length; e++) {
    if (!used.has(e)) {
      expect(grads[e], `padding element ${e} was written`).toBeNaN();
      continue;
    }
    expect(Math.abs(grads[e]! - want[e]!), `element ${e}: tape ${grads[e]} difference ${want[e]}`).toBeLessThanOrEqual(2e-5 * largest + 1e-4 * Math.abs(want[e]!));
  }
}

function broadcast(d: Dense, batch: number): Dense {
  if (d.batch === batch) return d;
  const out = dense(batch, d.rows, d.cols);
  for (let b = 0; b < batch; b++) out.data.set(d.data, b * d.rows * d.cols);
  return out;
}

const addBias64 = (a: Dense, bias: Dense) => zip64(a, bias, (u, v) => u + v);

describe('tape gradients against float64 central differences (cpu)', () => {
  for (const transA of [false, true]) {
    for (const transB of [false, true]) {
      it(`matmul transA=${transA} transB=${transB}`, () => {
        checkGradients({
          params: [transA ? [3, ROWS] : [ROWS, 3], transB ? [CLASSES, 3] : [3, CLASSES]],
          build: (tape, [a, b]) => tape.matmul(a!, b!, { transA, transB }),
          twin: ([a, b]) => matmul64(a!, b!, transA, transB),
        });
      });
    }
  }

  it('dense layer on a broadcast input: matmul then addBias', () => {
    checkGradients({
      params: [[3, CLASSES], [1, CLASSES]],
      build: (tape, [w, b], x) => tape.addBias(tape.matmul(x, w!), b!),
      twin: ([w, b], x) => addBias64(matmul64(x, w!), b!),
    });
  });

  for (const kind of ['relu', 'tanh', 'gelu'] as const satisfies readonly Activation[]) {
    it(`activation ${kind}`, () => {
      checkGradients({
        params: [[ROWS, CLASSES]],
        build: (tape, [z]) => tape.activation(kind, z!),
        twin: ([z]) => map64(z!, ACTIVATIONS[kind]),
      }, 2);
    });
  }

  it('a node read twice by one op (add(a, a)) and a value read by two ops', () => {
    checkGradients({
      params: [[ROWS, CLASSES]],
      build: (tape, [a]) => tape.add(a!, a!),
      twin: ([a]) => zip64(a!, a!, (u, v) => u + v),
    });
    // h feeds both the add and the matmul: its gradient is the sum of both paths.
    checkGradients({
      params: [[3, CLASSES], [CLASSES, CLASSES]],
      build: (tape, [w, v], x) => {
        const h = tape.matmul(x, w!);
        return tape.add(h, tape.matmul(h, v!));
      },
      twin: ([w, v], x) => {
        const h = matmul64(x, w!);
        return zip64(h, matmul64(h, v!), (p, q) => p + q);
      },
    });
  });

  it('a parameter used three times accumulates all three contributions', () => {
    checkGradients({
      params: [[CLASSES, CLASSES], [3, CLASSES]],
      build: (tape, [v, w], x) => {
        const h = tape.matmul(x, w!);
        return tape.add(tape.matmul(tape.matmul(h, v!), v!), tape.matmul(h, v!));
      },
      twin: ([v, w], x) => {
        const h = matmul64(x, w!);
        return zip64(matmul64(matmul64(h, v!), v!), matmul64(h, v!), (p, q) => p + q);
      },
    });
  });

  for (const kind of ['relu', 'tanh', 'gelu'] as const satisfies readonly Activation[]) {
    it(`MLP 3 → 6 → 5 → ${CLASSES} with ${kind} through mlpForward`, () => {
      const mlp = mlpLayout([3, 6, 5, CLASSES]);
      const shapes = mlp.layers.flatMap((l) => [[l.inputs, l.outputs], [1, l.outputs]] as const);
      checkGradients({
        params: shapes,
        build: (tape, nodes, x) => mlpForward(tape, mlp.layers.map((_, l) => ({ weight: nodes[2 * l]!, bias: nodes[2 * l + 1]! })), x, kind),
        twin: (p, x) => {
          let h = x;
          for (let l = 0; l < mlp.layers.length; l++) {
            h = addBias64(matmul64(h, p[2 * l]!), p[2 * l + 1]!);
            if (l + 1 < mlp.layers.length) h = map64(h, ACTIVATIONS[kind]);
          }
          return h;
        },
      });
    });
  }
});

describe('mlpParams over a packed [K][P] buffer', () => {
  it('places every layer at its layout offset with batchStride P', () => {
    const mlp = mlpLayout([4, 8, 3]);
    expect(mlp.size).toBe(4 * 8 + 8 + 8 * 3 + 3);
    expect(mlp.layers.map((l) => [l.weightOffset, l.biasOffset])).toEqual([[0, 32], [40, 64]]);
    const tape = new Tape(backend);
    const params = new Float32Array(2 * mlp.size);
    const layers = mlpParams(tape, mlp, params, new Float32Array(2 * mlp.size), { replicas: 2 });
    expect(layers[1]!.weight.value).toMatchObject({ offset: 40, batch: 2, batchStride: mlp.size, rows: 8, cols: 3 });
    expect(layers.every((l) => l.weight.requiresGrad)).toBe(true);
    const constants = mlpParams(tape, mlp, params, undefined, { replicas: 2 });
    expect(constants.some((l) => l.weight.requiresGrad)).toBe(false);
  });
});
