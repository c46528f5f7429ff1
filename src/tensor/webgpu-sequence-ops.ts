// The webgpu backend's sequence-model ops (embedding, layerNorm, dconv; attention is webgpu-attention.ts): shape checks, then kernel dispatches.
//
// Every kernel here binds at most 4 storage buffers (WebGPU compatibility mode's minimum), which is
// why layerNorm's y and stats share one output buffer and its backward takes three kernels plus
// sumRows. Scratch (buckets, ĝ) comes from the arena, so a training step allocates nothing once warm.
import { DCONV_WORKGROUP } from './kernels/dconv-wgsl.js';
import { EMBEDDING_WORKGROUP } from './kernels/embedding-wgsl.js';
import { LAYER_NORM_WORKGROUP } from './kernels/layer-norm-wgsl.js';
import { f32Bits } from './kernels/wgsl-math.js';
import {
  dconvGradShape, dconvShape, embeddingGradShape, embeddingShape, layerNormGradShape, layerNormShape,
} from './sequence-shapes.js';
import type { SequenceOptions, Tensor } from './types.js';
import { readStride } from './views.js';
import type { KernelName } from './webgpu-kernels.js';

type T = Tensor<GPUBuffer>;

/** What the ops need from the backend. */
export interface GpuOpContext {
  dispatch(kernel: KernelName, buffers: readonly GPUBuffer[], params: readonly number[], x: number, y: number): void;
  /** Arena storage of `length` elements with stale contents. */
  take(length: number): GPUBuffer;
  /** `out` when given (checked against its storage), else a fresh contiguous arena tensor. */
  output(out: T | undefined, batch: number, rows: number, cols: number): T;
  /** `t` checked against its storage. */
  input(t: T, name: string): T;
  /** `t`, or a copy of it when it shares storage with any of `outs`. */
  apart(t: T, outs: readonly T[]): T;
  sumRows(dy: T, out?: T): T;
  matmul(a: T, b: T, options: { transA?: boolean; transB?: boolean; out?: T }): T;
  /** Copies `from` into `to` (same shape). */
  copy(from: T, to: T): void;
}

/** The replica stride an op writes `out` with (0 when it has one replica). */
export function outStride(out: T): number {
  return out.batch === 1 ? 0 : out.batchStride;
}

const groups = (n: number, size: number) => Math.ceil(n / size);
const at = (t: T) => [t.offset, readStride(t)];
const contiguous = (storage: GPUBuffer, offset: number, batch: number, rows: number, cols: number): T =>
  ({ storage, offset, batch, batchStride: rows * cols, rows, cols });

export function embeddingGpu(ctx: GpuOpContext, table: T, ids: T, out?: T): T {
  const batch = embeddingShape(ctx.input(table, 'embedding table'), ctx.input(ids, 'embedding ids'), out);
  const y = ctx.output(out, batch, ids.rows, table.cols);
  [table, ids] = [ctx.apart(table, [y]), ctx.apart(ids, [y])];
  const { rows: N } = ids;
  const { rows: V, cols: D } = table;
  ctx.dispatch('embedding', [table.storage, ids.storage, y.storage], [N, V, D, ...at(table), ...at(ids), y.offset, outStride(y)], groups(N * D, EMBEDDING_WORKGROUP), batch);
  return y;
}

export function embeddingGradGpu(ctx: GpuOpContext, ids: T, dy: T, V: number, out?: T): T {
  const batch = embeddingGradShape(ctx.input(ids, 'embeddingGrad ids'), ctx.input(dy, 'embeddingGrad dy'), V, out);
  const y = ctx.output(out, batch, V, dy.cols);
  [ids, dy] = [ctx.apart(ids, [y]), ctx.apart(dy, [y])];
  const { rows: N, cols: D } = dy;
  // One bucket set per stored replica of ids: counts [V] then lists [V][N].
  const idSets = readStride(ids) === 0 ? 1 : batch;
  const bucketSize = V + V * N;
  const bucketStride = idSets === 1 ? 0 : bucketSize;
  const buckets = ctx.take(idSets * bucketSize);
  ctx.dispatch('embedding_buckets', [ids.storage, buckets], [N, V, D, ...at(ids), 0, 0, 0, bucketStride], groups(V, EMBEDDING_WORKGROUP), idSets);
  ctx.dispatch('embedding_grad', [buckets, dy.storage, y.storage], [N, V, D, 0, bucketStride, ...at(dy), y.offset, outStride(y)], groups(V * D, EMBEDDING_WORKGROUP), batch);
  return y;
}

