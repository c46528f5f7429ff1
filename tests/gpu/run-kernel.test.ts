// Kernels on the device match their CPU twins, including sizes that need the 2-D dispatch split.
import { describe, expect, it } from 'vitest';
import {
  createStorageBuffer, createUniformBuffer, dispatchSize, readFloat32, runKernel, uploadFloat32,
} from '../../src/gpu/index.js';
import { describeGpu } from './gpu-context.js';
import { WORKGROUP_SIZE, SCALED_WGSL, affineCpu, affineWgsl, ramp } from './wgsl-kernels.js';

describe('dispatchSize', () => {
  it('uses one row while the workgroups fit in one dimension', () => {
    expect(dispatchSize(257, 64)).toEqual({ x: 5, y: 1, z: 1, rowStride: 320 });
    expect(dispatchSize(65535 * 64, 64)).toEqual({ x: 65535, y: 1, z: 1, rowStride: 65535 * 64 });
  });

  it('spreads larger counts evenly over the fewest rows', () => {
    const grid = dispatchSize(65535 * 64 + 7, 64);
    expect(grid).toEqual({ x: 32768, y: 2, z: 1, rowStride: 32768 * 64 });
    expect(grid.x * grid.y * WORKGROUP_SIZE).toBeGreaterThanOrEqual(65535 * 64 + 7);
  });

  it('covers every element and wastes less than one row', () => {
    for (const [n, size, max] of [[1, 64, 4], [300, 8, 7], [99_999, 32, 100], [9, 1, 3]] as const) {
      const grid = dispatchSize(n, size, max);
      expect(grid.x).toBeLessThanOrEqual(max);
      expect(grid.y).toBeLessThanOrEqual(max);
      expect(grid.x * grid.y * size).toBeGreaterThanOrEqual(n);
      expect(grid.x * (grid.y - 1) * size).toBeLessThan(n);
    }
  });

  it('dispatches nothing for no elements and refuses what cannot fit', () => {
    expect(dispatchSize(0, 64)).toEqual({ x: 0, y: 0, z: 1, rowStride: 0 });
    expect(() => dispatchSize(10, 1, 3)).toThrow(RangeError);
    expect(() => dispatchSize(-1, 64)).toThrow(RangeError);
  });
});

await describeGpu('runKernel', (gpu) => {
  const { device } = gpu;

  async function affineOnGpu(x: Float32Array): Promise<Float32Array> {
    const grid = dispatchSize(x.length, WORKGROUP_SIZE, gpu.limits.maxComputeWorkgroupsPerDimension);
    const input = uploadFloat32(device, x);
    const output = createStorageBuffer(device, x.byteLength);
    try {
      await runKernel(device, { wgsl: affineWgsl(grid.rowStride, x.length), bindings: [input, output], workgroups: grid });
      return await readFloat32(device, output, x.length);
    } finally {
      input.destroy();
      output.destroy();
    }
  }

  it.each([1, 255, 256, 257, 100_003])('y = 2x + 1 matches the CPU for n = %i', async (n) => {
    const x = ramp(n);
    expect(await affineOnGpu(x)).toEqual(affineCpu(x));
  });

  it('splits n = 65535 * 64 + 7 over two grid rows and still matches the CPU', async () => {
    const n = 65535 * 64 + 7; // 16.8 MB per buffer
    const x = ramp(n);
    const y = await affineOnGpu(x);
    const expected = affineCpu(x);
    // Compare whole arrays only on failure: printing 4M floats would drown the report.
    const firstWrong = y.findIndex((value, i) => value !== expected[i]);
    expect(firstWrong).toBe(-1);
    expect(y[n - 1]).toBe(expected[n - 1]);
  });

  it('reads parameters from a uniform buffer', async () => {
    const n = 1000;
    const x = ramp(n);
    const grid = dispatchSize(n, WORKGROUP_SIZE);
    const params = new ArrayBuffer(16);
    new Float32Array(params, 0, 2).set([-3, 0.5]);
    new Uint32Array(params, 8, 2).set([n, grid.rowStride]);
    const uniform = createUniformBuffer(device, params);
    const input = uploadFloat32(device, x);
    // Bound with an explicit size, as with a pooled buffer bigger than the data.
    const output = createStorageBuffer(device, x.byteLength + 1024);
    await runKernel(device, { wgsl: SCALED_WGSL, bindings: [uniform, input, { buffer: output, size: x.byteLength }], workgroups: grid });
    // a * x + b may be fused into one rounding or done in two (WGSL allows either), so allow one ulp.
    const y = await readFloat32(device, output, n);
    const worst = Math.max(...y.map((value, i) => Math.abs(value - (-3 * (x[i] ?? 0) + 0.5)) / Math.max(1, Math.abs(value))));
    expect(worst).toBeLessThan(2 ** -22);
    for (const buffer of [uniform, input, output]) buffer.destroy();
  });

  it('reads back a range of a buffer, and writes at an offset', async () => {
    const buffer = uploadFloat32(device, Float32Array.from([0, 1, 2, 3, 4, 5]));
    uploadFloat32(device, Float32Array.from([40, 50]), buffer, 4);
    expect(Array.from(await readFloat32(device, buffer, 3, 2))).toEqual([2, 3, 40]);
    expect(Array.from(await readFloat32(device, buffer))).toEqual([0, 1, 2, 3, 40, 50]);
    buffer.destroy();
  });
});
