// The webgpu sequence-model kernels against their cpu twins over random shapes and views, plus the laws the cpu test checks, on the device.
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Rng } from '../../src/dsl/index.js';
import { CpuTensorBackend, WebGpuTensorBackend, tensorView, type Tensor } from '../../src/tensor/index.js';
import { describeGpu } from '../gpu/gpu-context.js';
import { describeMismatches, mismatches, type Tolerance } from './compare.js';
import { runCase, type OpCase } from './op-cases.js';
import { runBlock } from './sequence-block.js';
import { sequenceCaseArb } from './sequence-cases.js';

const cpu = new CpuTensorBackend();

/**
 * Allowed difference from the cpu, which sums in float64: the kernels sum in float32 (error
 * growing with the terms, so scaled by the largest result) and use their own exp; lookups and
 * products are exact.
 */
function toleranceFor(c: OpCase): Tolerance {
  if (c.name.startsWith('embedding ') || c.name.startsWith('mul') || c.name.startsWith('scale')) return { rtol: 0 };
  return { rtol: 1e-5, scaled: 1e-5 };
}

await describeGpu('webgpu sequence ops against the cpu backend', (gpu) => {
  let backend: WebGpuTensorBackend;
  beforeAll(async () => {
    backend = await WebGpuTensorBackend.create(gpu.device);
  });
  afterAll(() => backend.destroy());

  async function expectMatchesCpu(c: OpCase): Promise<void> {
    const [got, want] = await Promise.all([runCase(backend, c), runCase(cpu, c)]);
    expect(got.length).toBe(want.length);
    got.forEach((g, k) => {
      expect(describeMismatches(`${c.name} result ${k}`, mismatches(g, want[k]!, toleranceFor(c)))).toBeUndefined();
    });
  }

  it('every op, forward and backward, over random shapes, broadcasts, offsets and shared storage', async () => {
    await fc.assert(fc.asyncProperty(sequenceCaseArb(), expectMatchesCpu), { numRuns: 300 });
  });

  it('longer sequences (T up to 70, past one workgroup) for attention and dconv', async () => {
    await fc.assert(fc.asyncProperty(sequenceCaseArb(['attention', 'attentionGrad', 'dconv', 'dconvGrad', 'embeddingGrad'], 70), expectMatchesCpu), { numRuns: 30 });
  });

  const rng = Rng.fromSeed(12);
  const upload = (data: ArrayLike<number>, batch: number, rows: number, cols: number): Tensor<GPUBuffer> =>
    tensorView(backend.allocate(data.length, Float32Array.from(data)), { batch, rows, cols });
  const random = (n: number) => Float32Array.from({ length: n }, () => rng.normal());

  it('attention over sequences of one position returns v; dconv with taps [1, 0, 0] is the identity', async () => {
    const v = random(2 * 5 * 6);
    const [q, k] = [upload(random(60), 2, 5, 6), upload(random(60), 2, 5, 6)];
    const { out } = backend.attention(q, k, upload(v, 2, 5, 6), { heads: 3, seq: 1 });
    expect([...(await backend.read(out))]).toEqual([...v]);
    const x = random(2 * 6 * 5);
    const taps = upload(Array.from({ length: 15 }, (_, e) => (e < 5 ? 1 : 0)), 1, 3, 5);
    expect([...(await backend.read(backend.dconv(upload(x, 2, 6, 5), taps, { seq: 3 })))]).toEqual([...x]);
    backend.resetArena();
  });

  it('embeddingGrad gives the same bits on every run', async () => {
    const ids = upload(Array.from({ length: 2048 }, () => rng.int(83)), 1, 2048, 1);
    const dy = upload(Float32Array.from({ length: 3 * 2048 * 16 }, () => rng.normal() * 10 ** rng.int(5)), 3, 2048, 16);
    const first = await backend.read(backend.embeddingGrad(ids, dy, 83));
    const second = await backend.read(backend.embeddingGrad(ids, dy, 83));
    expect(new Uint32Array(second.buffer)).toEqual(new Uint32Array(first.buffer));
    backend.resetArena();
  });

  it('a pre-norm block through the tape: the loss and every parameter gradient agree with the cpu', async () => {
    for (const seed of [1, 2]) {
      const [got, want] = [await runBlock(backend, 3, seed), await runBlock(cpu, 3, seed)];
      expect(describeMismatches('loss', mismatches(got.loss, want.loss, { rtol: 1e-5 }))).toBeUndefined();
      expect(want.grads.some((g) => Math.abs(g) > 1e-3)).toBe(true);
      expect(describeMismatches('gradients', mismatches(got.grads, want.grads, { rtol: 1e-4, scaled: 1e-5 }))).toBeUndefined();
    }
  });

  it('softmax cross-entropy at the charlm size agrees with the cpu: logits [16, 2048, 83]', async () => {
    const [K, M, C] = [16, 2048, 83];
    const logits = Float32Array.from({ length: K * M * C }, () => rng.normal() * 2);
    const labels = Float32Array.from({ length: M }, () => rng.int(C));
    const onCpu = cpu.softmaxCrossEntropy(tensorView(logits, { batch: K, rows: M, cols: C }), tensorView(labels, { rows: M, cols: 1 }));
    const onGpu = backend.softmaxCrossEntropy(upload(logits, K, M, C), upload(labels, 1, M, 1));
    const tolerance = { rtol: 1e-5, scaled: 1e-6 };
    expect(describeMismatches('loss', mismatches(await backend.read(onGpu.loss), await cpu.read(onCpu.loss), tolerance))).toBeUndefined();
    expect(describeMismatches('dlogits', mismatches(await backend.read(onGpu.dlogits), await cpu.read(onCpu.dlogits), tolerance))).toBeUndefined();
    backend.resetArena();
  });
});
