// WGSL twins of the elementwise cpu kernels (activation-cpu.ts, elementwise-cpu.ts): one invocation per element of each replica.
import type { Activation } from '../types.js';
import { GELU_A, GELU_C, GELU_LIMIT } from './activation-cpu.js';
import { WGSL_MATH, f32, paramsStruct, storageBindings } from './wgsl-math.js';

/** Invocations per workgroup; the grid is (⌈n / 256⌉, batch). */
export const ELEMENTWISE_WORKGROUP = 256;

/** `fn act(x: f32) -> f32`, the activation as activation-cpu.ts defines it. */
function activationFunction(kind: Activation): string {
  switch (kind) {
    case 'relu':
      // Negative or −0, and not NaN, gives 0: by bits, since fast-math may drop NaN from max().
      return `fn act(x: f32) -> f32 {
  let b = bitcast<u32>(x);
  return select(x, 0.0, (b >> 31u) == 1u && (b & 0x7fffffffu) <= 0x7f800000u);
}`;
    case 'tanh':
      return 'fn act(x: f32) -> f32 { return t_tanh(x); }';
    case 'gelu':
      return `fn act(x: f32) -> f32 {
  if (t_is_nan(x)) { return x; }
  if (x <= ${f32(-GELU_LIMIT)}) { return 0.0; }
  if (x >= ${f32(GELU_LIMIT)}) { return x; }
  let u = ${f32(GELU_C)} * (x + ${f32(GELU_A)} * x * x * x);
  return x / (1.0 + t_exp(-2.0 * u));
}`;
    case 'square':
      return 'fn act(x: f32) -> f32 { return x * x; }';
    case 'sqrelu':
      return `fn act(x: f32) -> f32 {
  let b = bitcast<u32>(x);
  let r = select(x, 0.0, (b >> 31u) == 1u && (b & 0x7fffffffu) <= 0x7f800000u);
  return r * r;
}`;
    case 'sigmoid':
      // e = exp(−|x|) ≤ 1, so nothing overflows and no infinity enters the arithmetic.
      return `fn act(x: f32) -> f32 {
  if (t_is_nan(x)) { return x; }
  let e = t_exp(-abs(x));
  return select(e / (1.0 + e), 1.0 / (1.0 + e), (bitcast<u32>(x) >> 31u) == 0u);
}`;
  }
}

/** `fn act_grad(x: f32, dy: f32) -> f32` = dy · f'(x). */
function activationGradFunction(kind: Activation): string {
  switch (kind) {
    case 'relu':
      // x > 0 (positive, not −0, not NaN): by bits for the same reason as relu.
      return `fn act_grad(x: f32, dy: f32) -> f32 {
  let b = bitcast<u32>(x);
  return select(0.0, dy, b != 0u && b <= 0x7f800000u);
}`;
    case 'tanh':
      return `fn act_grad(x: f32, dy: f32) -> f32 {
  if (t_is_nan(x)) { return x; }
  let e = t_exp(-2.0 * abs(x));
  let d = 1.0 + e;
  return dy * ((4.0 * e) / (d * d));
}`;
    case 'gelu':
      return `fn act_grad(x: f32, dy: f32) -> f32 {
  if (t_is_nan(x)) { return x; }
  if (x <= ${f32(-GELU_LIMIT)}) { return 0.0; }
  if (x >= ${f32(GELU_LIMIT)}) { return dy; }
  let u = ${f32(GELU_C)} * (x + ${f32(GELU_A)} * x * x * x);
  let e = t_exp(-2.0 * u);
  let s = 1.0 / (1.0 + e);
  let q = 1.0 / (1.0 + 1.0 / e);
  let du = ${f32(GELU_C)} * (1.0 + ${f32(3 * GELU_A)} * x * x);
  return dy * (s + 2.0 * x * du * s * q);
}`;
    case 'square':
      return 'fn act_grad(x: f32, dy: f32) -> f32 { return dy * (2.0 * x); }';
    case 'sqrelu':
      return `fn act_grad(x: f32, dy: f32) -> f32 {
  let b = bitcast<u32>(x);
  return select(0.0, dy * (2.0 * x), b != 0u && b <= 0x7f800000u);
}`;
    case 'sigmoid':
      return `fn act_grad(x: f32, dy: f32) -> f32 {
  if (t_is_nan(x)) { return x; }
  let e = t_exp(-abs(x));
  let d = 1.0 + e;
  return dy * (e / (d * d));
}`;
  }
}

