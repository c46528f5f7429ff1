// Random invocations of the sequence-model ops (mul, scale, embedding, layerNorm, attention, dconv and their gradients) over awkward views, for any backend.
import fc from 'fast-check';
import type { Rng } from '../../src/dsl/index.js';
import { map64, zip64 } from './reference.js';
import { placementArb, type InputSpec, type OpCase, type Placement } from './op-cases.js';
import {
  attention64, attentionGrad64, dconv64, dconvGrad64, embedding64, embeddingGrad64, layerNorm64, layerNormGrad64,
} from './sequence-reference.js';

export const SEQUENCE_OPS = [
  'mul', 'scale', 'embedding', 'embeddingGrad', 'layerNorm', 'layerNormGrad', 'attention', 'attentionGrad', 'dconv', 'dconvGrad',
] as const;
export type SequenceOp = (typeof SEQUENCE_OPS)[number];

interface Raw {
  readonly op: SequenceOp;
  readonly batch: number;
  /** Sequences, positions per sequence, heads, columns per head, taps, vocabulary rows. */
  readonly B: number;
  readonly T: number;
  readonly H: number;
  readonly dh: number;
  readonly W: number;
  readonly V: number;
  /** Per input: one matrix for every replica. */
  readonly broadcast: readonly boolean[];
  readonly placements: readonly Placement[];
  readonly shared: boolean;
  readonly aligned: boolean;
  readonly seed: number;
  readonly outPlacement: Placement | undefined;
  readonly c: number;
}

const spec = (r: Raw, k: number, rows: number, cols: number, values?: InputSpec['values']): InputSpec => ({
  batch: r.batch, rows, cols, broadcast: r.broadcast[k]!, placement: r.placements[k]!, ...(values === undefined ? {} : { values }),
});

/** Token ids in [0, V) with an invalid one (−1, V, 1.5, NaN) now and then. */
const idValues = (V: number) => (rng: Rng) => (rng.chance(0.05) ? rng.pick([-1, V, 1.5, NaN]) : rng.int(V));
/** (mean, rstd) pairs with rstd > 0. */
const statValues = (rng: Rng, index: number) => (index % 2 === 0 ? rng.normal() : 0.3 + Math.abs(rng.normal()));
/** Attention weights [.., B·H·T, T]: random in [0, 1) up to the diagonal, 0 past it (as attention stores them). */
const probValues = (T: number) => (rng: Rng, index: number) => (index % T > Math.floor(index / T) % T ? 0 : rng.next());

type Body = Pick<OpCase, 'inputs' | 'run' | 'reference' | 'out'>;

