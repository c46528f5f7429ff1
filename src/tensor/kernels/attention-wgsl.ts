// WGSL kernels of causal attention around the batched matmul: heads split out and merged back, and the causal softmax and its gradient in place.
//
// The backend runs attention as matmuls over K·B·H blocks (webgpu-attention.ts), so the products
// get the tiled matmul kernel: q, k, v [B·T, D] per replica are copied head-major,
// [B·H][T][dh], where one replica stride covers every block; probs and ds [B·H·T, T] are already
// [B·H][T][T]. Every kernel binds at most 2 storage buffers. Grid (⌈items / 64⌉, batch).
import { WGSL_MATH, paramsStruct, storageBindings } from './wgsl-math.js';

export const ATTENTION_WORKGROUP = 64;

export const HEADS_PARAMS = ['B', 'T', 'H', 'dh', 'D', 'x_offset', 'x_stride', 'o_offset', 'o_stride'];
export const CAUSAL_SOFTMAX_PARAMS = ['rows', 'T', 'p_offset', 'p_stride', 's_offset', 's_stride', 'c_bits'];

/** Element e = n·D + col of a [B·T, D] matrix: its place in the head-major [B·H][T][dh] copy. */
const HEAD_MAJOR = `
fn head_major(e: u32) -> u32 {
  let n = e / p.D;
  let col = e % p.D;
  let h = col / p.dh;
  return ((n / p.T) * p.H + h) * p.T * p.dh + (n % p.T) * p.dh + col % p.dh;
}
`;

/** out (head-major, at o_*) from x [B·T, D] at x_*: one invocation per element. */
export function splitHeadsWgsl(): string {
  return `${paramsStruct(HEADS_PARAMS)}${storageBindings(['x'], ['out'])}${HEAD_MAJOR}
@compute @workgroup_size(${ATTENTION_WORKGROUP})
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let e = gid.x;
  if (e >= p.B * p.T * p.D) { return; }
  let r = gid.y;
  out[p.o_offset + r * p.o_stride + head_major(e)] = x[p.x_offset + r * p.x_stride + e];
}
`;
}

/** out [B·T, D] at o_* from its head-major copy at x_*: one invocation per element. */
export function mergeHeadsWgsl(): string {
  return `${paramsStruct(HEADS_PARAMS)}${storageBindings(['x'], ['out'])}${HEAD_MAJOR}
@compute @workgroup_size(${ATTENTION_WORKGROUP})
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let e = gid.x;
  if (e >= p.B * p.T * p.D) { return; }
  let r = gid.y;
  out[p.o_offset + r * p.o_stride + e] = x[p.x_offset + r * p.x_stride + head_major(e)];
}
`;
}

/**
 * In place on p (at p_*), row g of `rows` holding the scores of query t = g mod T:
 * p[g][j] = softmax_j(c · p[g][j]) for j ≤ t, 0 past t. One invocation per row.
 */
export function causalSoftmaxWgsl(): string {
  return `${paramsStruct(CAUSAL_SOFTMAX_PARAMS)}${storageBindings([], ['probs'])}${WGSL_MATH}
@compute @workgroup_size(${ATTENTION_WORKGROUP})
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let g = gid.x;
  if (g >= p.rows) { return; }
  let t = g % p.T;
  let base = p.p_offset + gid.y * p.p_stride + g * p.T;
  let c = bitcast<f32>(p.c_bits);
  var mx = probs[base] * c;
  for (var j = 1u; j <= t; j = j + 1u) { mx = max(mx, probs[base + j] * c); }
  var sum = 0.0;
  for (var j = 0u; j <= t; j = j + 1u) {
    let e = t_exp(probs[base + j] * c - mx);
    probs[base + j] = e;
    sum = sum + e;
  }
  let inv = 1.0 / sum;
  for (var j = 0u; j <= t; j = j + 1u) { probs[base + j] = probs[base + j] * inv; }
  for (var j = t + 1u; j < p.T; j = j + 1u) { probs[base + j] = 0.0; }
}
`;
}

/**
 * In place on ds (at s_*), which holds dP = dOut vᵀ: ds[g][j] = c · p[g][j] (dP[g][j] − Σ_j' p[g][j'] dP[g][j'])
 * for j ≤ t, 0 past t; probs at p_*. One invocation per row.
 */
export function causalSoftmaxGradWgsl(): string {
  return `${paramsStruct(CAUSAL_SOFTMAX_PARAMS)}${storageBindings(['probs'], ['ds'])}
@compute @workgroup_size(${ATTENTION_WORKGROUP})
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let g = gid.x;
  if (g >= p.rows) { return; }
  let t = g % p.T;
  let pb = p.p_offset + gid.y * p.p_stride + g * p.T;
  let sb = p.s_offset + gid.y * p.s_stride + g * p.T;
  var total = 0.0;
  for (var j = 0u; j <= t; j = j + 1u) { total = total + probs[pb + j] * ds[sb + j]; }
  let c = bitcast<f32>(p.c_bits);
  for (var j = 0u; j <= t; j = j + 1u) { ds[sb + j] = c * probs[pb + j] * (ds[sb + j] - total); }
  for (var j = t + 1u; j < p.T; j = j + 1u) { ds[sb + j] = 0.0; }
}
`;
}
