// The webgpu backend: pipelines built once per optimizer, bind groups once per parameter, one submission per step.
import type { StepInputs } from '../dsl/index.js';
import {
  BufferUsage,
  createStorageBuffer,
  dispatchSize,
  pipelineCacheFor,
  readFloat32,
  uploadFloat32,
  withErrorScopes,
  type DispatchSize,
} from '../gpu/index.js';
import { checkStepTensors, type CompiledOptimizer, type CompileResult, type StepResult, type StepTensors } from './backend.js';
import { paramsWords, type BindingRole } from './emit-common.js';
import type { Kernel } from './emit-kernels.js';
import type { LoweredOptimizer } from './lowering.js';
import { paramsImage, type StepShape } from './params.js';

/**
 * Workgroups of a reduction's partial kernel: enough to keep every core of a GPU (or llvmpipe's
 * threads) busy, few enough that the final kernel's one workgroup sums them in a few loads each.
 */
const MAX_REDUCTION_GROUPS = 256;

export class WebGpuOptimizer implements CompiledOptimizer<GPUBuffer> {
  readonly backend = 'webgpu';
  #last: { readonly key: readonly unknown[]; readonly bound: BoundStep } | undefined;

  constructor(
    readonly device: GPUDevice,
    readonly lowered: LoweredOptimizer,
    readonly pipelines: readonly GPUComputePipeline[],
    /** Names the work in errors, e.g. a candidate id. */
    readonly label: string,
  ) {}

  get checked() {
    return this.lowered.checked;
  }

  get output() {
    return this.lowered.options.output;
  }

  get kernels(): readonly Kernel[] {
    return this.lowered.kernels;
  }

  /** Binds one parameter's buffers: its Params uniform, partial sums and bind groups, made once. */
  bind(tensors: StepTensors<GPUBuffer>): BoundStep {
    return new BoundStep(this, tensors);
  }

  /**
   * One step on `tensors`, validated: a wrong buffer (usage, size) rejects with a GpuError naming
   * the label. Reuses the bindings while the same buffers come back.
   */
  async step(tensors: StepTensors<GPUBuffer>, lr: number, step: number): Promise<void> {
    checkStepTensors(this.checked, this.output, tensors, (b) => Math.floor(b.size / 4));
    checkOffsetAlignment(this.device, tensors.offset ?? 0);
    await withErrorScopes(this.device, { label: this.label }, () => this.#boundFor(tensors).submit(lr, step));
  }

  #boundFor(tensors: StepTensors<GPUBuffer>): BoundStep {
    const key = [tensors.n, tensors.offset ?? 0, tensors.w, tensors.g, tensors.update, ...tensors.slots];
    const last = this.#last;
    if (last !== undefined && key.length === last.key.length && key.every((k, i) => k === last.key[i])) return last.bound;
    last?.bound.destroy();
    const bound = this.bind(tensors);
    this.#last = { key, bound };
    return bound;
  }

  async run(inputs: StepInputs): Promise<StepResult> {
    const { device } = this;
    const n = inputs.w.length;
    const upload = (data: Float32Array) => uploadFloat32(device, data, createStorageBuffer(device, data.byteLength, this.label));
    const w = upload(inputs.w);
    const g = upload(inputs.g);
    const slots = inputs.slots.map(upload);
    const update = this.output === 'weight' ? undefined : createStorageBuffer(device, n * 4, this.label);
    try {
      await this.step({ n, w, g, slots, ...(update === undefined ? {} : { update }) }, inputs.lr, inputs.step);
      const read = (b: GPUBuffer) => readFloat32(device, b, n);
      return {
        slots: await Promise.all(slots.map(read)),
        ...(update === undefined ? {} : { update: await read(update) }),
        ...(this.output === 'update' ? {} : { weight: await read(w) }),
      };
    } finally {
      this.#last?.bound.destroy();
      this.#last = undefined;
      for (const b of [w, g, ...slots, ...(update === undefined ? [] : [update])]) b.destroy();
    }
  }

