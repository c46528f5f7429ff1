// WGSL twins of layer-norm-cpu.ts: the normalisation per row, and its backward in three kernels of at most 4 storage buffers each.
//
// Backward: ĝ = dy ⊙ gain (`row_scale`), dx per row from x, stats and ĝ (`layer_norm_grad_input`),
// dgain per column from x, stats and dy (`layer_norm_grad_gain`); dbias is sum_rows(dy).
// Grid (⌈items / 64⌉, batch).
import { paramsStruct, storageBindings } from './wgsl-math.js';

export const LAYER_NORM_WORKGROUP = 64;
export const LAYER_NORM_PARAMS = [
  'N', 'D', 'eps_bits', 'a_offset', 'a_stride', 'b_offset', 'b_stride', 'c_offset', 'c_stride', 'o_offset', 'o_stride', 's_offset', 's_stride',
];

/**
 * x at a_*, gain at b_*, bias at c_*; y at o_* and stats (mean, rstd) at s_*, both in one output
 * buffer. One invocation per row; two passes for the variance, as on the cpu.
 */
export function layerNormWgsl(): string {
  return `${paramsStruct(LAYER_NORM_PARAMS)}${storageBindings(['x', 'gain', 'bias'], ['out'])}
@compute @workgroup_size(${LAYER_NORM_WORKGROUP})
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let n = gid.x;
  if (n >= p.N) { return; }
  let r = gid.y;
  let xr = p.a_offset + r * p.a_stride + n * p.D;
  let gb = p.b_offset + r * p.b_stride;
  let bb = p.c_offset + r * p.c_stride;
  let yr = p.o_offset + r * p.o_stride + n * p.D;
  var sum = 0.0;
  for (var d = 0u; d < p.D; d = d + 1u) { sum = sum + x[xr + d]; }
  let mean = sum / f32(p.D);
  var sq = 0.0;
  for (var d = 0u; d < p.D; d = d + 1u) {
    let c = x[xr + d] - mean;
    sq = sq + c * c;
  }
  let rstd = 1.0 / sqrt(sq / f32(p.D) + bitcast<f32>(p.eps_bits));
  for (var d = 0u; d < p.D; d = d + 1u) { out[yr + d] = (x[xr + d] - mean) * rstd * gain[gb + d] + bias[bb + d]; }
  let sr = p.s_offset + r * p.s_stride + 2u * n;
  out[sr] = mean;
  out[sr + 1u] = rstd;
}
`;
}

/** out[n][d] = dy[n][d] · gain[d]: dy at a_*, gain at b_*; one invocation per element. */
export function rowScaleWgsl(): string {
  return `${paramsStruct(LAYER_NORM_PARAMS)}${storageBindings(['dy', 'gain'], ['out'])}
@compute @workgroup_size(${LAYER_NORM_WORKGROUP})
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let e = gid.x;
  if (e >= p.N * p.D) { return; }
  let r = gid.y;
  out[p.o_offset + r * p.o_stride + e] = dy[p.a_offset + r * p.a_stride + e] * gain[p.b_offset + r * p.b_stride + e % p.D];
}
`;
}

/** dx = rstd (ĝ − mean ĝ − x̂ mean(ĝ x̂)): x at a_*, stats at b_*, ĝ at c_*; one invocation per row. */
export function layerNormGradInputWgsl(): string {
  return `${paramsStruct(LAYER_NORM_PARAMS)}${storageBindings(['x', 'stats', 'gh'], ['out'])}
@compute @workgroup_size(${LAYER_NORM_WORKGROUP})
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let n = gid.x;
  if (n >= p.N) { return; }
  let r = gid.y;
  let xr = p.a_offset + r * p.a_stride + n * p.D;
  let sr = p.b_offset + r * p.b_stride + 2u * n;
  let gr = p.c_offset + r * p.c_stride + n * p.D;
  let mean = stats[sr];
  let rstd = stats[sr + 1u];
  var m1 = 0.0;
  var m2 = 0.0;
  for (var d = 0u; d < p.D; d = d + 1u) {
    m1 = m1 + gh[gr + d];
    m2 = m2 + gh[gr + d] * ((x[xr + d] - mean) * rstd);
  }
  m1 = m1 / f32(p.D);
  m2 = m2 / f32(p.D);
  let o = p.o_offset + r * p.o_stride + n * p.D;
  for (var d = 0u; d < p.D; d = d + 1u) { out[o + d] = rstd * (gh[gr + d] - m1 - (x[xr + d] - mean) * rstd * m2); }
}
`;
}

/** dgain[d] = Σ_n dy[n][d] · x̂[n][d], rows in order: x at a_*, stats at b_*, dy at c_*; one invocation per column. */
export function layerNormGradGainWgsl(): string {
  return `${paramsStruct(LAYER_NORM_PARAMS)}${storageBindings(['x', 'stats', 'dy'], ['out'])}
@compute @workgroup_size(${LAYER_NORM_WORKGROUP})
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let d = gid.x;
  if (d >= p.D) { return; }
  let r = gid.y;
  let xb = p.a_offset + r * p.a_stride + d;
  let sb = p.b_offset + r * p.b_stride;
  let gb = p.c_offset + r * p.c_stride + d;
  var acc = 0.0;
  for (var n = 0u; n < p.N; n = n + 1u) {
    acc = acc + dy[gb + n * p.D] * ((x[xb + n * p.D] - stats[sb + 2u * n]) * stats[sb + 2u * n + 1u]);
  }
  out[p.o_offset + r * p.o_stride + d] = acc;
}
`;
}
