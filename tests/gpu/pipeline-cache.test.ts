// The pipeline cache compiles each shader once, evicts the least recently used, and keeps no failures.
import { expect, it } from 'vitest';
import { PipelineCache, pipelineCacheFor } from '../../src/gpu/index.js';
import { describeGpu } from './gpu-context.js';
import { affineWgsl } from './wgsl-kernels.js';

await describeGpu('PipelineCache', (gpu) => {
  const { device } = gpu;

  it('hits on the second request of the same source and entry point', async () => {
    const cache = new PipelineCache(device);
    const first = await cache.get(affineWgsl(64, 100));
    const second = await cache.get(affineWgsl(64, 100));
    expect(second).toBe(first);
    expect(cache.stats()).toMatchObject({ hits: 1, misses: 1, size: 1, maxEntries: 256 });
  });

  it('shares one compilation between concurrent requests', async () => {
    const cache = new PipelineCache(device);
    const [a, b] = await Promise.all([cache.get(affineWgsl(64, 5)), cache.get(affineWgsl(64, 5))]);
    expect(a).toBe(b);
    expect(cache.stats()).toMatchObject({ hits: 1, misses: 1 });
  });

  it('evicts the least recently used pipeline beyond maxEntries', async () => {
    const cache = new PipelineCache(device, { maxEntries: 2 });
    await cache.get(affineWgsl(64, 1));
    await cache.get(affineWgsl(64, 2));
    await cache.get(affineWgsl(64, 1)); // 1 is now the most recent
    await cache.get(affineWgsl(64, 3)); // evicts 2
    await cache.get(affineWgsl(64, 1));
    await cache.get(affineWgsl(64, 2));
    expect(cache.stats()).toMatchObject({ hits: 2, misses: 4, size: 2 });
  });

  it('does not keep a failed compilation', async () => {
    const cache = new PipelineCache(device);
    const broken = 'fn main( {';
    await expect(cache.get(broken)).rejects.toThrow();
    await expect(cache.get(broken)).rejects.toThrow();
    expect(cache.stats()).toMatchObject({ hits: 0, misses: 2, size: 0 });
  });

  it('gives each device one shared cache', () => {
    expect(pipelineCacheFor(device)).toBe(pipelineCacheFor(device));
    expect(() => new PipelineCache(device, { maxEntries: 0 })).toThrow(RangeError);
  });
});
