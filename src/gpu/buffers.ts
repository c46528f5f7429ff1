// Moving data between Float32Arrays and GPU buffers: storage buffers, uniform buffers, and read-back through a staging buffer.
import { BufferUsage, MapMode, STORAGE_USAGE } from './buffer-usage.js';
import { GpuError, messageOf } from './errors.js';
import { withErrorScopes } from './error-scopes.js';
import { watchDevice } from './device-health.js';

/** A storage buffer kernels can read and write and that can be filled and read back. Size is rounded up to 4 bytes. */
export function createStorageBuffer(device: GPUDevice, byteSize: number, label?: string): GPUBuffer {
  const size = Math.max(4, Math.ceil(byteSize / 4) * 4);
  return device.createBuffer({ size, usage: STORAGE_USAGE, ...(label === undefined ? {} : { label }) });
}

/**
 * Writes `data` into `target` at element `offset` (a new storage buffer when no
 * target is given) and returns the buffer. The write is queued: it lands
 * before any later submission.
 */
export function uploadFloat32(device: GPUDevice, data: Float32Array, target?: GPUBuffer, offset = 0): GPUBuffer {
  const buffer = target ?? createStorageBuffer(device, data.byteLength);
  // Checked here because a failed writeBuffer is reported asynchronously, far from the caller.
  if ((buffer.usage & BufferUsage.COPY_DST) === 0) {
    throw new GpuError('validation', `buffer '${buffer.label}' lacks COPY_DST usage and cannot be written`);
  }
  const end = (offset + data.length) * 4;
  if (end > buffer.size) {
    throw new GpuError('validation', `writing ${data.length} floats at element ${offset} overruns buffer '${buffer.label}' of ${buffer.size} bytes`);
  }
  device.queue.writeBuffer(buffer, offset * 4, data.buffer, data.byteOffset, data.byteLength);
  return buffer;
}

/**
 * Copies `length` floats (default: the whole buffer) starting at element
 * `offset` of `source` into a new Float32Array, through a MAP_READ staging
 * buffer. Waits for all work submitted before it.
 */
export async function readFloat32(device: GPUDevice, source: GPUBuffer, length?: number, offset = 0): Promise<Float32Array> {
  const count = length ?? Math.floor(source.size / 4) - offset;
  if ((source.usage & BufferUsage.COPY_SRC) === 0) {
    throw new GpuError('validation', `buffer '${source.label}' lacks COPY_SRC usage and cannot be read back`);
  }
  if (count < 0 || (offset + count) * 4 > source.size) {
    throw new GpuError('validation', `reading ${count} floats at element ${offset} overruns buffer '${source.label}' of ${source.size} bytes`);
  }
  if (count === 0) return new Float32Array(0);
  const byteLength = count * 4;
  const staging = device.createBuffer({ size: byteLength, usage: BufferUsage.MAP_READ | BufferUsage.COPY_DST, label: 'read-back staging' });
  try {
    await withErrorScopes(device, { label: `read back '${source.label}'` }, () => {
      const encoder = device.createCommandEncoder();
      encoder.copyBufferToBuffer(source, offset * 4, staging, 0, byteLength);
      device.queue.submit([encoder.finish()]);
    });
    try {
      await watchDevice(device).race(staging.mapAsync(MapMode.READ));
    } catch (thrown) {
      if (thrown instanceof GpuError) throw thrown;
      throw new GpuError('map-failed', messageOf(thrown), { label: `read back '${source.label}'`, cause: thrown });
    }
    // getMappedRange's ArrayBuffer is detached by unmap(), so copy out first.
    return new Float32Array(staging.getMappedRange(0, byteLength).slice(0));
  } finally {
    staging.destroy();
  }
}

/** A uniform buffer holding `data`, padded to a multiple of 16 bytes as uniform bindings require. */
export function createUniformBuffer(device: GPUDevice, data: ArrayBufferView | ArrayBuffer, label?: string): GPUBuffer {
  const bytes = data instanceof ArrayBuffer
    ? new Uint8Array(data)
    : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  const size = Math.max(16, Math.ceil(bytes.byteLength / 16) * 16);
  const buffer = device.createBuffer({
    size,
    usage: BufferUsage.UNIFORM | BufferUsage.COPY_DST,
    mappedAtCreation: true,
    ...(label === undefined ? {} : { label }),
  });
  new Uint8Array(buffer.getMappedRange()).set(bytes);
  buffer.unmap();
  return buffer;
}
