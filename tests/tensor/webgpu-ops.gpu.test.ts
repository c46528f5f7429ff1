// Every webgpu kernel against the cpu backend on random shapes (past the tile sizes), transposes, broadcasts, offsets, gaps and awkward values.
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { CpuTensorBackend, GPU_MATMUL_TILES, SOFTWARE_MATMUL_TILES, WebGpuTensorBackend } from '../../src/tensor/index.js';
import { describeGpu } from '../gpu/gpu-context.js';
import { describeMismatches, mismatches, type Tolerance } from './compare.js';
import { elementwiseCaseArb, matmulCase, matmulCaseArb, reductionCaseArb, runCase, type OpCase } from './op-cases.js';

const cpu = new CpuTensorBackend();

/**
 * Allowed difference from the cpu, which sums in float64: matmul and the reductions sum in float32
 * (error grows with the terms, so it is scaled by the largest result); exp, log and tanh are the
 * kernels' own, within a few ulp, and gelu's exp(−2u) magnifies the rounding of u (|u| up to 87).
 */
function toleranceFor(c: OpCase): Tolerance {
  if (c.name.startsWith('matmul')) return { rtol: 1e-5, scaled: 1e-5 };
  // gelu' = s (1 + 2x u' q) cancels near its zero (x ≈ −0.75): float32 leaves an absolute error of
  // a few ulp of the terms (~1), so the derivatives also get slack scaled by the largest result.
  if (c.name.startsWith('activationGrad')) return { rtol: 2e-5, scaled: 1e-6, atol: 1e-30 };
  if (c.name.startsWith('activation')) return { rtol: c.name.includes('gelu') ? 2e-5 : 2e-6, atol: 1e-30 };
  if (c.name.startsWith('add')) return { rtol: 0 };
  return { rtol: 1e-5, scaled: 1e-5 };
}

await describeGpu('webgpu tensor ops against the cpu backend', (gpu) => {
  // The device's default tiles, and the other set: llvmpipe checks the hardware tiles' WGSL too.
  let backend: WebGpuTensorBackend;
  let other: WebGpuTensorBackend;
  beforeAll(async () => {
    backend = await WebGpuTensorBackend.create(gpu.device);
    const tiles = backend.matmulTiles === GPU_MATMUL_TILES ? SOFTWARE_MATMUL_TILES : GPU_MATMUL_TILES;
    other = await WebGpuTensorBackend.create(gpu.device, { matmulTiles: tiles });
  });
  afterAll(() => {
    backend.destroy();
    other.destroy();
  });

  async function expectMatchesCpu(c: OpCase, on: WebGpuTensorBackend): Promise<void> {
    const [got, want] = await Promise.all([runCase(on, c), runCase(cpu, c)]);
    got.forEach((g, k) => {
      expect(describeMismatches(`${c.name} result ${k}`, mismatches(g, want[k]!, toleranceFor(c)))).toBeUndefined();
    });
  }

  it('matmul: shapes up to 80 (past the 64-wide tiles), transposes, broadcasts, offsets and shared storage', async () => {
    await fc.assert(fc.asyncProperty(matmulCaseArb(80), (c) => expectMatchesCpu(c, backend)), { numRuns: 300 });
  });

  it('matmul on shapes that cross several tiles in every dimension, both tile sets', async () => {
    const shapes = [[64, 64, 64], [65, 33, 17], [130, 70, 9], [1, 200, 3], [129, 10, 64], [31, 129, 100]] as const;
    const placement = { offset: 3, gap: 1, strideZero: true };
    for (const [M, N, K] of shapes) {
      for (const [transA, transB] of [[false, false], [true, false], [false, true], [true, true]] as const) {
        const c = matmulCase({
          M, N, K, transA, transB, broadcast: [true, false], a: placement, b: placement, batch: 3, shared: true, seed: M * N + K, outPlacement: placement,
        });
        await expectMatchesCpu(c, backend);
        await expectMatchesCpu(c, other);
      }
    }
  });

  it('matmul with the other tile set', async () => {
    await fc.assert(fc.asyncProperty(matmulCaseArb(80), (c) => expectMatchesCpu(c, other)), { numRuns: 100 });
  });

  it('elementwise ops on normal values', async () => {
    await fc.assert(fc.asyncProperty(elementwiseCaseArb(false), (c) => expectMatchesCpu(c, backend)), { numRuns: 300 });
  });

  it('elementwise ops on ±0, tiny, huge, ±Inf and NaN', async () => {
    await fc.assert(fc.asyncProperty(elementwiseCaseArb(true), (c) => expectMatchesCpu(c, backend)), { numRuns: 400 });
  });

  it('reductions and the classification loss', async () => {
    await fc.assert(fc.asyncProperty(reductionCaseArb(), (c) => expectMatchesCpu(c, backend)), { numRuns: 300 });
  });
});
