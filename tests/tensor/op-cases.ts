// Random invocations of every tensor op over awkward views (offsets, gaps between replicas, both broadcast forms, shared storage), runnable on any backend.
import fc from 'fast-check';
import { Rng } from '../../src/dsl/index.js';
import type { Activation, Tensor, TensorBackend } from '../../src/tensor/index.js';
import {
  ACTIVATIONS, onePlusTanh, crossEntropy64, crossEntropyGrad64, dense, map64, matmul64, mean64, sumRows64, zip64, type Dense,
} from './reference.js';

/** How one input sits in storage. */
export interface Placement {
  /** Elements before it. */
  readonly offset: number;
  /** Extra elements between replicas. */
  readonly gap: number;
  /** Batch-1 input as batch K with batchStride 0, instead of batch 1. */
  readonly strideZero: boolean;
}

export interface InputSpec {
  readonly batch: number;
  readonly rows: number;
  readonly cols: number;
  /** Broadcast: one matrix for every replica. */
  readonly broadcast: boolean;
  readonly placement: Placement;
  /** Fills the input; default standard normal. */
  readonly values?: (rng: Rng, index: number) => number;
}

export interface OpCase {
  readonly name: string;
  readonly inputs: readonly InputSpec[];
  /** Every input in one storage, one after another (as parameters in a flat buffer). */
  readonly shared: boolean;
  /** Offsets and replica strides rounded up to multiples of 4 (so the vec4 kernels run). */
  readonly aligned?: boolean;
  /** Where to put `out` when the op takes one, or undefined to let the arena provide it. */
  readonly out: { readonly rows: number; readonly cols: number; readonly placement: Placement } | undefined;
  readonly seed: number;
  /** Runs the op; returns the tensors whose contents are the result. */
  run<S>(backend: TensorBackend<S>, inputs: readonly Tensor<S>[], out: Tensor<S> | undefined): readonly Tensor<S>[];
  /** The float64 twin of the results, from the inputs as float32-rounded float64. */
  reference(inputs: readonly Dense[]): readonly Dense[];
}

export const placementArb: fc.Arbitrary<Placement> = fc.record({
  offset: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 70 })),
  gap: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 5 })),
  strideZero: fc.boolean(),
});

/** Storage layout of the case's inputs: element offsets and the views' shapes (storage left out). */
export function layoutOf(c: OpCase): { readonly lengths: readonly number[]; readonly views: readonly Omit<Tensor<null>, 'storage'>[]; readonly slots: readonly number[] } {
  const views: Omit<Tensor<null>, 'storage'>[] = [];
  const lengths: number[] = [];
  const slots: number[] = [];
  let sharedEnd = 0;
  const quad = (n: number) => (c.aligned ? Math.ceil(n / 4) * 4 : n);
  for (const spec of c.inputs) {
    const size = spec.rows * spec.cols;
    const stored = spec.broadcast ? 1 : spec.batch;
    const batchStride = spec.broadcast ? 0 : quad(size + spec.placement.gap);
    const span = stored === 1 ? size : (stored - 1) * batchStride + size;
    const base = c.shared ? sharedEnd : 0;
    const offset = quad(base + spec.placement.offset);
    const oneForm = spec.broadcast && !spec.placement.strideZero;
    views.push({ offset, batch: oneForm ? 1 : spec.batch, batchStride: oneForm ? size : batchStride, rows: spec.rows, cols: spec.cols });
    slots.push(c.shared ? 0 : lengths.length);
    if (c.shared) sharedEnd = offset + span + 3;
    else lengths.push(offset + span + 3);
  }
  if (c.shared) lengths.push(sharedEnd);
  return { lengths, views, slots };
}

/** The case's input storages filled from its seed (padding holds NaN, so reading it shows). */
export function inputStorages(c: OpCase): Float32Array[] {
  const { lengths, views, slots } = layoutOf(c);
  const storages = lengths.map((n) => new Float32Array(n).fill(NaN));
  const rng = Rng.fromSeed(c.seed);
  c.inputs.forEach((spec, k) => {
    const v = views[k]!;
    const stored = v.batchStride === 0 ? 1 : v.batch;
    const storage = storages[slots[k]!]!;
    for (let b = 0; b < stored; b++) {
      for (let e = 0; e < v.rows * v.cols; e++) {
        const index = b * v.rows * v.cols + e;
        storage[v.offset + b * v.batchStride + e] = spec.values?.(rng, index) ?? rng.normal();
      }
    }
  });
  return storages;
}

