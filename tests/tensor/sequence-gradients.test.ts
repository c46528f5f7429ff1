// Gradient checks of the sequence-model tape ops (embedding, layerNorm, attention, dconv, mul, scale, new activations) on the cpu.
import { describe, it } from 'vitest';
import type { Activation } from '../../src/tensor/index.js';
import { checkGraphGradients, constantColumn } from './grad-check.js';
import { ACTIVATIONS, dense, map64, matmul64, zip64, type Dense } from './reference.js';
import { attention64, dconv64, embedding64, layerNorm64 } from './sequence-reference.js';

/** Token ids with repeats (so the scatter-add sums several rows into one), over a vocabulary of 6. */
const IDS = [3, 0, 3, 5, 1, 3, 0];
const ids64 = dense(1, IDS.length, 1, IDS);

/** Positions n mod T for 2 sequences of T = 3, plus one row that ends a third. */
const positions = (rows: number, T: number) => Array.from({ length: rows }, (_, n) => n % T);

describe('sequence op gradients against float64 central differences (cpu)', () => {
  it('embedding: a scatter-add over repeated ids', () => {
    checkGraphGradients({
      params: [[6, 4]], rows: IDS.length, classes: 4,
      build: (tape, [table]) => tape.embedding(table!, constantColumn(IDS)),
      twin: ([table]) => embedding64(table!, ids64),
    }, 1);
  });

  it('token plus positional embedding, the positions as ids n mod T', () => {
    const pos = positions(6, 3);
    checkGraphGradients({
      params: [[6, 4], [3, 4]], rows: 6, classes: 4,
      build: (tape, [tok, p]) => tape.add(tape.embedding(tok!, constantColumn(IDS.slice(0, 6))), tape.embedding(p!, constantColumn(pos))),
      twin: ([tok, p]) => zip64(embedding64(tok!, dense(1, 6, 1, IDS.slice(0, 6))), embedding64(p!, dense(1, 6, 1, pos)), (a, b) => a + b),
    }, 2);
  });

  it('layerNorm: input, gain and bias', () => {
    checkGraphGradients({
      params: [[5, 4], [1, 4], [1, 4]], rows: 5, classes: 4,
      build: (tape, [x, g, b]) => tape.layerNorm(x!, g!, b!),
      twin: ([x, g, b]) => layerNorm64(x!, g!, b!, 1e-5).y,
    }, 3);
  });

  it('layerNorm of one column (zero variance: only eps keeps rstd finite)', () => {
    checkGraphGradients({
      params: [[5, 1], [1, 1], [1, 1], [1, 3]], rows: 5, classes: 3,
      build: (tape, [x, g, b, w]) => tape.matmul(tape.layerNorm(x!, g!, b!, 0.5), w!),
      twin: ([x, g, b, w]) => matmul64(layerNorm64(x!, g!, b!, 0.5).y, w!),
    }, 4);
  });

  for (const [heads, T, rows] of [[2, 3, 6], [1, 4, 8], [4, 2, 4], [2, 1, 3]] as const) {
    it(`attention: ${heads} heads, sequences of ${T}, ${rows} rows`, () => {
      checkGraphGradients({
        params: [[rows, 8], [rows, 8], [rows, 8], [8, 4]], rows, classes: 4,
        build: (tape, [q, k, v, w]) => tape.matmul(tape.attention(q!, k!, v!, { heads, seq: T }), w!),
        twin: ([q, k, v, w]) => matmul64(attention64(q!, k!, v!, heads, T).out, w!),
      }, 10 + heads * T, (rng) => rng.normal() * 1.2);
    });
  }

  it('attention with q, k and v the same node (self-attention of one projection)', () => {
    checkGraphGradients({
      params: [[6, 4]], rows: 6, classes: 4,
      build: (tape, [x]) => tape.attention(x!, x!, x!, { heads: 2, seq: 3 }),
      twin: ([x]) => attention64(x!, x!, x!, 2, 3).out,
    }, 20);
  });

  for (const [W, T] of [[3, 4], [4, 3], [1, 2]] as const) {
    it(`dconv: ${W} taps over sequences of ${T}`, () => {
      checkGraphGradients({
        params: [[2 * T, 4], [W, 4]], rows: 2 * T, classes: 4,
        build: (tape, [x, taps]) => tape.dconv(x!, taps!, { seq: T }),
        twin: ([x, taps]) => dconv64(x!, taps!, T),
      }, 30 + W);
    });
  }

  it('mul and scale', () => {
    checkGraphGradients({
      params: [[5, 4], [5, 4]], rows: 5, classes: 4,
      build: (tape, [a, b]) => tape.scale(tape.mul(a!, tape.mul(a!, b!)), -1.5),
      twin: ([a, b]) => map64(zip64(a!, zip64(a!, b!, (u, v) => u * v), (u, v) => u * v), (u) => -1.5 * u),
    }, 40);
  });

  for (const kind of ['square', 'sigmoid', 'sqrelu'] as const satisfies readonly Activation[]) {
    it(`activation ${kind}`, () => {
      checkGraphGradients({
        params: [[5, 4]], rows: 5, classes: 4,
        build: (tape, [z]) => tape.activation(kind, z!),
        twin: ([z]) => map64(z!, ACTIVATIONS[kind]),
      }, 50, (rng) => rng.normal() * 1.5);
    });
  }

  it('a pre-norm block: embeddings, layerNorm, q k v, dconv, attention, residuals, sqrelu feed-forward', () => {
    const T = 3;
    const D = 4;
    const tokens = IDS.slice(0, 6);
    const pos = positions(6, T);
    const shapes: (readonly [number, number])[] = [
      [6, D], [T, D], [1, D], [1, D], [D, D], [D, D], [D, D], [3, D], [D, 8], [8, D], [D, 5],
    ];
    checkGraphGradients({
      params: shapes, rows: 6, classes: 5,
      build: (tape, [tok, p, g, b, wq, wk, wv, taps, w1, w2, wh]) => {
        const x = tape.add(tape.embedding(tok!, constantColumn(tokens)), tape.embedding(p!, constantColumn(pos)));
        const a = tape.layerNorm(x, g!, b!);
        const [q, k, v] = [wq, wk, wv].map((w) => tape.dconv(tape.matmul(a, w!), taps!, { seq: T }));
        const h = tape.add(x, tape.attention(q!, k!, v!, { heads: 2, seq: T }));
        const f = tape.matmul(tape.activation('sqrelu', tape.matmul(h, w1!)), w2!);
        return tape.matmul(tape.add(h, tape.scale(f, 0.5)), wh!);
      },
      twin: ([tok, p, g, b, wq, wk, wv, taps, w1, w2, wh]) => {
        const x = zip64(embedding64(tok!, dense(1, 6, 1, tokens)), embedding64(p!, dense(1, 6, 1, pos)), (u, v) => u + v);
        const a = layerNorm64(x, g!, b!, 1e-5).y;
        const [q, k, v] = [wq, wk, wv].map((w) => dconv64(matmul64(a, w!), taps!, T)) as [Dense, Dense, Dense];
        const h = zip64(x, attention64(q, k, v, 2, T).out, (u, w) => u + w);
        const f = matmul64(map64(matmul64(h, w1!), ACTIVATIONS.sqrelu), w2!);
        return matmul64(zip64(h, f, (u, w) => u + 0.5 * w), wh!);
      },
    }, 60);
  });
});
