import { describe, expect, it } from 'vitest';
import type { Gpu } from '../../src/gpu/index.js';
import { chooseTrainingBackend } from '../../src/tasks/backend-choice.js';

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
  it('trains on a hardware adapter under auto', () => {
    expect(chooseTrainingBackend(adapter(false), 'auto').gpu.kind).toBe('webgpu');
  });

  it('trains on the cpu when the only adapter is a software one, unless webgpu is asked for', () => {
    const auto = chooseTrainingBackend(adapter(true), 'auto');
    expect(auto.gpu.kind).toBe('cpu');
    expect(auto.why).toContain('llvmpipe');
    expect(chooseTrainingBackend(adapter(true), 'webgpu').gpu.kind).toBe('webgpu');
  });

  it('passes a cpu fallback through with its reason', () => {
    expect(chooseTrainingBackend({ kind: 'cpu', reason: 'no adapter' }, 'auto')).toEqual({ gpu: { kind: 'cpu', reason: 'no adapter' }, why: 'no adapter' });
  });
});
