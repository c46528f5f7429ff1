// Records kernel dispatches into one command encoder: uniforms in a ring of slots, bind groups cached, one compute pass per submission.
//
// A training step issues the same dispatches in the same order every step, so nothing here is
// allocated once warm: each dispatch's parameters (shapes, element offsets, strides) go into the
// next slot of a CPU-side ring that one queue.writeBuffer uploads at flush; the slot's bind group
// (group 1) is made once per kernel and slot; the storage bind group (group 0) is cached by
// kernel and buffers. Buffers are always bound whole (storage offsets would have to be multiples
// of minStorageBufferOffsetAlignment), so views travel as element offsets in the uniforms.
import { BufferUsage } from '../gpu/index.js';

/** A compiled kernel and the layouts of its two bind groups. */
export interface Kernel {
  readonly name: string;
  readonly id: number;
  readonly pipeline: GPUComputePipeline;
  readonly storageLayout: GPUBindGroupLayout;
  readonly uniformLayout: GPUBindGroupLayout;
}

/** Bytes of one dispatch's parameters: 16 u32, more than any kernel's Params struct. */
export const PARAMS_BYTES = 64;
/** Slots before the recorder submits on its own; a training step uses a few dozen. */
const RING_SLOTS = 1024;
/** Cached storage bind groups kept before the cache is emptied (buffers change rarely). */
const MAX_STORAGE_GROUPS = 8192;

export class GpuRecorder {
  readonly device: GPUDevice;
  readonly #slotBytes: number;
  readonly #ring: GPUBuffer;
  readonly #words: Uint32Array;
  #used = 0;
  #encoder: GPUCommandEncoder | undefined;
  #pass: GPUComputePassEncoder | undefined;
  readonly #slotGroups = new Map<number, (GPUBindGroup | undefined)[]>();
  readonly #storageGroups = new Map<string, GPUBindGroup>();
  readonly #ids = new WeakMap<GPUBuffer, number>();
  #nextId = 1;
  readonly #maxBinding: number;
  readonly #maxGroups: number;

