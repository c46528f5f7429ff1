import { describe, expect, it } from 'vitest';
import type { Gpu } from '../../src/gpu/index.js';
import { chooseTrainingBackend, denseStepFlops, SOFTWARE_ADAPTER_MIN_FLOPS } from '../../src/tasks/backend-choice.js';

const adapter = (isSoftware: boolean): Gpu => ({
  kind: 'webgpu',
  device: {} as GPUDevice,
  adapterInfo: { vendor: 'v', architecture: 'a', device: 'd', description: isSoftware ? 'llvmpipe' : 'H200', isFallbackAdapter: false, isSoftware } as never,
  featureLevel: 'core',
  dawnBackend: 'default',
  dawnOptions: [],
  limits: {} as never,
  health: {} as never,
});

describe('chooseTrainingBackend', () => {
  it('counts six flops per weight per example', () => {
    expect(denseStepFlops([32, 64, 10], 64)).toBe(6 * (32 * 64 + 64 * 10) * 64);
  });

  it('trains small models on the cpu when only a software adapter exists, under auto only', () => {
    const small = denseStepFlops([32, 64, 10], 64);
    expect(small).toBeLessThan(SOFTWARE_ADAPTER_MIN_FLOPS);
    expect(chooseTrainingBackend(adapter(true), 'auto', small).gpu.kind).toBe('cpu');
    expect(chooseTrainingBackend(adapter(true), 'webgpu', small).gpu.kind).toBe('webgpu');
    expect(chooseTrainingBackend(adapter(false), 'auto', small).gpu.kind).toBe('webgpu');
  });

  it('keeps the software adapter for models big enough to repay its dispatches', () => {
    const mnist = denseStepFlops([784, 64, 10], 64);
    expect(chooseTrainingBackend(adapter(true), 'auto', mnist).gpu.kind).toBe('webgpu');
  });

  it('passes a cpu fallback through with its reason', () => {
    expect(chooseTrainingBackend({ kind: 'cpu', reason: 'no adapter' }, 'auto', 1e9)).toEqual({ gpu: { kind: 'cpu', reason: 'no adapter' }, why: 'no adapter' });
  });
});
