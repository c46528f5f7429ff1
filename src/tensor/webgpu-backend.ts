// The webgpu tensor backend: each op records one WGSL kernel dispatch; flush() submits, read() waits and copies back.
import { BufferUsage, MapMode, STORAGE_USAGE } from '../gpu/index.js';
import { Arena } from './arena.js';
import { GpuRecorder, type Kernel } from './gpu-recorder.js';
import { ADD_BIAS_QUADS_WORKGROUP, ELEMENTWISE_WORKGROUP } from './kernels/elementwise-wgsl.js';
import { SUM_ROWS_WORKGROUP } from './kernels/reduce-wgsl.js';
import {
  addBiasShape, classificationShape, elementwiseShape, markNonFiniteShape, matmulShape, meanShape, sumRowsShape,
} from './op-shapes.js';
import { f32Bits } from './kernels/wgsl-math.js';
import type { Activation, AttentionOptions, SequenceOptions, Tensor, TensorBackend } from './types.js';
import { checkBounds, matrixSize, readStride, storedBatch, viewSpan } from './views.js';
import { compileKernels, defaultMatmulTiles, type KernelName, type MatmulTiles } from './webgpu-kernels.js';
import {
  dconvGpu, dconvGradGpu, embeddingGpu, embeddingGradGpu, layerNormGpu, layerNormGradGpu, outStride,
  type GpuOpContext,
} from './webgpu-sequence-ops.js';
import { attentionGpu, attentionGradGpu } from './webgpu-attention.js';

type T = Tensor<GPUBuffer>;

export interface WebGpuBackendOptions {
  /** The matmul tiles; default defaultMatmulTiles(device). */
  readonly matmulTiles?: MatmulTiles;
}

export class WebGpuTensorBackend implements TensorBackend<GPUBuffer> {
  readonly name = 'webgpu';
  readonly device: GPUDevice;
  readonly matmulTiles: MatmulTiles;
  readonly #kernels: Record<KernelName, Kernel>;
  readonly #recorder: GpuRecorder;
  readonly #arena: Arena<GPUBuffer>;
  /** What the sequence ops (webgpu-sequence-ops.ts) use of this backend. */
  readonly #ops: GpuOpContext = {
    dispatch: (kernel, buffers, params, x, y) => this.#recorder.dispatch(this.#kernels[kernel], buffers, params, x, y),
    take: (length) => this.#arena.take(length),
    output: (out, batch, rows, cols) => this.#output(out, batch, rows, cols),
    input: (t, name) => input(t, name),
    apart: (t, outs) => outs.reduce((kept, out) => this.#apart(kept, out), t),
    sumRows: (dy, out) => this.sumRows(dy, out),
    matmul: (a, b, options) => this.matmul(a, b, options),
    copy: (from, to) => void this.scale(from, 1, to),
  };
  /** Idle MAP_READ buffers by byte size, reused by read(). */
  readonly #staging = new Map<number, GPUBuffer[]>();

  /** Compiles every kernel for `device`, then returns the backend. */
  static async create(device: GPUDevice, options: WebGpuBackendOptions = {}): Promise<WebGpuTensorBackend> {
    const tiles = options.matmulTiles ?? defaultMatmulTiles(device);
    return new WebGpuTensorBackend(device, await compileKernels(device, tiles), tiles);
  }

  private constructor(device: GPUDevice, kernels: Record<KernelName, Kernel>, tiles: MatmulTiles) {
    this.device = device;
    this.#kernels = kernels;
    this.matmulTiles = tiles;
    this.#recorder = new GpuRecorder(device);
    this.#arena = new Arena((length) => this.#createBuffer(length, 'tensor arena'), (b) => b.destroy());
  }

  empty(batch: number, rows: number, cols: number): T {
    const t = this.#scratch(batch, rows, cols);
    this.#recorder.clear(t.storage, 0, t.storage.size);
    return t;
  }

  allocate(length: number, data?: Float32Array): GPUBuffer {
    const buffer = this.#createBuffer(length, 'tensor storage');
    if (data !== undefined) this.write(buffer, 0, data);
    return buffer;
  }

  write(storage: GPUBuffer, offset: number, data: Float32Array): void {
    if (!Number.isSafeInteger(offset) || offset < 0 || (offset + data.length) * 4 > storage.size) {
      throw new RangeError(`write: ${data.length} elements at ${offset} overrun storage of ${storage.size / 4}`);
    }
    // Queue writes land before the next submission: submit what is recorded first, to keep program order.
    this.#recorder.flush();
    this.device.queue.writeBuffer(storage, offset * 4, data.buffer, data.byteOffset, data.byteLength);
  }