  destroy(): void {
    this.#last?.bound.destroy();
    this.#last = undefined;
  }
}

/**
 * Storage bindings must start at a multiple of the device's minStorageBufferOffsetAlignment
 * (256 bytes on most devices): an element offset must be a multiple of that over 4 (64 floats).
 */
export function offsetAlignment(device: GPUDevice): number {
  return Math.max(1, device.limits.minStorageBufferOffsetAlignment / 4);
}

function checkOffsetAlignment(device: GPUDevice, offset: number): void {
  const alignment = offsetAlignment(device);
  if (offset % alignment !== 0) {
    throw new RangeError(
      `element offset ${offset} is not a multiple of ${alignment}: storage bindings must start at a multiple of the device's`
        + ` minStorageBufferOffsetAlignment (${device.limits.minStorageBufferOffsetAlignment} bytes)`,
    );
  }
}

/**
 * One parameter's buffers bound to the optimizer's kernels: elements [offset, offset + n) of each.
 * Each BoundStep owns its Params uniform, so many of them (other optimizers, other offsets of the
 * same buffers) can be encoded into one command encoder and submitted together.
 */
export class BoundStep {
  readonly shape: StepShape;
  readonly #optimizer: WebGpuOptimizer;
  readonly #params: GPUBuffer;
  readonly #partials: GPUBuffer | undefined;
  /** Per kernel: its bind group and workgroup counts, or undefined when it has nothing to do. */
  readonly #launches: readonly ({ readonly bindGroup: GPUBindGroup; readonly x: number; readonly y: number } | undefined)[];

  constructor(optimizer: WebGpuOptimizer, tensors: StepTensors<GPUBuffer>) {
    const { device, lowered } = optimizer;
    checkStepTensors(optimizer.checked, optimizer.output, tensors, (b) => Math.floor(b.size / 4));
    checkOffsetAlignment(device, tensors.offset ?? 0);
    const { n } = tensors;
    const byteOffset = (tensors.offset ?? 0) * 4;
    const maxBinding = device.limits.maxStorageBufferBindingSize;
    if (n * 4 > maxBinding) throw new RangeError(`${n} elements exceed the device's storage binding limit of ${maxBinding} bytes`);
    this.#optimizer = optimizer;
    const { kernels } = lowered;
    const size = lowered.options.workgroupSize;
    const maxGroups = device.limits.maxComputeWorkgroupsPerDimension;
    const vectorized = kernels.some((k) => k.dispatch === 'vectors');
    const first = vectorized ? n - (n % 4) : 0;
    const grid: DispatchSize = dispatchSize(vectorized ? first / 4 : n, size, maxGroups);
    const groups = Math.min(MAX_REDUCTION_GROUPS, Math.max(1, Math.ceil(n / 256)));
    this.shape = { n, rowStride: grid.rowStride, groups, first };
    this.#params = device.createBuffer({
      size: paramsWords(lowered.plan.scalarSlots.size) * 4,
      // Uniform for most kernels, storage for the final kernels that write reduced scalars into it.
      usage: BufferUsage.UNIFORM | BufferUsage.STORAGE | BufferUsage.COPY_DST,
      label: `${optimizer.label}:params`,
    });
    const accumulators = Math.max(0, ...kernels.map((k) => k.accumulators ?? 0));
    this.#partials = accumulators === 0 ? undefined : device.createBuffer({
      size: groups * accumulators * 4,
      usage: BufferUsage.STORAGE,
      label: `${optimizer.label}:partials`,
    });
    this.#launches = kernels.map((kernel, k) => {
      const workgroups = n === 0 ? undefined : launchSize(kernel, grid, n - first, groups);
      if (workgroups === undefined) return undefined;
      // The vec4 kernel sees the first 4 * floor(n / 4) elements; the others all n (the tail kernel
      // indexes from `first` inside the same binding), each binding starting at the offset.
      const size = kernel.dispatch === 'vectors' ? first * 4 : n * 4;
      const resource = (b: BindingRole): GPUBufferBinding => {
        switch (b.role) {
          case 'params':
            return { buffer: this.#params };
          case 'partials':
            return { buffer: this.#partials! };
          case 'slot':
            return { buffer: tensors.slots[b.index]!, offset: byteOffset, size };
          case 'update':
            return { buffer: tensors.update!, offset: byteOffset, size };
          default:
            return { buffer: tensors[b.role], offset: byteOffset, size };
        }
      };
      const bindGroup = device.createBindGroup({
        label: `${optimizer.label}:${kernel.name}`,
        layout: optimizer.pipelines[k]!.getBindGroupLayout(0),
        entries: kernel.bindings.map((b, binding) => ({ binding, resource: resource(b) })),
      });
      return { bindGroup, ...workgroups };
    });
  }

  /**
   * Writes this step's Params (queued before any later submission) and records the dispatches.
   * Encoding the same BoundStep twice into one submission would give both the second lr.
   */
  encode(encoder: GPUCommandEncoder, lr: number, step: number): void {
    const { device, lowered, pipelines } = this.#optimizer;
    if (this.shape.n === 0) return;
    device.queue.writeBuffer(this.#params, 0, paramsImage(lowered.plan, this.shape, lr, step));
    const pass = encoder.beginComputePass({ label: this.#optimizer.label });
    this.#launches.forEach((launch, k) => {
      if (launch === undefined) return;
      pass.setPipeline(pipelines[k]!);
      pass.setBindGroup(0, launch.bindGroup);
      pass.dispatchWorkgroups(launch.x, launch.y);
    });
    pass.end();
  }

  /** encode() into a fresh encoder and submit it; errors surface through the device's error scopes. */
  submit(lr: number, step: number): void {
    const encoder = this.#optimizer.device.createCommandEncoder();
    this.encode(encoder, lr, step);
    this.#optimizer.device.queue.submit([encoder.finish()]);
  }

  destroy(): void {
    this.#params.destroy();
    this.#partials?.destroy();
  }
}

