// The sequence-model ops on the cpu against their float64 twins over random shapes and views, and small laws they obey.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/dsl/index.js';
import { CpuTensorBackend, tensorView } from '../../src/tensor/index.js';
import { describeMismatches, mismatches, type Tolerance } from './compare.js';
import { referenceResults, runCase, type OpCase } from './op-cases.js';
import { sequenceCaseArb } from './sequence-cases.js';

const backend = new CpuTensorBackend();

/**
 * Allowed error against float64. The cpu sums in float64 and rounds once, but attention rounds its
 * scores to float32 before the softmax (|score| up to ~10, so ~1e-6 relative after exp) and its
 * second step reads the float32 probabilities or score gradients the first stored; layerNorm's
 * backward reads float32 stats: a relative rounding of ~6e-8 per term, scaled by the largest result.
 */
function toleranceFor(c: OpCase): Tolerance {
  if (c.name.startsWith('embedding ') || c.name.startsWith('mul') || c.name.startsWith('scale')) return { rtol: 6e-8, atol: 1e-37 };
  if (c.name.startsWith('attention')) return { rtol: 1e-5, scaled: 2e-6 };
  return { rtol: 1e-6, scaled: 2e-7 };
}

async function expectMatchesReference(c: OpCase): Promise<void> {
  const got = await runCase(backend, c);
  const want = referenceResults(c);
  expect(got.length).toBe(want.length);
  got.forEach((g, k) => {
    expect(describeMismatches(`${c.name} result ${k}`, mismatches(g, want[k]!, toleranceFor(c)))).toBeUndefined();
  });
}

const view = (data: number[] | Float32Array, batch: number, rows: number, cols: number, batchStride = rows * cols) =>
  tensorView(Float32Array.from(data), { batch, rows, cols, batchStride });

describe('cpu sequence ops against float64 twins', () => {
  it('every op, forward and backward, over random shapes, broadcasts, offsets and shared storage', async () => {
    await fc.assert(fc.asyncProperty(sequenceCaseArb(), expectMatchesReference), { numRuns: 400 });
  });

  it('longer sequences (T up to 40) for attention and dconv', async () => {
    await fc.assert(fc.asyncProperty(sequenceCaseArb(['attention', 'attentionGrad', 'dconv', 'dconvGrad'], 40), expectMatchesReference), { numRuns: 40 });
  });
});

