// Reuses GPU buffers by size bucket and usage, keeping at most a bounded number of idle bytes alive.
import { STORAGE_USAGE } from './buffer-usage.js';

export interface BufferPoolOptions {
  /** Idle bytes kept for reuse; beyond this the oldest released buffers are destroyed. */
  readonly maxIdleBytes?: number;
  /** Prefix of buffer labels, seen in Dawn's messages. */
  readonly label?: string;
}

export interface BufferPoolStats {
  readonly created: number;
  readonly reused: number;
  readonly destroyed: number;
  readonly inUseBuffers: number;
  readonly inUseBytes: number;
  readonly idleBuffers: number;
  readonly idleBytes: number;
}

/** 256 MiB: a few proxy-model populations' worth of tensors, small beside llvmpipe's 2 GiB maxBufferSize. */
const DEFAULT_MAX_IDLE_BYTES = 256 * 1024 * 1024;
/** Below this every request shares one bucket; also a multiple of every offset alignment WebGPU allows. */
const MIN_BUCKET_BYTES = 256;

/**
 * The size actually allocated for `byteSize`: the next of 1, 1.25, 1.5, 1.75
 * times a power of two, so reuse is likely and at most 25% is wasted.
 */
export function bucketSize(byteSize: number): number {
  if (!Number.isFinite(byteSize) || byteSize < 0) throw new RangeError(`buffer size must be a non-negative number (got ${byteSize})`);
  if (byteSize <= MIN_BUCKET_BYTES) return MIN_BUCKET_BYTES;
  const power = 2 ** Math.floor(Math.log2(byteSize));
  const quarter = power / 4;
  return Math.ceil(byteSize / quarter) * quarter;
}

interface Lease {
  readonly key: string;
  readonly size: number;
}

/**
 * Storage (or any usage) buffers handed out and taken back. A buffer from
 * acquire() may be larger than asked for: bind it with an explicit size, or
 * pass the element count to kernels, instead of relying on arrayLength().
 */
export class BufferPool {
  readonly device: GPUDevice;
  readonly #maxIdleBytes: number;
  readonly #label: string;
  readonly #inUse = new Map<GPUBuffer, Lease>();
  /** Idle buffers per `usage:size`, most recently released last (reused first, while warm in cache). */
  readonly #idle = new Map<string, GPUBuffer[]>();
  /** Every idle buffer in release order, oldest first: the eviction order. */
  readonly #idleOrder = new Map<GPUBuffer, Lease>();
  #idleBytes = 0;
  #created = 0;
  #reused = 0;
  #destroyed = 0;

  constructor(device: GPUDevice, options: BufferPoolOptions = {}) {
    this.device = device;
    this.#maxIdleBytes = options.maxIdleBytes ?? DEFAULT_MAX_IDLE_BYTES;
    this.#label = options.label ?? 'pool';
  }

  /** A buffer of at least `byteSize` bytes with exactly `usage`; release it when done. */
  acquire(byteSize: number, usage: number = STORAGE_USAGE): GPUBuffer {
    const size = this.#allocationSize(byteSize);
    const key = `${usage}:${size}`;
    let buffer = this.#idle.get(key)?.pop();
    if (buffer === undefined) {
      buffer = this.device.createBuffer({ size, usage, label: `${this.#label}:${key}` });
      this.#created += 1;
    } else {
      this.#idleOrder.delete(buffer);
      this.#idleBytes -= size;
      this.#reused += 1;
    }
    this.#inUse.set(buffer, { key, size });
    return buffer;
  }

  /** Takes a buffer back for reuse. It must have come from this pool and be unmapped. */
  release(buffer: GPUBuffer): void {
    const lease = this.#inUse.get(buffer);
    if (lease === undefined) throw new Error(`buffer '${buffer.label}' was not acquired from this pool, or was released twice`);
    if (buffer.mapState !== 'unmapped') throw new Error(`buffer '${buffer.label}' must be unmapped before release`);
    this.#inUse.delete(buffer);
    const list = this.#idle.get(lease.key);
    if (list === undefined) this.#idle.set(lease.key, [buffer]);
    else list.push(buffer);
    this.#idleOrder.set(buffer, lease);
    this.#idleBytes += lease.size;
    this.trim(this.#maxIdleBytes);
  }

  /** Destroys the oldest idle buffers until at most `maxIdleBytes` stay idle. */
  trim(maxIdleBytes = 0): void {
    for (const [buffer, lease] of this.#idleOrder) {
      if (this.#idleBytes <= maxIdleBytes) break;
      this.#idleOrder.delete(buffer);
      const list = this.#idle.get(lease.key) ?? [];
      list.splice(list.indexOf(buffer), 1);
      if (list.length === 0) this.#idle.delete(lease.key);
      this.#idleBytes -= lease.size;
      this.#destroyed += 1;
      buffer.destroy();
    }
  }

  /** Destroys every buffer, idle or still in use: for shutdown, or before dropping the device. */
  destroyAll(): void {
    this.trim(0);
    for (const buffer of this.#inUse.keys()) {
      buffer.destroy();
      this.#destroyed += 1;
    }
    this.#inUse.clear();
  }

  stats(): BufferPoolStats {
    let inUseBytes = 0;
    for (const lease of this.#inUse.values()) inUseBytes += lease.size;
    return {
      created: this.#created,
      reused: this.#reused,
      destroyed: this.#destroyed,
      inUseBuffers: this.#inUse.size,
      inUseBytes,
      idleBuffers: this.#idleOrder.size,
      idleBytes: this.#idleBytes,
    };
  }

  /** The bucket size, or the exact size (4-byte aligned) when the bucket would pass the device's maxBufferSize. */
  #allocationSize(byteSize: number): number {
    const bucket = bucketSize(byteSize);
    const max = this.device.limits.maxBufferSize;
    if (bucket <= max) return bucket;
    const exact = Math.ceil(byteSize / 4) * 4;
    if (exact > max) throw new RangeError(`buffer of ${byteSize} bytes exceeds the device's maxBufferSize (${max})`);
    return exact;
  }
}