/** Runs the case on `backend` and reads every result back. */
export async function runCase<S>(backend: TensorBackend<S>, c: OpCase): Promise<Float32Array[]> {
  const { views, slots } = layoutOf(c);
  const storages = inputStorages(c).map((data) => backend.allocate(data.length, data));
  const inputs = views.map((v, k) => ({ ...v, storage: storages[slots[k]!]! }));
  let outStorage: S | undefined;
  let out: Tensor<S> | undefined;
  if (c.out !== undefined) {
    const { rows, cols, placement } = c.out;
    // The op's batch: the largest of its inputs' (a broadcast input may say batch K with stride 0).
    const batch = Math.max(...views.map((v) => v.batch));
    const quad = (n: number) => (c.aligned ? Math.ceil(n / 4) * 4 : n);
    const batchStride = quad(rows * cols + placement.gap);
    const offset = quad(placement.offset);
    outStorage = backend.allocate(offset + batch * batchStride + 2);
    out = { storage: outStorage, offset, batch, batchStride, rows, cols };
  }
  try {
    const results = c.run(backend, inputs, out);
    return await Promise.all(results.map((t) => backend.read(t)));
  } finally {
    for (const s of [...storages, ...(outStorage === undefined ? [] : [outStorage])]) backend.free(s);
    backend.resetArena();
  }
}

/** The case's float64 reference results. */
export function referenceResults(c: OpCase): Dense[] {
  const { views, slots } = layoutOf(c);
  const storages = inputStorages(c);
  const inputs = views.map((v, k) => {
    const stored = v.batchStride === 0 ? 1 : v.batch;
    const d = dense(stored, v.rows, v.cols);
    const s = storages[slots[k]!]!;
    for (let b = 0; b < stored; b++) for (let e = 0; e < v.rows * v.cols; e++) d.data[b * v.rows * v.cols + e] = s[v.offset + b * v.batchStride + e]!;
    return d;
  });
  return [...c.reference(inputs)];
}

const dims = (min: number, max: number) => fc.integer({ min, max });
const input = (batch: number, rows: number, cols: number, broadcast: boolean, placement: Placement, values?: InputSpec['values']): InputSpec =>
  ({ batch, rows, cols, broadcast, placement, ...(values === undefined ? {} : { values }) });

const common = {
  batch: dims(1, 4),
  shared: fc.boolean(),
  seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
  outPlacement: fc.option(placementArb, { nil: undefined }),
  aligned: fc.boolean(),
};

/** `cols` rounded up to a multiple of 4 when the case is aligned. */
const quadCols = (cols: number, aligned: boolean) => (aligned ? Math.ceil(cols / 4) * 4 : cols);

export interface MatmulCaseParams {
  readonly M: number;
  readonly N: number;
  readonly K: number;
  readonly transA: boolean;
  readonly transB: boolean;
  /** Whether a and b broadcast (one matrix for all replicas). */
  readonly broadcast: readonly [boolean, boolean];
  readonly a: Placement;
  readonly b: Placement;
  readonly batch: number;
  readonly shared: boolean;
  readonly seed: number;
  readonly outPlacement: Placement | undefined;
}

export function matmulCase(p: MatmulCaseParams): OpCase {
  return {
    name: `matmul ${p.M}x${p.K}x${p.N}${p.transA ? ' tA' : ''}${p.transB ? ' tB' : ''}`,
    inputs: [
      input(p.batch, p.transA ? p.K : p.M, p.transA ? p.M : p.K, p.broadcast[0], p.a),
      input(p.batch, p.transB ? p.N : p.K, p.transB ? p.K : p.N, p.broadcast[1], p.b),
    ],
    shared: p.shared,
    out: p.outPlacement && { rows: p.M, cols: p.N, placement: p.outPlacement },
    seed: p.seed,
    run: (backend, [a, b], out) => [backend.matmul(a!, b!, { transA: p.transA, transB: p.transB, ...(out && { out }) })],
    reference: ([a, b]) => [matmul64(a!, b!, p.transA, p.transB)],
  };
}