export function layerNormGpu(ctx: GpuOpContext, x: T, gain: T, bias: T, eps: number): { y: T; stats: T } {
  const batch = layerNormShape(ctx.input(x, 'layerNorm x'), ctx.input(gain, 'layerNorm gain'), ctx.input(bias, 'layerNorm bias'), eps);
  const { rows: N, cols: D } = x;
  const storage = ctx.take(batch * N * (D + 2));
  const y = contiguous(storage, 0, batch, N, D);
  const stats = contiguous(storage, batch * N * D, batch, N, 2);
  const params = [N, D, f32Bits(eps), ...at(x), ...at(gain), ...at(bias), y.offset, outStride(y), stats.offset, outStride(stats)];
  ctx.dispatch('layer_norm', [x.storage, gain.storage, bias.storage, storage], params, groups(N, LAYER_NORM_WORKGROUP), batch);
  return { y, stats };
}

export function layerNormGradGpu(ctx: GpuOpContext, x: T, gain: T, stats: T, dy: T, outs: { dx?: T; dgain?: T; dbias?: T }): { dx: T; dgain: T; dbias: T } {
  const batch = layerNormGradShape(ctx.input(x, 'layerNormGrad x'), ctx.input(gain, 'gain'), ctx.input(stats, 'stats'), ctx.input(dy, 'layerNormGrad dy'), outs);
  const { rows: N, cols: D } = x;
  const dx = ctx.output(outs.dx, batch, N, D);
  const dgain = ctx.output(outs.dgain, batch, 1, D);
  const written = [dx, dgain, ...(outs.dbias === undefined ? [] : [ctx.input(outs.dbias, 'dbias')])];
  [x, gain, stats, dy] = [x, gain, stats, dy].map((t) => ctx.apart(t, written)) as [T, T, T, T];
  const gh = ctx.take(batch * N * D);
  const none = [0, 0];
  ctx.dispatch('row_scale', [dy.storage, gain.storage, gh], [N, D, 0, ...at(dy), ...at(gain), ...none, 0, N * D, ...none], groups(N * D, LAYER_NORM_WORKGROUP), batch);
  ctx.dispatch('layer_norm_grad_input', [x.storage, stats.storage, gh, dx.storage], [N, D, 0, ...at(x), ...at(stats), 0, N * D, dx.offset, outStride(dx), ...none], groups(N, LAYER_NORM_WORKGROUP), batch);
  ctx.dispatch('layer_norm_grad_gain', [x.storage, stats.storage, dy.storage, dgain.storage], [N, D, 0, ...at(x), ...at(stats), ...at(dy), dgain.offset, outStride(dgain), ...none], groups(D, LAYER_NORM_WORKGROUP), batch);
  const dbias = ctx.sumRows(dy.batch === batch ? dy : { ...dy, batch, batchStride: 0 }, outs.dbias);
  return { dx, dgain, dbias };
}

export function dconvGpu(ctx: GpuOpContext, x: T, taps: T, options: SequenceOptions & { out?: T }): T {
  const batch = dconvShape(ctx.input(x, 'dconv x'), ctx.input(taps, 'dconv taps'), options, options.out);
  const y = ctx.output(options.out, batch, x.rows, x.cols);
  [x, taps] = [ctx.apart(x, [y]), ctx.apart(taps, [y])];
  const dims = [x.rows, options.seq, x.cols, taps.rows];
  ctx.dispatch('dconv', [x.storage, taps.storage, y.storage], [...dims, ...at(x), ...at(taps), y.offset, outStride(y)], groups(x.rows * x.cols, DCONV_WORKGROUP), batch);
  return y;
}

export function dconvGradGpu(ctx: GpuOpContext, x: T, taps: T, dy: T, options: SequenceOptions & { dx?: T; dtaps?: T }): { dx: T; dtaps: T } {
  const batch = dconvGradShape(ctx.input(x, 'dconvGrad x'), ctx.input(taps, 'dconvGrad taps'), ctx.input(dy, 'dconvGrad dy'), options);
  const dx = ctx.output(options.dx, batch, x.rows, x.cols);
  const dtaps = ctx.output(options.dtaps, batch, taps.rows, taps.cols);
  [x, taps, dy] = [x, taps, dy].map((t) => ctx.apart(t, [dx, dtaps])) as [T, T, T];
  const dims = [x.rows, options.seq, x.cols, taps.rows];
  ctx.dispatch('dconv_grad_input', [taps.storage, dy.storage, dx.storage], [...dims, ...at(taps), ...at(dy), dx.offset, outStride(dx)], groups(x.rows * x.cols, DCONV_WORKGROUP), batch);
  ctx.dispatch('dconv_grad_taps', [x.storage, dy.storage, dtaps.storage], [...dims, ...at(x), ...at(dy), dtaps.offset, outStride(dtaps)], groups(taps.rows * taps.cols, DCONV_WORKGROUP), batch);
  return { dx, dtaps };
}
