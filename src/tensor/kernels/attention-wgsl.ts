// WGSL twins of attention-cpu.ts: scores and softmax per query row, the weighted sums (mix, mixᵀ), and the score gradient.
//
// Every kernel binds at most 4 storage buffers (WebGPU compatibility mode's minimum limit).
// Rows of q, k, v [B·T, D]: sequence b, position t is row b·T + t; head h owns columns h·dh …
// probs and ds [B·H·T, T]: row (b·H + h)·T + t. Grid: (⌈items / 64⌉, batch), one replica per y.
import { WGSL_MATH, paramsStruct, storageBindings } from './wgsl-math.js';

export const ATTENTION_WORKGROUP = 64;

const DIMS = ['B', 'T', 'H', 'dh', 'D'];
export const ATTENTION_SCORES_PARAMS = [...DIMS, 'q_offset', 'q_stride', 'k_offset', 'k_stride', 'p_offset', 'p_stride', 'scale_bits'];
export const ATTENTION_MIX_PARAMS = [...DIMS, 'w_offset', 'w_stride', 'x_offset', 'x_stride', 'y_offset', 'y_stride', 'c_bits'];
export const ATTENTION_SCORE_GRAD_PARAMS = [...DIMS, 'v_offset', 'v_stride', 'p_offset', 'p_stride', 'g_offset', 'g_stride', 's_offset', 's_stride'];

/** One invocation per query row: (b, h, t) from the row index, and where its q row and probs row start. */
const ROW = `  let row = gid.x;
  if (row >= p.B * p.H * p.T) { return; }
  let r = gid.y;
  let t = row % p.T;
  let h = (row / p.T) % p.H;
  let b = row / (p.T * p.H);
  let seq_row = b * p.T;
  let col = h * p.dh;`;

/** probs[row][j] = softmax_j(q_t · k_j · scale) for j ≤ t, else 0. */
export function attentionScoresWgsl(): string {
  return `${paramsStruct(ATTENTION_SCORES_PARAMS)}${storageBindings(['q', 'k'], ['probs'])}${WGSL_MATH}
@compute @workgroup_size(${ATTENTION_WORKGROUP})
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
${ROW}
  let scale = bitcast<f32>(p.scale_bits);
  let qr = p.q_offset + r * p.q_stride + (seq_row + t) * p.D + col;
  let kb = p.k_offset + r * p.k_stride + seq_row * p.D + col;
  let pr = p.p_offset + r * p.p_stride + row * p.T;
  var mx = -3.4028234e38;
  for (var j = 0u; j <= t; j = j + 1u) {
    var s = 0.0;
    for (var d = 0u; d < p.dh; d = d + 1u) { s = s + q[qr + d] * k[kb + j * p.D + d]; }
    s = s * scale;
    probs[pr + j] = s;
    mx = max(mx, s);
  }
  var sum = 0.0;
  for (var j = 0u; j <= t; j = j + 1u) {
    let e = t_exp(probs[pr + j] - mx);
    probs[pr + j] = e;
    sum = sum + e;
  }
  let inv = 1.0 / sum;
  for (var j = 0u; j <= t; j = j + 1u) { probs[pr + j] = probs[pr + j] * inv; }
  for (var j = t + 1u; j < p.T; j = j + 1u) { probs[pr + j] = 0.0; }
}
`;
}

/**
 * One invocation per output element (row, column), columns fastest so neighbours read neighbouring x:
 *   mix:  y[b·T + t][col] = c · Σ_{j ≤ t} w[(b·H + h)·T + t][j] · x[b·T + j][col]
 *   mixᵀ: y[b·T + j][col] = c · Σ_{t ≥ j} w[(b·H + h)·T + t][j] · x[b·T + t][col]
 */
export function attentionMixWgsl(transposed: boolean): string {
  const loop = transposed
    ? `  for (var t = i; t < p.T; t = t + 1u) { acc = acc + w[wb + t * p.T + i] * x[xb + t * p.D]; }`
    : `  for (var j = 0u; j <= i; j = j + 1u) { acc = acc + w[wb + i * p.T + j] * x[xb + j * p.D]; }`;
  return `${paramsStruct(ATTENTION_MIX_PARAMS)}${storageBindings(['w', 'x'], ['y'])}
@compute @workgroup_size(${ATTENTION_WORKGROUP})
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let e = gid.x;
  if (e >= p.B * p.T * p.D) { return; }
  let r = gid.y;
  let out_row = e / p.D;
  let c = e % p.D;
  let i = out_row % p.T;
  let b = out_row / p.T;
  let h = c / p.dh;
  let wb = p.w_offset + r * p.w_stride + (b * p.H + h) * p.T * p.T;
  let xb = p.x_offset + r * p.x_stride + b * p.T * p.D + c;
  var acc = 0.0;
${loop}
  y[p.y_offset + r * p.y_stride + e] = bitcast<f32>(p.c_bits) * acc;
}
`;
}

/** ds[row][j] = probs[row][j] · (dOut_t · v_j − Σ_j' probs[row][j'] dOut_t · v_j') for j ≤ t, else 0. */
export function attentionScoreGradWgsl(): string {
  return `${paramsStruct(ATTENTION_SCORE_GRAD_PARAMS)}${storageBindings(['v', 'probs', 'dout'], ['ds'])}
@compute @workgroup_size(${ATTENTION_WORKGROUP})
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
${ROW}
  let gr = p.g_offset + r * p.g_stride + (seq_row + t) * p.D + col;
  let vb = p.v_offset + r * p.v_stride + seq_row * p.D + col;
  let pr = p.p_offset + r * p.p_stride + row * p.T;
  let sr = p.s_offset + r * p.s_stride + row * p.T;
  var total = 0.0;
  for (var j = 0u; j <= t; j = j + 1u) {
    var dp = 0.0;
    for (var d = 0u; d < p.dh; d = d + 1u) { dp = dp + dout[gr + d] * v[vb + j * p.D + d]; }
    ds[sr + j] = dp;
    total = total + probs[pr + j] * dp;
  }
  for (var j = 0u; j <= t; j = j + 1u) { ds[sr + j] = probs[pr + j] * (ds[sr + j] - total); }
  for (var j = t + 1u; j < p.T; j = j + 1u) { ds[sr + j] = 0.0; }
}
`;
}