/** matmul over random shapes up to `maxDim` (past the GPU tile sizes), transposes and broadcasts. */
export function matmulCaseArb(maxDim: number): fc.Arbitrary<OpCase> {
  return fc.record({
    M: dims(1, maxDim), N: dims(1, maxDim), K: dims(0, maxDim),
    transA: fc.boolean(), transB: fc.boolean(),
    broadcast: fc.constantFrom<readonly [boolean, boolean]>([false, false], [true, false], [false, true], [true, true]),
    a: placementArb, b: placementArb, ...common,
  }).map(matmulCase);
}

/** Values that exercise the edges: ±0, tiny, huge, ±Inf and NaN among normal ones. */
export function awkwardValue(rng: Rng): number {
  if (!rng.chance(0.15)) return rng.normal() * 3;
  return rng.pick([0, -0, 1e-30, -1e-30, 1e-42, 9.5, -9.5, 10, -10, 12, -12, 88, -88, 1e20, -1e20, Infinity, -Infinity, NaN]);
}

const ACTIVATION_KINDS: readonly Activation[] = ['relu', 'tanh', 'gelu', 'square', 'sigmoid', 'sqrelu'];

/** Elementwise ops (add, addBias, activation, activationGrad) with awkward values when `awkward`. */
export function elementwiseCaseArb(awkward: boolean): fc.Arbitrary<OpCase> {
  const values = awkward ? (rng: Rng) => awkwardValue(rng) : undefined;
  return fc.record({
    op: fc.constantFrom('add', 'addBias', 'activation', 'activationGrad'),
    kind: fc.constantFrom(...ACTIVATION_KINDS),
    rows: dims(1, 40), cols: dims(1, 40),
    broadcast: fc.constantFrom<readonly [boolean, boolean]>([false, false], [true, false], [false, true]),
    a: placementArb, b: placementArb, ...common,
  }).map((raw) => {
    const p = { ...raw, cols: quadCols(raw.cols, raw.aligned) };
    const x = input(p.batch, p.rows, p.cols, p.broadcast[0], p.a, values);
    const second = p.op === 'addBias' ? input(p.batch, 1, p.cols, p.broadcast[1], p.b, values) : input(p.batch, p.rows, p.cols, p.broadcast[1], p.b, values);
    const kind = p.kind;
    const f = ACTIVATIONS[kind];
    const cases: Record<string, Pick<OpCase, 'inputs' | 'run' | 'reference'>> = {
      add: { inputs: [x, second], run: (bk, [a, b], out) => [bk.add(a!, b!, out)], reference: ([a, b]) => [zip64(a!, b!, (u, v) => u + v)] },
      addBias: { inputs: [x, second], run: (bk, [a, b], out) => [bk.addBias(a!, b!, out)], reference: ([a, b]) => [zip64(a!, b!, (u, v) => u + v)] },
      activation: { inputs: [x], run: (bk, [a], out) => [bk.activation(kind, a!, out)], reference: ([a]) => [map64(a!, f)] },
      activationGrad: {
        inputs: [x, second],
        run: (bk, [a, dy], out) => [bk.activationGrad(kind, a!, dy!, out)],
        reference: ([a, dy]) => [zip64(a!, dy!, (u, g) => ((kind === 'relu' || kind === 'sqrelu') && !(u > 0) ? 0 : kind === 'relu' ? g : kind === 'gelu' && u <= -10 ? 0 : g * Math.fround(derivative(kind, u))))],
      },
    };
    const chosen = cases[p.op]!;
    return {
      name: `${p.op}${p.op.startsWith('activation') ? ` ${kind}` : ''} [${p.rows}, ${p.cols}]`,
      ...chosen,
      shared: p.shared,
      out: p.outPlacement && { rows: p.rows, cols: p.cols, placement: p.outPlacement },
      seed: p.seed,
      aligned: p.aligned,
    };
  });
}

