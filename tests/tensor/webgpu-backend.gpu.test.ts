// The webgpu backend's own behaviour: non-finite marking by bit pattern, program order of writes, aliasing outputs, arena reuse, and training that agrees with the cpu.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { CpuTensorBackend, WebGpuTensorBackend, createTensorBackend, tensorView, type TensorBackend } from '../../src/tensor/index.js';
import { describeGpu } from '../gpu/gpu-context.js';
import { trainMlp, type TrainOptions } from './train-mlp.js';

await describeGpu('webgpu tensor backend', (gpu) => {
  let backend: WebGpuTensorBackend;
  beforeAll(async () => {
    backend = await createTensorBackend('webgpu', gpu.device);
  });
  afterAll(() => backend.destroy());

  it('marks replicas holding NaN, +Inf, −Inf or a NaN with a payload, and only once', async () => {
    const nanPayload = new Float32Array(new Uint32Array([0xffc00001]).buffer)[0]!;
    // Replicas (pairs): finite, NaN, +Inf (already marked at 7), −Inf, NaN with a payload, finite.
    const values = new Float32Array([1, 2, NaN, 0, Infinity, 4, -Infinity, -0, 3.4e38, nanPayload, 1e-45, -3]);
    const value = tensorView(backend.allocate(values.length, values), { offset: 0, batch: 6, rows: 1, cols: 2 });
    const storage = backend.allocate(8, new Float32Array([9, -1, -1, 7, -1, -1, -1, 9]));
    const diverged = tensorView(storage, { offset: 1, batch: 6, rows: 1, cols: 1 });
    backend.markNonFinite(value, 3, diverged);
    backend.markNonFinite(value, 5, diverged);
    expect([...(await backend.read(tensorView(storage, { rows: 1, cols: 8 })))]).toEqual([9, -1, 3, 7, 3, 3, -1, 9]);
  });

  it('counts the first maximal logit as the prediction, like the cpu', async () => {
    // Rows: a tie between classes 1 and 2 (label 1: correct), the same tie (label 2: wrong), a clear 0.
    const loss = 2 * Math.log(2 + Math.exp(-2) + Math.exp(-3)) + Math.log(1 + 3 * Math.exp(-4));
    for (const [sum, correct] of [await tiedStats(backend), await tiedStats(new CpuTensorBackend())]) {
      expect(correct).toBe(2);
      expect(sum).toBeCloseTo(loss, 5);
    }
  });

  it('records more dispatches than the uniform ring holds before one flush', async () => {
    const one = tensorView(backend.allocate(4, new Float32Array([1, 2, 3, 4])), { rows: 1, cols: 4 });
    let a = tensorView(backend.allocate(4), { rows: 1, cols: 4 });
    let b = tensorView(backend.allocate(4), { rows: 1, cols: 4 });
    for (let i = 0; i < 2500; i++) {
      backend.add(a, one, b);
      [a, b] = [b, a];
    }
    expect([...(await backend.read(a))]).toEqual([2500, 5000, 7500, 10000]);
  });

  it('keeps program order between recorded ops and writes', async () => {
    const s = backend.allocate(3, new Float32Array([1, 2, 3]));
    const x = tensorView(s, { rows: 1, cols: 3 });
    const first = backend.add(x, x);
    backend.write(s, 0, new Float32Array([10, 20, 30]));
    const second = backend.add(x, x);
    expect([...(await backend.read(first))]).toEqual([2, 4, 6]);
    expect([...(await backend.read(second))]).toEqual([20, 40, 60]);
  });

  it('computes correctly when out shares storage with an input, in place or shifted', async () => {
    const data = Float32Array.from({ length: 40 }, (_, i) => (i % 7) - 3);
    const want = [...cpuReference(data)];
    expect(await aliasedOps(backend, data)).toEqual(want);
    expect(await aliasedOps(new CpuTensorBackend(), data)).toEqual(want);
  });

  it('reuses arena buffers after a reset and reads strided views', async () => {
    backend.resetArena();
    const a = backend.empty(2, 2, 3);
    backend.resetArena();
    const b = backend.empty(2, 2, 3);
    expect(b.storage).toBe(a.storage);
    const s = backend.allocate(14, Float32Array.from({ length: 14 }, (_, i) => i));
    expect([...(await backend.read(tensorView(s, { offset: 1, batch: 3, batchStride: 5, rows: 1, cols: 3 })))]).toEqual([1, 2, 3, 6, 7, 8, 11, 12, 13]);
    expect([...(await backend.read(b))]).toEqual(new Array(12).fill(0));
  });

  it('trains a tiny MLP with SGD like the cpu backend does', async () => {
    const options: TrainOptions = {
      widths: [8, 40, 5], replicas: 4, rows: 48, steps: 40, activation: 'gelu', learningRates: [0.3, 0.6, 1.2, 2], seed: 5,
    };
    const [onGpu, onCpu] = [await trainMlp(backend, options), await trainMlp(new CpuTensorBackend(), options)];
    // Float32 sums in another order drift apart slowly: about 1e-5 in loss after 40 steps here.
    for (let step = 0; step < options.steps; step++) {
      for (let r = 0; r < options.replicas; r++) expect(Math.abs(onGpu[step]![r]! - onCpu[step]![r]!)).toBeLessThan(1e-4);
    }
    const first = onGpu[0]!;
    const last = onGpu[options.steps - 1]!;
    for (let r = 0; r < options.replicas; r++) expect(last[r]!).toBeLessThan(0.7 * first[r]!);
  });
});

/** classificationStats of three rows, two with a tie between classes 1 and 2. */
async function tiedStats<S>(be: TensorBackend<S>): Promise<Float32Array> {
  const z = tensorView(be.allocate(12, new Float32Array([1, 3, 3, 0, 1, 3, 3, 0, 5, 1, 1, 1])), { rows: 3, cols: 4 });
  const y = tensorView(be.allocate(3, new Float32Array([1, 2, 0])), { rows: 3, cols: 1 });
  return be.read(be.classificationStats(z, y));
}

/** relu in place, add into a shifted view of the same storage, matmul into the same storage. */
async function aliasedOps<S>(be: TensorBackend<S>, data: Float32Array): Promise<number[]> {
  const s = be.allocate(40, data);
  const x = tensorView(s, { offset: 0, batch: 2, rows: 3, cols: 4 });
  be.activation('relu', x, x);
  be.add(x, x, tensorView(s, { offset: 3, batch: 2, rows: 3, cols: 4 }));
  be.matmul(tensorView(s, { rows: 3, cols: 4 }), tensorView(s, { offset: 4, rows: 4, cols: 2 }), { out: tensorView(s, { offset: 30, rows: 3, cols: 2 }) });
  return [...(await be.read(tensorView(s, { rows: 1, cols: 40 })))];
}

/** The same three ops in plain loops over a copy of `data`. */
function cpuReference(data: Float32Array): Float32Array {
  const s = Float32Array.from(data);
  for (let i = 0; i < 24; i++) s[i] = Math.max(s[i]!, 0);
  const copy = s.slice(0, 24);
  for (let i = 0; i < 24; i++) s[3 + i] = copy[i]! + copy[i]!;
  const a = s.slice(0, 12);
  const b = s.slice(4, 12);
  for (let i = 0; i < 3; i++) for (let j = 0; j < 2; j++) {
    let sum = 0;
    for (let k = 0; k < 4; k++) sum += a[i * 4 + k]! * b[k * 2 + j]!;
    s[30 + i * 2 + j] = sum;
  }
  return s;
}