const MAP_PARAMS = ['n', 'a_offset', 'a_stride', 'b_offset', 'b_stride', 'o_offset', 'o_stride'];
const LANES = ['x', 'y', 'z', 'w'];

/**
 * out = f(a[, b]) elementwise, for one replica per grid row y. With `vec4`, every operand is read
 * and written four elements at a time (offsets, strides and n then count vec4s): llvmpipe moves
 * a vec4 for about the cost of one float (measured 2.3 against 4–7 ns per element for relu).
 */
function mapKernel(inputs: readonly string[], functions: string, f: (a: string, b: string) => string, vec4: boolean, extra: readonly string[] = []): string {
  const value = vec4
    ? `vec4<f32>(${LANES.map((l) => f(`va.${l}`, `vb.${l}`)).join(', ')})`
    : f('va', 'vb');
  return `${paramsStruct([...MAP_PARAMS, ...extra])}${storageBindings(inputs, ['out'], vec4 ? [...inputs, 'out'] : [])}${WGSL_MATH}${functions}
@compute @workgroup_size(${ELEMENTWISE_WORKGROUP})
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let e = gid.x;
  if (e >= p.n) { return; }
  let r = gid.y;
  let va = a[p.a_offset + r * p.a_stride + e];
${inputs.includes('b') ? '  let vb = b[p.b_offset + r * p.b_stride + e];\n' : ''}  out[p.o_offset + r * p.o_stride + e] = ${value};
}
`;
}

export function addWgsl(vec4: boolean): string {
  return mapKernel(['a', 'b'], '', (a, b) => `${a} + ${b}`, vec4);
}

export function mulWgsl(vec4: boolean): string {
  return mapKernel(['a', 'b'], '', (a, b) => `${a} * ${b}`, vec4);
}

/** out = c · a, c's f32 bits in the parameter after the map's (not counted in vec4s). */
export function scaleWgsl(vec4: boolean): string {
  return mapKernel(['a'], '', (a) => `bitcast<f32>(p.c_bits) * ${a}`, vec4, ['c_bits']);
}

/** Reads x at a_*; b_* is unused. */
export function activationWgsl(kind: Activation, vec4: boolean): string {
  return mapKernel(['a'], activationFunction(kind), (x) => `act(${x})`, vec4);
}

/** x at a_*, dy at b_*. */
export function activationGradWgsl(kind: Activation, vec4: boolean): string {
  return mapKernel(['a', 'b'], activationGradFunction(kind), (x, dy) => `act_grad(${x}, ${dy})`, vec4);
}

export const ADD_BIAS_PARAMS = ['n', 'cols', 'x_offset', 'x_stride', 'b_offset', 'b_stride', 'o_offset', 'o_stride'];

/** out[i][j] = x[i][j] + bias[j]. */
export function addBiasWgsl(): string {
  return `${paramsStruct(ADD_BIAS_PARAMS)}${storageBindings(['x', 'bias'], ['out'])}
@compute @workgroup_size(${ELEMENTWISE_WORKGROUP})
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let e = gid.x;
  if (e >= p.n) { return; }
  let r = gid.y;
  out[p.o_offset + r * p.o_stride + e] = x[p.x_offset + r * p.x_stride + e] + bias[p.b_offset + r * p.b_stride + e % p.cols];
}
`;
}

/** Invocations per workgroup of the vec4 addBias: one per 4 columns; grid (⌈cols / 4 / 16⌉, batch). */
export const ADD_BIAS_QUADS_WORKGROUP = 16;

/**
 * addBias with x and out read as vec4s (n = rows, cols = vec4s per row; x_*, o_* count vec4s, the
 * bias's b_* floats): one invocation per 4 columns loads its 4 bias values once and walks the rows.
 */
export function addBiasVec4Wgsl(): string {
  return `${paramsStruct(ADD_BIAS_PARAMS)}${storageBindings(['x', 'bias'], ['out'], ['x', 'out'])}
@compute @workgroup_size(${ADD_BIAS_QUADS_WORKGROUP})
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let q = gid.x;
  if (q >= p.cols) { return; }
  let r = gid.y;
  let j = p.b_offset + r * p.b_stride + 4u * q;
  let b = vec4<f32>(bias[j], bias[j + 1u], bias[j + 2u], bias[j + 3u]);
  let xs = p.x_offset + r * p.x_stride + q;
  let os = p.o_offset + r * p.o_stride + q;
  for (var i = 0u; i < p.n; i = i + 1u) { out[os + i * p.cols] = x[xs + i * p.cols] + b; }
}
`;
}