  constructor(device: GPUDevice) {
    this.device = device;
    const align = Math.max(device.limits.minUniformBufferOffsetAlignment, 16);
    this.#slotBytes = Math.ceil(PARAMS_BYTES / align) * align;
    this.#ring = device.createBuffer({
      size: this.#slotBytes * RING_SLOTS, usage: BufferUsage.UNIFORM | BufferUsage.COPY_DST, label: 'tensor uniforms',
    });
    this.#words = new Uint32Array((this.#slotBytes * RING_SLOTS) / 4);
    this.#maxBinding = device.limits.maxStorageBufferBindingSize;
    this.#maxGroups = device.limits.maxComputeWorkgroupsPerDimension;
  }

  /** True when work is recorded but not submitted. */
  get pending(): boolean {
    return this.#encoder !== undefined;
  }

  /** Records one dispatch of `kernel` over `buffers` (group 0, in binding order) with `params` (u32 words). */
  dispatch(kernel: Kernel, buffers: readonly GPUBuffer[], params: readonly number[], x: number, y = 1, z = 1): void {
    if (x === 0 || y === 0 || z === 0) return;
    if (x > this.#maxGroups || y > this.#maxGroups || z > this.#maxGroups) {
      throw new RangeError(`${kernel.name}: grid ${x}×${y}×${z} exceeds ${this.#maxGroups} workgroups per dimension`);
    }
    for (const b of buffers) {
      if (b.size > this.#maxBinding) throw new RangeError(`${kernel.name}: a buffer of ${b.size} bytes exceeds the device's storage binding limit of ${this.#maxBinding}`);
    }
    if (this.#used === RING_SLOTS) this.flush();
    const slot = this.#used++;
    const words = this.#words;
    const base = (slot * this.#slotBytes) / 4;
    for (let i = 0; i < params.length; i++) words[base + i] = params[i]!;
    const pass = this.#computePass();
    pass.setPipeline(kernel.pipeline);
    pass.setBindGroup(0, this.#storageGroup(kernel, buffers));
    pass.setBindGroup(1, this.#slotGroup(kernel, slot));
    pass.dispatchWorkgroups(x, y, z);
  }

  /** Records a copy of `bytes` bytes between buffers (outside any compute pass). */
  copy(source: GPUBuffer, sourceOffset: number, target: GPUBuffer, targetOffset: number, bytes: number): void {
    if (bytes === 0) return;
    this.#endPass().copyBufferToBuffer(source, sourceOffset, target, targetOffset, bytes);
  }

  /** Records zero-filling `bytes` bytes of `buffer` at `offset` (multiples of 4). */
  clear(buffer: GPUBuffer, offset: number, bytes: number): void {
    if (bytes === 0) return;
    this.#endPass().clearBuffer(buffer, offset, bytes);
  }

  /** Uploads the used uniform slots and submits everything recorded. */
  flush(): void {
    const encoder = this.#encoder;
    if (encoder === undefined) return;
    this.#pass?.end();
    this.#pass = undefined;
    this.#encoder = undefined;
    if (this.#used > 0) {
      this.device.queue.writeBuffer(this.#ring, 0, this.#words.buffer, 0, this.#used * this.#slotBytes);
    }
    this.#used = 0;
    this.device.queue.submit([encoder.finish()]);
  }

  /** Drops cached bind groups that hold `buffer` (before it is destroyed). */
  forget(buffer: GPUBuffer): void {
    const id = this.#ids.get(buffer);
    if (id === undefined) return;
    const tag = `:${id}:`;
    for (const key of [...this.#storageGroups.keys()]) if (key.includes(tag)) this.#storageGroups.delete(key);
  }

  destroy(): void {
    this.#pass?.end();
    this.#pass = undefined;
    this.#encoder = undefined;
    this.#storageGroups.clear();
    this.#slotGroups.clear();
    this.#ring.destroy();
  }

  #computePass(): GPUComputePassEncoder {
    if (this.#pass !== undefined) return this.#pass;
    this.#encoder ??= this.device.createCommandEncoder({ label: 'tensor ops' });
    this.#pass = this.#encoder.beginComputePass();
    return this.#pass;
  }

  #endPass(): GPUCommandEncoder {
    this.#pass?.end();
    this.#pass = undefined;
    this.#encoder ??= this.device.createCommandEncoder({ label: 'tensor ops' });
    return this.#encoder;
  }

  #id(buffer: GPUBuffer): number {
    let id = this.#ids.get(buffer);
    if (id === undefined) {
      id = this.#nextId++;
      this.#ids.set(buffer, id);
    }
    return id;
  }

  #storageGroup(kernel: Kernel, buffers: readonly GPUBuffer[]): GPUBindGroup {
    let key = `${kernel.id}:`;
    for (const b of buffers) key += `${this.#id(b)}:`;
    let group = this.#storageGroups.get(key);
    if (group === undefined) {
      if (this.#storageGroups.size >= MAX_STORAGE_GROUPS) this.#storageGroups.clear();
      group = this.device.createBindGroup({
        layout: kernel.storageLayout,
        entries: buffers.map((buffer, binding) => ({ binding, resource: { buffer } })),
      });
      this.#storageGroups.set(key, group);
    }
    return group;
  }

  #slotGroup(kernel: Kernel, slot: number): GPUBindGroup {
    let groups = this.#slotGroups.get(kernel.id);
    if (groups === undefined) {
      groups = [];
      this.#slotGroups.set(kernel.id, groups);
    }
    let group = groups[slot];
    if (group === undefined) {
      group = this.device.createBindGroup({
        layout: kernel.uniformLayout,
        entries: [{ binding: 0, resource: { buffer: this.#ring, offset: slot * this.#slotBytes, size: PARAMS_BYTES } }],
      });
      groups[slot] = group;
    }
    return group;
  }
}
