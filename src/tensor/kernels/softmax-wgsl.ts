// WGSL twins of softmax-cpu.ts: one workgroup per replica, one invocation per row (strided), losses summed by a tree.
import { REDUCE_WORKGROUP } from './reduce-wgsl.js';
import { WGSL_MATH, paramsStruct, storageBindings } from './wgsl-math.js';

export const SOFTMAX_PARAMS = ['M', 'C', 'z_offset', 'z_stride', 'y_offset', 'y_stride', 'o_offset', 'o_stride', 'g_offset', 'g_stride'];

/** Row m's pieces: its start in z, its max, Σ exp(z − max), and the label's class or −1. */
const ROW_FUNCTIONS = `
fn row_max(row: u32) -> f32 {
  var mx = z[row];
  for (var c = 1u; c < p.C; c = c + 1u) { mx = max(mx, z[row + c]); }
  return mx;
}
fn row_sum(row: u32, mx: f32) -> f32 {
  var s = 0.0;
  for (var c = 0u; c < p.C; c = c + 1u) { s = s + t_exp(z[row + c] - mx); }
  return s;
}
/** The class a float label names, or -1 when it is not an integer in [0, C). */
fn label_of(v: f32) -> i32 {
  if (t_is_nan(v) || v < 0.0 || v >= f32(p.C) || v != floor(v)) { return -1; }
  return i32(v);
}
fn row_loss(row: u32, mx: f32, s: f32, y: i32) -> f32 {
  if (y < 0) { return t_nan(); }
  return t_log(s) - (z[row + u32(y)] - mx);
}
`;

function header(inputs: readonly string[], outputs: readonly string[]): string {
  return `${paramsStruct(SOFTMAX_PARAMS)}${storageBindings(inputs, outputs)}${WGSL_MATH}${ROW_FUNCTIONS}
var<workgroup> partial: array<vec2<f32>, ${REDUCE_WORKGROUP}>;
`;
}

const REDUCE = `  partial[li] = acc;
  workgroupBarrier();
  for (var half = ${REDUCE_WORKGROUP / 2}u; half > 0u; half = half / 2u) {
    if (li < half) { partial[li] = partial[li] + partial[li + half]; }
    workgroupBarrier();
  }`;

/** loss [batch, 1, 1] at o_* (mean over rows) and dlogits [batch, M, C] at g_*. */
export function softmaxCrossEntropyWgsl(): string {
  return `${header(['z', 'labels'], ['loss', 'dlogits'])}
@compute @workgroup_size(${REDUCE_WORKGROUP})
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_index) li: u32) {
  let r = wg.x;
  var acc = vec2<f32>(0.0, 0.0);
  let inv_m = 1.0 / f32(p.M);
  for (var m = li; m < p.M; m = m + ${REDUCE_WORKGROUP}u) {
    let row = p.z_offset + r * p.z_stride + m * p.C;
    let mx = row_max(row);
    let s = row_sum(row, mx);
    let y = label_of(labels[p.y_offset + r * p.y_stride + m]);
    acc.x = acc.x + row_loss(row, mx, s, y);
    let out = p.g_offset + r * p.g_stride + m * p.C;
    let scale = 1.0 / (s * f32(p.M));
    for (var c = 0u; c < p.C; c = c + 1u) {
      var g = t_exp(z[row + c] - mx) * scale;
      if (i32(c) == y) { g = g - inv_m; }
      dlogits[out + c] = select(g, t_nan(), y < 0);
    }
  }
${REDUCE}
  if (li == 0u) { loss[p.o_offset + r * p.o_stride] = partial[0].x * inv_m; }
}
`;
}

/** [Σ_rows loss, rows whose first maximal logit is the label] per replica at o_* (g_* unused). */
export function classificationStatsWgsl(): string {
  return `${header(['z', 'labels'], ['stats'])}
@compute @workgroup_size(${REDUCE_WORKGROUP})
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_index) li: u32) {
  let r = wg.x;
  var acc = vec2<f32>(0.0, 0.0);
  for (var m = li; m < p.M; m = m + ${REDUCE_WORKGROUP}u) {
    let row = p.z_offset + r * p.z_stride + m * p.C;
    var best = 0u;
    var mx = z[row];
    for (var c = 1u; c < p.C; c = c + 1u) {
      let v = z[row + c];
      if (v > mx) { mx = v; best = c; }
    }
    let y = label_of(labels[p.y_offset + r * p.y_stride + m]);
    acc.x = acc.x + row_loss(row, mx, row_sum(row, mx), y);
    if (y >= 0 && u32(y) == best) { acc.y = acc.y + 1.0; }
  }
${REDUCE}
  if (li == 0u) {
    stats[p.o_offset + r * p.o_stride] = partial[0].x;
    stats[p.o_offset + r * p.o_stride + 1u] = partial[0].y;
  }
}
`;
}
