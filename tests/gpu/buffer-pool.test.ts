// The buffer pool hands back released buffers of the same bucket and usage, and bounds the idle bytes it keeps.
import { describe, expect, it } from 'vitest';
import { BufferPool, BufferUsage, bucketSize, readFloat32, uploadFloat32 } from '../../src/gpu/index.js';
import { describeGpu } from './gpu-context.js';

describe('bucketSize', () => {
  it('rounds up to quarter steps between powers of two, at least 256 bytes', () => {
    expect([0, 1, 256, 257, 1024, 1025, 1280, 1281, 1792, 1793].map(bucketSize))
      .toEqual([256, 256, 256, 320, 1024, 1280, 1280, 1536, 1792, 2048]);
  });

  it('never wastes more than a quarter above 256 bytes', () => {
    for (let size = 257; size < 100_000; size += 997) {
      const bucket = bucketSize(size);
      expect(bucket).toBeGreaterThanOrEqual(size);
      expect(bucket).toBeLessThanOrEqual(size * 1.25);
      expect(bucket % 4).toBe(0);
    }
  });
});

await describeGpu('BufferPool', (gpu) => {
  const { device } = gpu;

  it('reuses a released buffer of the same bucket and usage', () => {
    const pool = new BufferPool(device);
    const a = pool.acquire(1000);
    pool.release(a);
    const b = pool.acquire(1010); // same 1024-byte bucket
    expect(b).toBe(a);
    const c = pool.acquire(1000, BufferUsage.STORAGE | BufferUsage.COPY_DST); // other usage: a new buffer
    expect(c).not.toBe(a);
    expect(pool.stats()).toMatchObject({ created: 2, reused: 1, inUseBuffers: 2, inUseBytes: 2048, idleBuffers: 0 });
    pool.destroyAll();
    expect(pool.stats()).toMatchObject({ inUseBuffers: 0, destroyed: 2 });
  });

  it('destroys the oldest idle buffers beyond maxIdleBytes', () => {
    const pool = new BufferPool(device, { maxIdleBytes: 2048 });
    const buffers = [pool.acquire(1024), pool.acquire(1024), pool.acquire(1024)];
    for (const buffer of buffers) pool.release(buffer);
    expect(pool.stats()).toMatchObject({ idleBuffers: 2, idleBytes: 2048, destroyed: 1 });
    // The first released was evicted; the two newer ones come back, newest first.
    expect(pool.acquire(1024)).toBe(buffers[2]);
    expect(pool.acquire(1024)).toBe(buffers[1]);
    pool.destroyAll();
  });

  it('refuses buffers it did not hand out, and double releases', () => {
    const pool = new BufferPool(device);
    const foreign = device.createBuffer({ size: 256, usage: BufferUsage.STORAGE });
    expect(() => pool.release(foreign)).toThrow(/not acquired from this pool/);
    const own = pool.acquire(16);
    pool.release(own);
    expect(() => pool.release(own)).toThrow(/released twice/);
    foreign.destroy();
    pool.destroyAll();
  });

  it('holds data through upload and read-back', async () => {
    const pool = new BufferPool(device);
    const data = Float32Array.from([1.5, -2, 0, 3e38]);
    const buffer = uploadFloat32(device, data, pool.acquire(data.byteLength));
    expect(buffer.size).toBe(256);
    expect(await readFloat32(device, buffer, data.length)).toEqual(data);
    pool.release(buffer);
    pool.destroyAll();
  });
});
