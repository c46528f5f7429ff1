// Every cpu op against its float64 twin over random shapes, views, broadcasts and awkward values.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CpuTensorBackend, tensorView } from '../../src/tensor/index.js';
import { describeMismatches, mismatches, type Tolerance } from './compare.js';
import { elementwiseCaseArb, matmulCaseArb, reductionCaseArb, runCase, referenceResults, type OpCase } from './op-cases.js';

const backend = new CpuTensorBackend();

/**
 * Allowed error against float64: the cpu sums in float64 and rounds once, so about one float32
 * rounding (6e-8) per element; activations get a little more for their float64 formulas.
 */
function toleranceFor(c: OpCase): Tolerance {
  if (c.name.startsWith('activation')) return { rtol: 4e-7, atol: 1e-36 };
  if (c.name.startsWith('softmax') || c.name.startsWith('classification')) return { rtol: 1e-6, scaled: 1e-7 };
  return { rtol: 2e-7, scaled: 1e-8 };
}

async function expectMatchesReference(c: OpCase): Promise<void> {
  const got = await runCase(backend, c);
  const want = referenceResults(c);
  got.forEach((g, k) => {
    expect(describeMismatches(`${c.name} result ${k}`, mismatches(g, want[k]!, toleranceFor(c)))).toBeUndefined();
  });
}

describe('cpu backend against float64 twins', () => {
  it('matmul: every transpose, broadcast and view layout', async () => {
    await fc.assert(fc.asyncProperty(matmulCaseArb(24), expectMatchesReference), { numRuns: 300 });
  });

  it('elementwise ops on normal values', async () => {
    await fc.assert(fc.asyncProperty(elementwiseCaseArb(false), expectMatchesReference), { numRuns: 300 });
  });

  it('elementwise ops on ±0, tiny, huge, ±Inf and NaN', async () => {
    await fc.assert(fc.asyncProperty(elementwiseCaseArb(true), expectMatchesReference), { numRuns: 300 });
  });

  it('reductions and the classification loss', async () => {
    await fc.assert(fc.asyncProperty(reductionCaseArb(), expectMatchesReference), { numRuns: 300 });
  });
});

describe('cpu backend behaviour', () => {
  it('matmul with K = 0 writes zeros', () => {
    const a = tensorView(new Float32Array(0), { rows: 3, cols: 0 });
    const b = tensorView(new Float32Array(0), { rows: 0, cols: 2 });
    const out = tensorView(new Float32Array(6).fill(7), { rows: 3, cols: 2 });
    backend.matmul(a, b, { out });
    expect([...out.storage]).toEqual([0, 0, 0, 0, 0, 0]);
  });

  it('rejects shapes that do not fit and views past the storage', () => {
    const s = new Float32Array(12);
    const a = tensorView(s, { rows: 3, cols: 4 });
    expect(() => backend.matmul(a, a)).toThrow(/matmul/);
    expect(() => backend.add(a, tensorView(s, { rows: 4, cols: 3 }))).toThrow(/differ/);
    expect(() => backend.activation('relu', tensorView(s, { offset: 1, rows: 3, cols: 4 }))).toThrow(/past the storage/);
    expect(() => backend.add(tensorView(s, { batch: 2, batchStride: 0, rows: 3, cols: 4 }), tensorView(new Float32Array(36), { batch: 3, rows: 3, cols: 4 }))).toThrow(/broadcast/);
  });

  it('marks replicas holding NaN or ±Inf once, keeping the first step', async () => {
    const values = new Float32Array([1, 2, NaN, 0, Infinity, 4, 5, 6, -Infinity, -0, 1e38, 3e-45]);
    const value = tensorView(values, { batch: 4, rows: 1, cols: 3 });
    const diverged = tensorView(new Float32Array([-1, -1, 7, -1]), { batch: 4, rows: 1, cols: 1 });
    backend.markNonFinite(value, 3, diverged);
    expect([...diverged.storage]).toEqual([3, 3, 7, -1]);
    values[10] = NaN;
    backend.markNonFinite(value, 5, diverged);
    expect([...diverged.storage]).toEqual([3, 3, 7, 5]);
  });

  it('hands arena storage out again in the same order after a reset', () => {
    const first = [backend.empty(2, 3, 4), backend.empty(1, 5, 1), backend.empty(2, 3, 4)];
    first[0]!.storage.fill(9);
    backend.resetArena();
    const second = [backend.empty(2, 3, 4), backend.empty(1, 5, 1), backend.empty(2, 3, 4)];
    second.forEach((t, k) => expect(t.storage).toBe(first[k]!.storage));
    expect(second[0]!.storage.every((v) => v === 0)).toBe(true);
    expect(new Set(second.map((t) => t.storage)).size).toBe(3);
  });

  it('reads a broadcast view as one replica', async () => {
    const t = tensorView(new Float32Array([0, 1, 2, 3]), { offset: 1, batch: 5, batchStride: 0, rows: 1, cols: 2 });
    expect([...(await backend.read(t))]).toEqual([1, 2]);
  });
});
