// A tiny MLP classifier trained with plain SGD on any backend, for tests: the update runs on the host.
import { Rng } from '../../src/dsl/index.js';
import { Tape, mlpForward, mlpLayout, mlpParams, type Activation, type TensorBackend } from '../../src/tensor/index.js';

export interface TrainOptions {
  readonly widths: readonly number[];
  readonly replicas: number;
  readonly rows: number;
  readonly steps: number;
  readonly activation: Activation;
  /** One learning rate per replica, so replicas train differently. */
  readonly learningRates: readonly number[];
  readonly seed: number;
}

/** Inputs [rows, in] and labels from a random linear teacher, and initial parameters [K][P]. */
export function trainingData(o: TrainOptions) {
  const rng = Rng.fromSeed(o.seed);
  const inputs = o.widths[0]!;
  const classes = o.widths[o.widths.length - 1]!;
  const x = Float32Array.from({ length: o.rows * inputs }, () => rng.normal());
  const teacher = Float64Array.from({ length: inputs * classes }, () => rng.normal());
  const labels = new Float32Array(o.rows);
  for (let i = 0; i < o.rows; i++) {
    let best = 0;
    let bestScore = -Infinity;
    for (let c = 0; c < classes; c++) {
      let s = 0;
      for (let k = 0; k < inputs; k++) s += x[i * inputs + k]! * teacher[k * classes + c]!;
      if (s > bestScore) [best, bestScore] = [c, s];
    }
    labels[i] = best;
  }
  const layout = mlpLayout(o.widths);
  const params = new Float32Array(o.replicas * layout.size);
  for (let r = 0; r < o.replicas; r++) {
    for (const l of layout.layers) {
      const bound = 1 / Math.sqrt(l.inputs);
      for (let e = 0; e < l.inputs * l.outputs; e++) params[r * layout.size + l.weightOffset + e] = (2 * rng.next() - 1) * bound;
    }
  }
  return { x, labels, params, layout };
}

/** Trains and returns each step's loss per replica, [steps][K]. */
export async function trainMlp<S>(backend: TensorBackend<S>, o: TrainOptions): Promise<Float32Array[]> {
  const { x, labels, params, layout } = trainingData(o);
  const K = o.replicas;
  const P = layout.size;
  const xs = backend.allocate(x.length, x);
  const ys = backend.allocate(labels.length, labels);
  const ps = backend.allocate(params.length, params);
  const gs = backend.allocate(params.length);
  const tape = new Tape(backend);
  const losses: Float32Array[] = [];
  const host = Float32Array.from(params);
  try {
    for (let step = 0; step < o.steps; step++) {
      tape.reset();
      backend.resetArena();
      const input = tape.constant({ storage: xs, offset: 0, batch: 1, batchStride: 0, rows: o.rows, cols: o.widths[0]! });
      const layers = mlpParams(tape, layout, ps, gs, { replicas: K });
      const logits = mlpForward(tape, layers, input, o.activation);
      const loss = tape.softmaxCrossEntropy(logits, { storage: ys, offset: 0, batch: 1, batchStride: 0, rows: o.rows, cols: 1 });
      tape.backward(loss);
      losses.push(await backend.read(loss.value));
      const grads = await backend.read({ storage: gs, offset: 0, batch: 1, batchStride: K * P, rows: 1, cols: K * P });
      for (let r = 0; r < K; r++) {
        const lr = o.learningRates[r % o.learningRates.length]!;
        for (let e = 0; e < P; e++) host[r * P + e] = host[r * P + e]! - lr * grads[r * P + e]!;
      }
      backend.write(ps, 0, host);
    }
  } finally {
    for (const s of [xs, ys, ps, gs]) backend.free(s);
  }
  return losses;
}