describe('cpu sequence op laws', () => {
  const rng = Rng.fromSeed(11);
  const random = (n: number) => Float32Array.from({ length: n }, () => rng.normal());

  it('attention over sequences of one position returns v, with probabilities 1', async () => {
    const [q, k, v] = [random(2 * 5 * 6), random(2 * 5 * 6), random(2 * 5 * 6)].map((d) => view(d, 2, 5, 6));
    const { out, probs } = backend.attention(q!, k!, v!, { heads: 3, seq: 1 });
    expect([...(await backend.read(out))]).toEqual([...v!.storage]);
    expect([...(await backend.read(probs))]).toEqual(new Array(2 * 5 * 3).fill(1));
  });

  it('the first position attends only to itself: its output is its own v row', async () => {
    const [q, k, v] = [random(4 * 8), random(4 * 8), random(4 * 8)].map((d) => view(d, 1, 4, 8));
    const out = await backend.read(backend.attention(q!, k!, v!, { heads: 2, seq: 2 }).out);
    for (const row of [0, 2]) expect([...out.subarray(row * 8, row * 8 + 8)]).toEqual([...v!.storage.subarray(row * 8, row * 8 + 8)]);
  });

  it('dconv with taps [1, 0, 0] is the identity, and [0, 1, 0] shifts each sequence by one', async () => {
    const x = view(random(2 * 6 * 5), 2, 6, 5);
    const taps = (j: number) => view(Array.from({ length: 15 }, (_, e) => (Math.floor(e / 5) === j ? 1 : 0)), 1, 3, 5);
    expect([...(await backend.read(backend.dconv(x, taps(0), { seq: 3 })))]).toEqual([...x.storage]);
    const shifted = await backend.read(backend.dconv(x, taps(1), { seq: 3 }));
    for (let r = 0; r < 12; r++) {
      const want = r % 3 === 0 ? new Array(5).fill(0) : [...x.storage.subarray((r - 1) * 5, r * 5)];
      expect([...shifted.subarray(r * 5, r * 5 + 5)]).toEqual(want);
    }
  });

  it('embeddingGrad gives the same bits on every run, and each row is its ids\' sum in order', async () => {
    const ids = view(Array.from({ length: 300 }, () => rng.int(7)), 1, 300, 1);
    const dy = view(Float32Array.from({ length: 2 * 300 * 3 }, () => rng.normal() * 10 ** rng.int(6)), 2, 300, 3);
    const first = await backend.read(backend.embeddingGrad(ids, dy, 7));
    const second = await backend.read(backend.embeddingGrad(ids, dy, 7));
    expect(new Uint32Array(second.buffer)).toEqual(new Uint32Array(first.buffer));
    let sum = 0;
    for (let n = 0; n < 300; n++) if (ids.storage[n] === 4) sum += dy.storage[n * 3 + 1]!;
    expect(first[4 * 3 + 1]).toBe(Math.fround(sum));
  });

  it('layerNorm rows have mean bias and, with unit gain, variance 1 − eps·rstd²', async () => {
    const x = view(random(6 * 9).map((v) => 5 * v + 3), 1, 6, 9);
    const gain = view(new Array(9).fill(1), 1, 1, 9);
    const bias = view(new Array(9).fill(0.25), 1, 1, 9);
    const { y, stats } = backend.layerNorm(x, gain, bias, 1e-5);
    const [yv, sv] = [await backend.read(y), await backend.read(stats)];
    for (let n = 0; n < 6; n++) {
      const row = [...yv.subarray(n * 9, n * 9 + 9)];
      const mean = row.reduce((a, v) => a + v, 0) / 9;
      const variance = row.reduce((a, v) => a + (v - mean) ** 2, 0) / 9;
      expect(mean).toBeCloseTo(0.25, 5);
      expect(variance).toBeCloseTo(1 - 1e-5 * sv[2 * n + 1]! ** 2, 5);
    }
  });

  it('softmax cross-entropy at the charlm size: logits [16, 2048, 83]', async () => {
    const [K, M, C] = [16, 2048, 83];
    const logits = view(Float32Array.from({ length: K * M * C }, () => rng.normal() * 2), K, M, C);
    const labels = view(Array.from({ length: M }, () => rng.int(C)), 1, M, 1);
    const { loss, dlogits } = backend.softmaxCrossEntropy(logits, labels);
    const [l, g] = [await backend.read(loss), await backend.read(dlogits)];
    expect(l.length).toBe(K);
    for (const v of l) expect(v).toBeGreaterThan(Math.log(C) - 1);
    // Each row of dlogits sums to 0: softmax sums to 1 and the label takes 1 away.
    for (let row = 0; row < K * M; row += 997) {
      const s = g.subarray(row * C, row * C + C).reduce((a, v) => a + v, 0);
      expect(Math.abs(s)).toBeLessThan(1e-9);
    }
  });

  it('rejects shapes that do not fit', () => {
    const x = view(random(24), 1, 6, 4);
    expect(() => backend.attention(x, x, x, { heads: 3, seq: 3 })).toThrow(/heads/);
    expect(() => backend.attention(x, x, x, { heads: 2, seq: 4 })).toThrow(/whole sequences/);
    expect(() => backend.dconv(x, view(random(12), 1, 3, 4), { seq: 0 })).toThrow(/seq/);
    expect(() => backend.layerNorm(x, view(random(4), 1, 1, 4), view(random(3), 1, 1, 3), 1e-5)).toThrow(/bias/);
    expect(() => backend.embedding(x, view([0, 1], 1, 1, 2))).toThrow(/one column/);
  });
});