/** The activations' derivatives, from the textbook formulas in float64 (0 past the gelu cut-offs). */
export function derivative(kind: Activation, x: number): number {
  if (Number.isNaN(x)) return NaN;
  switch (kind) {
    case 'relu':
      return x > 0 ? 1 : 0;
    case 'tanh':
      return 1 / Math.cosh(x) ** 2;
    case 'gelu': {
      if (x <= -10) return 0;
      if (x >= 10) return 1;
      const c = Math.sqrt(2 / Math.PI);
      const u = c * (x + 0.044715 * x ** 3);
      return 0.5 * onePlusTanh(u) + (0.5 * x * c * (1 + 3 * 0.044715 * x * x)) / Math.cosh(u) ** 2;
    }
    case 'square':
      return 2 * x;
    case 'sqrelu':
      return x > 0 ? 2 * x : 0;
    case 'sigmoid': {
      const s = ACTIVATIONS.sigmoid(x);
      return x > 40 || x < -40 ? Math.exp(-Math.abs(x)) : s * (1 - s);
    }
  }
}

/** Reductions: sumRows and mean (optionally into `out`), softmax cross-entropy and classification stats. */
export function reductionCaseArb(): fc.Arbitrary<OpCase> {
  return fc.record({
    op: fc.constantFrom('sumRows', 'mean', 'softmaxCrossEntropy', 'classificationStats'),
    rows: dims(1, 90), cols: dims(1, 40), broadcast: fc.boolean(), labelsBatched: fc.boolean(),
    a: placementArb, b: placementArb, ...common,
  }).map((raw) => {
    const p = { ...raw, cols: quadCols(raw.cols, raw.aligned) };
    const x = input(p.batch, p.rows, p.cols, p.broadcast, p.a, (rng) => rng.normal() * 4);
    const labels = input(p.batch, p.rows, 1, !p.labelsBatched, p.b, (rng) => rng.int(p.cols));
    const chosen: Record<string, Pick<OpCase, 'inputs' | 'run' | 'reference' | 'out'>> = {
      sumRows: {
        inputs: [x], out: p.outPlacement && { rows: 1, cols: p.cols, placement: p.outPlacement },
        run: (bk, [a], out) => [bk.sumRows(a!, out)], reference: ([a]) => [sumRows64(a!)],
      },
      mean: {
        inputs: [x], out: p.outPlacement && { rows: 1, cols: 1, placement: p.outPlacement },
        run: (bk, [a], out) => [bk.mean(a!, out)], reference: ([a]) => [mean64(a!)],
      },
      softmaxCrossEntropy: {
        inputs: [x, labels], out: undefined,
        run: (bk, [z, y]) => {
          const { loss, dlogits } = bk.softmaxCrossEntropy(z!, y!);
          return [loss, dlogits];
        },
        reference: ([z, y]) => {
          const batch = Math.max(z!.batch, y!.batch);
          return [crossEntropy64(broadcastTo(z!, batch), broadcastTo(y!, batch)), crossEntropyGrad64(broadcastTo(z!, batch), broadcastTo(y!, batch))];
        },
      },
      classificationStats: {
        inputs: [x, labels], out: undefined,
        run: (bk, [z, y]) => [bk.classificationStats(z!, y!)],
        reference: ([z, y]) => [stats64(z!, y!)],
      },
    };
    return { name: `${p.op} [${p.rows}, ${p.cols}]`, ...chosen[p.op]!, shared: p.shared, seed: p.seed, aligned: p.aligned };
  });
}

function broadcastTo(d: Dense, batch: number): Dense {
  if (d.batch === batch) return d;
  const out = dense(batch, d.rows, d.cols);
  for (let b = 0; b < batch; b++) out.data.set(d.data, b * d.rows * d.cols);
  return out;
}

function stats64(z: Dense, y: Dense): Dense {
  const batch = Math.max(z.batch, y.batch);
  const zz = broadcastTo(z, batch);
  const yy = broadcastTo(y, batch);
  const loss = crossEntropy64(zz, yy);
  const out = dense(batch, 1, 2);
  for (let b = 0; b < batch; b++) {
    let correct = 0;
    for (let i = 0; i < z.rows; i++) {
      let best = 0;
      for (let c = 1; c < z.cols; c++) if (zz.data[(b * z.rows + i) * z.cols + c]! > zz.data[(b * z.rows + i) * z.cols + best]!) best = c;
      if (best === yy.data[b * z.rows + i]) correct += 1;
    }
    out.data[2 * b] = loss.data[b]! * z.rows;
    out.data[2 * b + 1] = correct;
  }
  return out;
}