  async read(t: T): Promise<Float32Array> {
    input(t, 'read');
    const size = matrixSize(t) * 4;
    const batch = storedBatch(t);
    const bytes = batch * size;
    if (bytes === 0) return new Float32Array(0);
    const staging = this.#takeStaging(bytes);
    if (batch === 1 || t.batchStride * 4 === size) {
      this.#recorder.copy(t.storage, t.offset * 4, staging, 0, bytes);
    } else {
      for (let b = 0; b < batch; b++) this.#recorder.copy(t.storage, (t.offset + b * t.batchStride) * 4, staging, b * size, size);
    }
    this.#recorder.flush();
    try {
      await staging.mapAsync(MapMode.READ, 0, bytes);
      const result = new Float32Array(staging.getMappedRange(0, bytes).slice(0));
      staging.unmap();
      this.#returnStaging(staging, bytes);
      return result;
    } catch (error) {
      staging.destroy();
      throw error;
    }
  }

  free(storage: GPUBuffer): void {
    this.#recorder.flush();
    this.#recorder.forget(storage);
    storage.destroy();
  }

  resetArena(): void {
    this.#arena.reset();
  }

  flush(): void {
    this.#recorder.flush();
  }

  destroy(): void {
    this.#recorder.destroy();
    for (const b of this.#arena.storages()) this.#recorder.forget(b);
    this.#arena.destroy();
    for (const list of this.#staging.values()) for (const b of list) b.destroy();
    this.#staging.clear();
  }

  matmul(a: T, b: T, options: { transA?: boolean; transB?: boolean; out?: T } = {}): T {
    const transA = options.transA ?? false;
    const transB = options.transB ?? false;
    const { batch, M, N, K } = matmulShape(input(a, 'matmul a'), input(b, 'matmul b'), transA, transB, options.out);
    const out = this.#output(options.out, batch, M, N);
    a = this.#apart(a, out);
    b = this.#apart(b, out);
    const tiles = this.matmulTiles;
    const width = N <= tiles.thin.tileN ? 'thin' : N <= tiles.narrow.tileN ? 'narrow' : 'wide';
    const tile = this.matmulTiles[width];
    const kernel = this.#kernels[`matmul_${transA ? 't' : 'n'}${transB ? 't' : 'n'}_${width}`];
    const params = [M, N, K, a.offset, readStride(a), b.offset, readStride(b), out.offset, outStride(out)];
    this.#recorder.dispatch(kernel, [a.storage, b.storage, out.storage], params, Math.ceil(N / tile.tileN), Math.ceil(M / tile.tileM), batch);
    return out;
  }

  add(a: T, b: T, out?: T): T {
    const batch = elementwiseShape('add', input(a, 'add a'), input(b, 'add b'), out);
    const y = this.#output(out, batch, a.rows, a.cols);
    a = this.#apart(a, y);
    b = this.#apart(b, y);
    this.#map('add', [a.storage, b.storage, y.storage], a, b, y, batch);
    return y;
  }

  addBias(x: T, bias: T, out?: T): T {
    const batch = addBiasShape(input(x, 'addBias x'), input(bias, 'addBias bias'), out);
    const y = this.#output(out, batch, x.rows, x.cols);
    x = this.#apart(x, y);
    bias = this.#apart(bias, y);
    const buffers = [x.storage, bias.storage, y.storage];
    const biasAt = [bias.offset, readStride(bias)];
    if (inQuads(x.cols, x, y)) {
      const params = [x.rows, x.cols / 4, x.offset / 4, readStride(x) / 4, ...biasAt, y.offset / 4, outStride(y) / 4];
      this.#recorder.dispatch(this.#kernels.add_bias_v4, buffers, params, Math.ceil(x.cols / 4 / ADD_BIAS_QUADS_WORKGROUP), batch);
    } else {
      const n = matrixSize(x);
      const params = [n, x.cols, x.offset, readStride(x), ...biasAt, y.offset, outStride(y)];
      this.#recorder.dispatch(this.#kernels.add_bias, buffers, params, Math.ceil(n / ELEMENTWISE_WORKGROUP), batch);
    }
    return y;
  }

  sumRows(dy: T, out?: T): T {
    const batch = sumRowsShape(input(dy, 'sumRows dy'), out);
    const y = this.#output(out, batch, 1, dy.cols);
    dy = this.#apart(dy, y);
    const v4 = inQuads(dy.cols, dy);
    const q = v4 ? 4 : 1;
    const params = [dy.rows, dy.cols / q, dy.offset / q, readStride(dy) / q, y.offset, outStride(y)];
    const kernel = this.#kernels[v4 ? 'sum_rows_v4' : 'sum_rows'];
    this.#recorder.dispatch(kernel, [dy.storage, y.storage], params, Math.ceil(dy.cols / q / SUM_ROWS_WORKGROUP), batch);
    return y;
  }

  activation(kind: Activation, x: T, out?: T): T {
    const batch = elementwiseShape('activation', input(x, 'activation x'), undefined, out);
    const y = this.#output(out, batch, x.rows, x.cols);
    x = this.#apart(x, y);
    this.#map(`act_${kind}`, [x.storage, y.storage], x, undefined, y, batch);
    return y;
  }

  activationGrad(kind: Activation, x: T, dy: T, out?: T): T {
    const batch = elementwiseShape('activationGrad', input(x, 'activationGrad x'), input(dy, 'activationGrad dy'), out);
    const dx = this.#output(out, batch, x.rows, x.cols);
    x = this.#apart(x, dx);
    dy = this.#apart(dy, dx);
    this.#map(`act_grad_${kind}`, [x.storage, dy.storage, dx.storage], x, dy, dx, batch);
    return dx;
  }

  mul(a: T, b: T, out?: T): T {
    const batch = elementwiseShape('mul', input(a, 'mul a'), input(b, 'mul b'), out);
    const y = this.#output(out, batch, a.rows, a.cols);
    a = this.#apart(a, y);
    b = this.#apart(b, y);
    this.#map('mul', [a.storage, b.storage, y.storage], a, b, y, batch);
    return y;
  }

  scale(x: T, c: number, out?: T): T {
    const batch = elementwiseShape('scale', input(x, 'scale x'), undefined, out);
    const y = this.#output(out, batch, x.rows, x.cols);
    x = this.#apart(x, y);
    this.#map('scale', [x.storage, y.storage], x, undefined, y, batch, [f32Bits(c)]);
    return y;
  }

  embedding(table: T, ids: T, out?: T): T {
    return embeddingGpu(this.#ops, table, ids, out);
  }

  embeddingGrad(ids: T, dy: T, rows: number, out?: T): T {
    return embeddingGradGpu(this.#ops, ids, dy, rows, out);
  }

  layerNorm(x: T, gain: T, bias: T, eps: number): { y: T; stats: T } {
    return layerNormGpu(this.#ops, x, gain, bias, eps);
  }

  layerNormGrad(x: T, gain: T, stats: T, dy: T, outs: { dx?: T; dgain?: T; dbias?: T } = {}): { dx: T; dgain: T; dbias: T } {
    return layerNormGradGpu(this.#ops, x, gain, stats, dy, outs);
  }

  attention(q: T, k: T, v: T, options: AttentionOptions): { out: T; probs: T } {
    return attentionGpu(this.#ops, q, k, v, options);
  }

  attentionGrad(q: T, k: T, v: T, probs: T, dOut: T, options: AttentionOptions & { dq?: T; dk?: T; dv?: T }): { dq: T; dk: T; dv: T } {
    return attentionGradGpu(this.#ops, q, k, v, probs, dOut, options);
  }

  dconv(x: T, taps: T, options: SequenceOptions & { out?: T }): T {
    return dconvGpu(this.#ops, x, taps, options);
  }

  dconvGrad(x: T, taps: T, dy: T, options: SequenceOptions & { dx?: T; dtaps?: T }): { dx: T; dtaps: T } {
    return dconvGradGpu(this.#ops, x, taps, dy, options);
  }

  softmaxCrossEntropy(logits: T, labels: T): { loss: T; dlogits: T } {
    const batch = classificationShape('softmaxCrossEntropy', input(logits, 'logits'), input(labels, 'labels'));
    const loss = this.#scratch(batch, 1, 1);
    const dlogits = this.#scratch(batch, logits.rows, logits.cols);
    const params = [...this.#classificationParams(logits, labels, loss), dlogits.offset, dlogits.batchStride];
    this.#recorder.dispatch(this.#kernels.softmax_ce, [logits.storage, labels.storage, loss.storage, dlogits.storage], params, batch);
    return { loss, dlogits };
  }

  classificationStats(logits: T, labels: T): T {
    const batch = classificationShape('classificationStats', input(logits, 'logits'), input(labels, 'labels'));
    const stats = this.#scratch(batch, 1, 2);
    const params = [...this.#classificationParams(logits, labels, stats), 0, 0];
    this.#recorder.dispatch(this.#kernels.class_stats, [logits.storage, labels.storage, stats.storage], params, batch);
    return stats;
  }

  mean(x: T, out?: T): T {
    const batch = meanShape(input(x, 'mean x'), out);
    const y = this.#output(out, batch, 1, 1);
    x = this.#apart(x, y);
    const params = [matrixSize(x), x.offset, readStride(x), y.offset, outStride(y), 0];
    this.#recorder.dispatch(this.#kernels.mean, [x.storage, y.storage], params, batch);
    return y;
  }

  markNonFinite(value: T, step: number, divergedAt: T): void {
    const batch = markNonFiniteShape(input(value, 'markNonFinite value'), step, input(divergedAt, 'divergedAt'));
    value = this.#apart(value, divergedAt);
    const params = [matrixSize(value), value.offset, readStride(value), divergedAt.offset, outStride(divergedAt), f32Bits(step)];
    this.#recorder.dispatch(this.#kernels.mark_non_finite, [value.storage, divergedAt.storage], params, batch);
  }

  #classificationParams(logits: T, labels: T, out: T): number[] {
    return [logits.rows, logits.cols, logits.offset, readStride(logits), labels.offset, readStride(labels), out.offset, out.batchStride];
  }

  /** An elementwise kernel over replicas: a at a_*, b (when given) at b_*, y at o_*, then `extra` words. */
  #map(
    name: 'add' | 'mul' | 'scale' | `act_${Activation}` | `act_grad_${Activation}`,
    buffers: readonly GPUBuffer[], a: T, b: T | undefined, y: T, batch: number, extra: readonly number[] = [],
  ): void {
    const n = matrixSize(a);
    const v4 = b === undefined ? inQuads(n, a, y) : inQuads(n, a, b, y);
    const q = v4 ? 4 : 1;
    const views = [n, a.offset, readStride(a), b?.offset ?? 0, b === undefined ? 0 : readStride(b), y.offset, outStride(y)];
    const params = [...views.map((v) => v / q), ...extra];
    const kernel = this.#kernels[v4 ? (`${name}_v4` as const) : name];
    this.#recorder.dispatch(kernel, buffers, params, Math.ceil(n / q / ELEMENTWISE_WORKGROUP), batch);
  }

  /** `t`, or a copy of its elements in arena storage when it shares storage with the output `out`. */
  #apart(t: T, out: T): T {
    if (t.storage !== out.storage) return t;
    const span = viewSpan(t);
    const copy = this.#arena.take(span);
    this.#recorder.copy(t.storage, t.offset * 4, copy, 0, span * 4);
    return { ...t, storage: copy, offset: 0 };
  }

  #output(out: T | undefined, batch: number, rows: number, cols: number): T {
    if (out === undefined) return this.#scratch(batch, rows, cols);
    return input(out, 'out');
  }

  #scratch(batch: number, rows: number, cols: number): T {
    const storage = this.#arena.take(batch * rows * cols);
    return { storage, offset: 0, batch, batchStride: rows * cols, rows, cols };
  }

  #createBuffer(length: number, label: string): GPUBuffer {
    if (!Number.isSafeInteger(length) || length < 0) throw new RangeError(`storage length must be a non-negative integer (got ${length})`);
    return this.device.createBuffer({ size: Math.max(4, length * 4), usage: STORAGE_USAGE, label });
  }

  #takeStaging(bytes: number): GPUBuffer {
    const size = Math.ceil(bytes / 4) * 4;
    const idle = this.#staging.get(size)?.pop();
    return idle ?? this.device.createBuffer({ size, usage: BufferUsage.MAP_READ | BufferUsage.COPY_DST, label: 'tensor read-back' });
  }

  #returnStaging(buffer: GPUBuffer, bytes: number): void {
    const size = Math.ceil(bytes / 4) * 4;
    let list = this.#staging.get(size);
    if (list === undefined) this.#staging.set(size, (list = []));
    list.push(buffer);
  }
}

/** True when `n` and every view's offset and replica stride are multiples of 4, so vec4 kernels can read them. */
function inQuads(n: number, ...views: readonly T[]): boolean {
  if (n % 4 !== 0) return false;
  return views.every((t) => t.offset % 4 === 0 && readStride(t) % 4 === 0);
}

/** Checks that `t` lies inside its buffer and returns it. */
function input(t: T, name: string): T {
  checkBounds(t, Math.floor(t.storage.size / 4), name);
  return t;
}
