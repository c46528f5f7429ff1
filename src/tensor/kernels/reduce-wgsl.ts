// WGSL twins of reduce-cpu.ts: column sums, per-replica means, and the non-finite scan that marks diverged replicas.
import { WGSL_MATH, paramsStruct, storageBindings } from './wgsl-math.js';

/** Invocations per workgroup of the per-replica reductions (one workgroup per replica). */
export const REDUCE_WORKGROUP = 64;
/** Invocations per workgroup of sumRows (one invocation per column; grid (⌈cols / 64⌉, batch)). */
export const SUM_ROWS_WORKGROUP = 64;

export const SUM_ROWS_PARAMS = ['rows', 'cols', 'x_offset', 'x_stride', 'o_offset', 'o_stride'];

export function sumRowsWgsl(): string {
  return `${paramsStruct(SUM_ROWS_PARAMS)}${storageBindings(['x'], ['out'])}
@compute @workgroup_size(${SUM_ROWS_WORKGROUP})
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let j = gid.x;
  if (j >= p.cols) { return; }
  let base = p.x_offset + gid.y * p.x_stride + j;
  var sum = 0.0;
  for (var i = 0u; i < p.rows; i = i + 1u) { sum = sum + x[base + i * p.cols]; }
  out[p.o_offset + gid.y * p.o_stride + j] = sum;
}
`;
}

/**
 * sumRows reading dy as vec4s (cols counts vec4s, x_* too; out stays floats, since a gradient
 * view inside a flat [K][P] buffer is rarely 4-aligned): one invocation per 4 columns.
 */
export function sumRowsVec4Wgsl(): string {
  return `${paramsStruct(SUM_ROWS_PARAMS)}${storageBindings(['x'], ['out'], ['x'])}
@compute @workgroup_size(${SUM_ROWS_WORKGROUP})
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let q = gid.x;
  if (q >= p.cols) { return; }
  let base = p.x_offset + gid.y * p.x_stride + q;
  var sum = vec4<f32>(0.0);
  for (var i = 0u; i < p.rows; i = i + 1u) { sum = sum + x[base + i * p.cols]; }
  let o = p.o_offset + gid.y * p.o_stride + 4u * q;
  out[o] = sum.x;
  out[o + 1u] = sum.y;
  out[o + 2u] = sum.z;
  out[o + 3u] = sum.w;
}
`;
}

/** A tree reduction of `partial` (declared by the kernel) over the workgroup with `op`. */
function treeReduce(op: (a: string, b: string) => string): string {
  return `  workgroupBarrier();
  for (var half = ${REDUCE_WORKGROUP / 2}u; half > 0u; half = half / 2u) {
    if (li < half) { partial[li] = ${op('partial[li]', 'partial[li + half]')}; }
    workgroupBarrier();
  }`;
}

export const REDUCE_PARAMS = ['n', 'x_offset', 'x_stride', 'o_offset', 'o_stride', 'step_bits'];

/** out[r] = mean of replica r's n elements (NaN for n = 0). */
export function meanWgsl(): string {
  return `${paramsStruct(REDUCE_PARAMS)}${storageBindings(['x'], ['out'])}${WGSL_MATH}
var<workgroup> partial: array<f32, ${REDUCE_WORKGROUP}>;
@compute @workgroup_size(${REDUCE_WORKGROUP})
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_index) li: u32) {
  let base = p.x_offset + wg.x * p.x_stride;
  var sum = 0.0;
  for (var e = li; e < p.n; e = e + ${REDUCE_WORKGROUP}u) { sum = sum + x[base + e]; }
  partial[li] = sum;
${treeReduce((a, b) => `${a} + ${b}`)}
  if (li == 0u) { out[p.o_offset + wg.x * p.o_stride] = select(partial[0] / f32(p.n), t_nan(), p.n == 0u); }
}
`;
}

/** Replica r's divergedAt (at o_*) becomes the step (f32 bits in step_bits) when it is negative and x holds NaN or ±Inf. */
export function markNonFiniteWgsl(): string {
  return `${paramsStruct(REDUCE_PARAMS)}${storageBindings(['x'], ['diverged'])}${WGSL_MATH}
var<workgroup> partial: array<u32, ${REDUCE_WORKGROUP}>;
@compute @workgroup_size(${REDUCE_WORKGROUP})
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_index) li: u32) {
  let base = p.x_offset + wg.x * p.x_stride;
  var found = 0u;
  for (var e = li; e < p.n; e = e + ${REDUCE_WORKGROUP}u) { found = found | u32(t_is_non_finite(x[base + e])); }
  partial[li] = found;
${treeReduce((a, b) => `${a} | ${b}`)}
  if (li == 0u && partial[0] != 0u) {
    let at = p.o_offset + wg.x * p.o_stride;
    if (diverged[at] < 0.0) { diverged[at] = bitcast<f32>(p.step_bits); }
  }
}
`;
}
