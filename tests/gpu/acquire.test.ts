// Device acquisition: the llvmpipe (or hardware) device, its caching, the CPU fallback and clean reasons without an adapter.
import { describe, expect, it } from 'vitest';
import {
  acquireGpu, acquireWebGpu, backendFromEnvironment, GpuUnavailableError, parseDawnOptions,
} from '../../src/gpu/index.js';
import { describeGpu } from './gpu-context.js';

await describeGpu('acquireGpu on this machine', (gpu) => {
  it('returns a device with adapter info, feature level and raised limits', () => {
    expect(gpu.kind).toBe('webgpu');
    expect(['core', 'compatibility']).toContain(gpu.featureLevel);
    expect(gpu.dawnBackend).toMatch(/^(default|opengles|custom)$/);
    expect(gpu.adapterInfo.device.length + gpu.adapterInfo.description.length).toBeGreaterThan(0);
    // Requested at the adapter's maximum, not compatibility mode's default of 128.
    expect(gpu.limits.maxComputeInvocationsPerWorkgroup).toBe(gpu.adapterInfo.limits.maxComputeInvocationsPerWorkgroup);
    expect(gpu.limits.maxComputeWorkgroupsPerDimension).toBeGreaterThanOrEqual(65535);
  });

  it('caches one device per process', async () => {
    const again = await acquireGpu({ backend: 'webgpu' });
    expect(again.kind === 'webgpu' && again.device).toBe(gpu.device);
  });
});

describe('acquireGpu without an adapter', () => {
  // Dawn has no D3D12 backend on Linux or macOS, so this route never yields an adapter here.
  const unavailable = process.platform === 'win32' ? ['backend=metal'] : ['backend=d3d12'];

  it('falls back to the CPU under auto, with the reason, notifying once', async () => {
    const notices: string[] = [];
    const first = await acquireGpu({ backend: 'auto', dawnOptions: unavailable, onFallback: (reason) => notices.push(reason) });
    const second = await acquireGpu({ backend: 'auto', dawnOptions: unavailable, onFallback: (reason) => notices.push(reason) });
    expect(first.kind).toBe('cpu');
    expect(second.kind).toBe('cpu');
    expect(first.kind === 'cpu' && first.reason).toMatch(/custom \(core\): .*; custom \(compatibility\): /);
    expect(notices).toHaveLength(1);
  });

  it('throws GpuUnavailableError naming the route under webgpu', async () => {
    const attempt = acquireWebGpu({ dawnOptions: unavailable });
    await expect(attempt).rejects.toBeInstanceOf(GpuUnavailableError);
    await expect(attempt).rejects.toThrow(/^no WebGPU adapter: custom/);
  });

  it('never touches Dawn for the cpu backend', async () => {
    expect(await acquireGpu({ backend: 'cpu' })).toEqual({ kind: 'cpu', reason: 'the cpu backend was requested' });
  });
});

describe('environment', () => {
  it('splits Dawn options on commas but keeps a toggle list with its option', () => {
    expect(parseDawnOptions('backend=vulkan, enable-dawn-features=dump_shaders,disable_symbol_renaming,')).toEqual([
      'backend=vulkan',
      'enable-dawn-features=dump_shaders,disable_symbol_renaming',
    ]);
  });

  it('reads SYMEVO_BACKEND and rejects unknown values', () => {
    expect(backendFromEnvironment({})).toBe('auto');
    expect(backendFromEnvironment({ SYMEVO_BACKEND: 'cpu' })).toBe('cpu');
    expect(() => backendFromEnvironment({ SYMEVO_BACKEND: 'cuda' })).toThrow(/SYMEVO_BACKEND must be one of auto, webgpu, cpu/);
  });
});