function body(r: Raw): Body {
  const N = r.B * r.T;
  const D = r.H * r.dh;
  const heads = r.H;
  const seq = r.T;
  const out = (rows: number, cols: number) => r.outPlacement && { rows, cols, placement: r.outPlacement };
  const x = (k: number) => spec(r, k, N, D);
  switch (r.op) {
    case 'mul':
      return { inputs: [x(0), x(1)], out: out(N, D), run: (bk, [a, b], o) => [bk.mul(a!, b!, o)], reference: ([a, b]) => [zip64(a!, b!, (u, v) => u * v)] };
    case 'scale':
      return { inputs: [x(0)], out: out(N, D), run: (bk, [a], o) => [bk.scale(a!, r.c, o)], reference: ([a]) => [map64(a!, (u) => Math.fround(r.c) * u)] };
    case 'embedding':
      return {
        inputs: [spec(r, 0, r.V, D), spec(r, 1, N, 1, idValues(r.V))], out: out(N, D),
        run: (bk, [table, ids], o) => [bk.embedding(table!, ids!, o)], reference: ([table, ids]) => [embedding64(table!, ids!)],
      };
    case 'embeddingGrad':
      return {
        inputs: [spec(r, 0, N, 1, idValues(r.V)), x(1)], out: out(r.V, D),
        run: (bk, [ids, dy], o) => [bk.embeddingGrad(ids!, dy!, r.V, o)], reference: ([ids, dy]) => [embeddingGrad64(ids!, dy!, r.V)],
      };
    case 'layerNorm': {
      // At least 8 values a row: a row of 1 or 2 nearly equal values makes x − μ cancel, and the float32
      // kernels then differ from the float64 twin by the row's condition number, not by their own error.
      const width = Math.max(D, 8);
      return {
        inputs: [spec(r, 0, N, width, (rng) => rng.normal() * 3 + 1), spec(r, 1, 1, width), spec(r, 2, 1, width)], out: undefined,
        run: (bk, [a, g, b]) => {
          const { y, stats } = bk.layerNorm(a!, g!, b!, 1e-5);
          return [y, stats];
        },
        reference: ([a, g, b]) => {
          const { y, stats } = layerNorm64(a!, g!, b!, 1e-5);
          return [y, stats];
        },
      };
    }
    case 'layerNormGrad':
      return {
        inputs: [x(0), spec(r, 1, 1, D), spec(r, 2, N, 2, statValues), x(3)], out: out(1, D),
        run: (bk, [a, g, s, dy], o) => {
          const { dx, dgain, dbias } = bk.layerNormGrad(a!, g!, s!, dy!, o && { dgain: o });
          return [dx, dgain, dbias];
        },
        reference: ([a, g, s, dy]) => {
          const { dx, dgain, dbias } = layerNormGrad64(a!, g!, s!, dy!);
          return [dx, dgain, dbias];
        },
      };
    case 'attention':
      return {
        inputs: [x(0), x(1), x(2)], out: undefined,
        run: (bk, [q, k, v]) => {
          const { out: o, probs } = bk.attention(q!, k!, v!, { heads, seq });
          return [o, probs];
        },
        reference: ([q, k, v]) => {
          const { out: o, probs } = attention64(q!, k!, v!, heads, seq);
          return [o, probs];
        },
      };
    case 'attentionGrad':
      return {
        inputs: [x(0), x(1), x(2), spec(r, 3, r.B * heads * seq, seq, probValues(seq)), x(4)], out: out(N, D),
        run: (bk, [q, k, v, p, g], o) => {
          const { dq, dk, dv } = bk.attentionGrad(q!, k!, v!, p!, g!, { heads, seq, ...(o && { dk: o }) });
          return [dq, dk, dv];
        },
        reference: ([q, k, v, p, g]) => {
          const { dq, dk, dv } = attentionGrad64(q!, k!, v!, p!, g!, heads, seq);
          return [dq, dk, dv];
        },
      };
    case 'dconv':
      return {
        inputs: [x(0), spec(r, 1, r.W, D)], out: out(N, D),
        run: (bk, [a, taps], o) => [bk.dconv(a!, taps!, { seq, ...(o && { out: o }) })], reference: ([a, taps]) => [dconv64(a!, taps!, seq)],
      };
    case 'dconvGrad':
      return {
        inputs: [x(0), spec(r, 1, r.W, D), x(2)], out: out(r.W, D),
        run: (bk, [a, taps, dy], o) => {
          const { dx, dtaps } = bk.dconvGrad(a!, taps!, dy!, { seq, ...(o && { dtaps: o }) });
          return [dx, dtaps];
        },
        reference: ([a, taps, dy]) => {
          const { dx, dtaps } = dconvGrad64(a!, taps!, dy!, seq);
          return [dx, dtaps];
        },
      };
  }
}

/**
 * The sequence ops over random sizes (odd ones included), K up to 4, broadcast inputs, offsets,
 * gaps and shared storage. Aligned cases make every column count a multiple of 4 (dh, then D).
 */
export function sequenceCaseArb(ops: readonly SequenceOp[] = SEQUENCE_OPS, maxT = 9): fc.Arbitrary<OpCase> {
  return fc.record({
    op: fc.constantFrom(...ops),
    batch: fc.integer({ min: 1, max: 4 }),
    B: fc.integer({ min: 1, max: 3 }),
    T: fc.integer({ min: 1, max: maxT }),
    H: fc.integer({ min: 1, max: 3 }),
    dh: fc.integer({ min: 1, max: 7 }),
    W: fc.integer({ min: 1, max: 4 }),
    V: fc.integer({ min: 1, max: 12 }),
    broadcast: fc.array(fc.boolean(), { minLength: 5, maxLength: 5 }),
    placements: fc.array(placementArb, { minLength: 5, maxLength: 5 }),
    shared: fc.boolean(),
    aligned: fc.boolean(),
    seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
    outPlacement: fc.option(placementArb, { nil: undefined }),
    c: fc.double({ min: -4, max: 4, noNaN: true }),
  }).map((raw): OpCase => {
    const r: Raw = { ...raw, dh: raw.aligned ? Math.ceil(raw.dh / 4) * 4 : raw.dh };
    // The op's batch comes from its largest input: keep one input per replica so results have r.batch.
    const b = body({ ...r, broadcast: r.broadcast.map((v, k) => v && k !== 0) });
    return {
      name: `${r.op} K${r.batch} B${r.B} T${r.T} H${r.H} dh${r.dh} W${r.W} V${r.V}`,
      ...b, shared: r.shared, aligned: r.aligned, seed: r.seed,
    };
  });
}

