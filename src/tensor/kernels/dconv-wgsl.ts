// WGSL twins of dconv-cpu.ts: the causal depthwise convolution, its input gradient and its taps gradient.
//
// x, y, dx [B·T, D] (one sequence per T rows), taps [W, D]. Grid (⌈items / 64⌉, batch).
import { paramsStruct, storageBindings } from './wgsl-math.js';

export const DCONV_WORKGROUP = 64;
export const DCONV_PARAMS = ['N', 'T', 'D', 'W', 'a_offset', 'a_stride', 'b_offset', 'b_stride', 'o_offset', 'o_stride'];

function elementKernel(inputs: readonly [string, string], body: string): string {
  return `${paramsStruct(DCONV_PARAMS)}${storageBindings(inputs, ['out'])}
@compute @workgroup_size(${DCONV_WORKGROUP})
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let e = gid.x;
  if (e >= p.N * p.D) { return; }
  let r = gid.y;
  let n = e / p.D;
  let c = e % p.D;
  let t = n % p.T;
  let ab = p.a_offset + r * p.a_stride;
  let bb = p.b_offset + r * p.b_stride;
  var acc = 0.0;
${body}
  out[p.o_offset + r * p.o_stride + e] = acc;
}
`;
}

/** y_t = Σ_{j < W, j ≤ t} taps_j ⊙ x_{t−j}: x at a_*, taps at b_*. */
export function dconvWgsl(): string {
  return elementKernel(['x', 'taps'], `  let reach = min(p.W - 1u, t);
  for (var j = 0u; j <= reach; j = j + 1u) { acc = acc + taps[bb + j * p.D + c] * x[ab + e - j * p.D]; }`);
}

/** dx_t = Σ_{j < W, t + j < T} taps_j ⊙ dy_{t+j}: taps at a_*, dy at b_*. */
export function dconvGradInputWgsl(): string {
  return elementKernel(['taps', 'dy'], `  let reach = min(p.W - 1u, p.T - 1u - t);
  for (var j = 0u; j <= reach; j = j + 1u) { acc = acc + taps[ab + j * p.D + c] * dy[bb + e + j * p.D]; }`);
}

/** dtaps[j][c] = Σ_rows n with n mod T ≥ j of dy[n][c] · x[n − j][c], rows in order: x at a_*, dy at b_*; one invocation per (j, c). */
export function dconvGradTapsWgsl(): string {
  return `${paramsStruct(DCONV_PARAMS)}${storageBindings(['x', 'dy'], ['out'])}
@compute @workgroup_size(${DCONV_WORKGROUP})
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let e = gid.x;
  if (e >= p.W * p.D) { return; }
  let r = gid.y;
  let j = e / p.D;
  let c = e % p.D;
  let xb = p.a_offset + r * p.a_stride + c;
  let gb = p.b_offset + r * p.b_stride + c;
  var acc = 0.0;
  // Sequence by sequence rather than n mod T per row: llvmpipe divides one SIMD lane at a time.
  for (var s = 0u; s < p.N; s = s + p.T) {
    for (var n = s + j; n < s + p.T; n = n + 1u) { acc = acc + dy[gb + n * p.D] * x[xb + (n - j) * p.D]; }
  }
  out[p.o_offset + r * p.o_stride + e] = acc;
}
`;
}