/** Workgroup counts of one kernel, or undefined when it has no elements to cover. */
function launchSize(kernel: Kernel, grid: DispatchSize, tail: number, groups: number): { x: number; y: number } | undefined {
  switch (kernel.dispatch) {
    case 'elements':
    case 'vectors':
      return grid.x === 0 ? undefined : { x: grid.x, y: grid.y };
    case 'tail':
      return tail === 0 ? undefined : { x: 1, y: 1 };
    case 'groups':
      return { x: groups, y: 1 };
    case 'one':
      return { x: 1, y: 1 };
  }
}

/** Builds every kernel's pipeline through the device's pipeline cache; a shader error becomes a reason. */
export async function compileWebGpu(device: GPUDevice, lowered: LoweredOptimizer, label: string): Promise<CompileResult<WebGpuOptimizer>> {
  const maxStorage = device.limits.maxStorageBuffersPerShaderStage;
  for (const kernel of lowered.kernels) {
    const storage = kernel.bindings.filter((b) => b.access !== 'uniform').length;
    if (storage > maxStorage) {
      return { ok: false, reason: `${label}: kernel ${kernel.name} needs ${storage} storage buffers; the device allows ${maxStorage} per shader stage` };
    }
  }
  const uniformBytes = paramsWords(lowered.plan.scalarSlots.size) * 4;
  if (uniformBytes > device.limits.maxUniformBufferBindingSize) {
    return { ok: false, reason: `${label}: ${lowered.plan.scalarSlots.size} scalars overflow the uniform buffer limit` };
  }
  const cache = pipelineCacheFor(device);
  try {
    const pipelines = await Promise.all(lowered.kernels.map((k) => cache.get(k.wgsl, { label: `${label}/${k.name}` })));
    return { ok: true, optimizer: new WebGpuOptimizer(device, lowered, pipelines, label) };
  } catch (error) {
    return { ok: false, reason: error instanceof Error ? error.message : String(error), error };
  }
}
