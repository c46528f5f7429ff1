// WGSL helpers shared by the tensor kernels: float literals, parameter structs, NaN tests by bits, and exp/log/tanh from + − × ÷.
//
// Mesa's shader compiler (llvmpipe) compiles with fast-math: it may assume no NaN (so x != x is
// folded to false) and its built-in exp/tanh lose relative accuracy. So non-finite tests look at
// the bits, and exp, log and tanh are written out: exp by Cody–Waite reduction (x = k ln2 + r,
// ln2 split so k·ln2_hi is exact) and a degree-7 Taylor polynomial on |r| ≤ ln2/2; log by
// 2·atanh((m − 1)/(m + 1)) on the mantissa m ∈ [√½, √2); tanh by its odd Taylor series below
// 0.55 and (1 − e)/(1 + e), e = exp(−2|x|), above. Each is within a few float32 ulps.

/** A float as a WGSL f32 literal that round-trips (always with a decimal point or exponent). */
export function f32(x: number): string {
  if (!Number.isFinite(x)) throw new RangeError(`f32 literal: ${x} is not finite`);
  const text = String(Math.fround(x));
  return /[.e]/.test(text) ? text : `${text}.0`;
}

const bitsView = new DataView(new ArrayBuffer(4));

/** The bits of x rounded to float32, as a u32 parameter (kernels bitcast it back). */
export function f32Bits(x: number): number {
  bitsView.setFloat32(0, x, true);
  return bitsView.getUint32(0, true);
}

/** `struct Params` of u32 fields, bound at @group(1) @binding(0); f32 values travel as bits. */
export function paramsStruct(fields: readonly string[]): string {
  return `struct Params {\n${fields.map((f) => `  ${f}: u32,`).join('\n')}\n}\n@group(1) @binding(0) var<uniform> p: Params;\n`;
}

/**
 * Storage bindings of group 0: inputs read-only, then outputs read_write. Dawn rejects one buffer
 * at two bindings when either is writable, so inputs may share a buffer but an output may not
 * share one with anything (the backend copies such an input aside first). Names in `vec4` are
 * arrays of vec4<f32> (their offsets and strides then count vec4s).
 */
export function storageBindings(inputs: readonly string[], outputs: readonly string[], vec4: readonly string[] = []): string {
  const type = (n: string) => (vec4.includes(n) ? 'array<vec4<f32>>' : 'array<f32>');
  const lines = [
    ...inputs.map((n, i) => `@group(0) @binding(${i}) var<storage, read> ${n}: ${type(n)};`),
    ...outputs.map((n, i) => `@group(0) @binding(${inputs.length + i}) var<storage, read_write> ${n}: ${type(n)};`),
  ];
  return lines.join('\n') + '\n';
}

const LN2_HI = 0.693145751953125; // 0x3f317200: its low 9 mantissa bits are 0, so k·LN2_HI is exact for |k| < 512
const LN2_LO = Math.LN2 - LN2_HI;
const EXP_TAYLOR = [1, 1, 1 / 2, 1 / 6, 1 / 24, 1 / 120, 1 / 720, 1 / 5040];
const LOG_SERIES = [1, 1 / 3, 1 / 5, 1 / 7, 1 / 9];
/** tanh x = x (1 + Σ c_k x^{2k}): the Taylor coefficients, enough for 0.5 ulp at |x| < 0.55. */
const TANH_TAYLOR = [
  1, -1 / 3, 2 / 15, -17 / 315, 62 / 2835, -1382 / 155925, 21844 / 6081075, -929569 / 638512875, 6404582 / 10854718875,
];

/** c[0] + z (c[1] + z (c[2] + …)) as WGSL. */
function horner(z: string, c: readonly number[]): string {
  return c.reduceRight((inner, ck, k) => (k === c.length - 1 ? f32(ck) : `(${f32(ck)} + ${z} * ${inner})`), '');
}

export const WGSL_MATH = `
// Private variables, not constants: WGSL rejects a constant expression that evaluates to NaN or ±Inf.
var<private> T_NAN_BITS: u32 = 0x7fc00000u;
var<private> T_INF_BITS: u32 = 0x7f800000u;
fn t_is_nan(x: f32) -> bool { return (bitcast<u32>(x) & 0x7fffffffu) > 0x7f800000u; }
fn t_is_non_finite(x: f32) -> bool { return (bitcast<u32>(x) & 0x7f800000u) == 0x7f800000u; }
fn t_nan() -> f32 { return bitcast<f32>(T_NAN_BITS); }
fn t_pow2(k: i32) -> f32 { return bitcast<f32>(u32(k + 127) << 23u); }
fn t_exp(x: f32) -> f32 {
  if (t_is_nan(x)) { return x; }
  if (x > ${f32(88.72283)}) { return bitcast<f32>(T_INF_BITS); }
  if (x < ${f32(-103.97208)}) { return 0.0; }
  let k = round(x * ${f32(Math.LOG2E)});
  let r = (x - k * ${f32(LN2_HI)}) - k * ${f32(LN2_LO)};
  let e = ${horner('r', EXP_TAYLOR)};
  // 2^k in two factors, each a normal power of two, so k down to -150 gives subnormals, not garbage.
  let ki = i32(k);
  let h = ki / 2;
  return (e * t_pow2(h)) * t_pow2(ki - h);
}
fn t_log(x: f32) -> f32 {
  let bits = bitcast<u32>(x);
  var e = i32((bits >> 23u) & 0xffu) - 127;
  var m = bitcast<f32>((bits & 0x007fffffu) | 0x3f800000u);
  if (m > ${f32(Math.SQRT2)}) { m = m * 0.5; e = e + 1; }
  let s = (m - 1.0) / (m + 1.0);
  let z = s * s;
  let l = 2.0 * s * ${horner('z', LOG_SERIES)};
  return f32(e) * ${f32(LN2_HI)} + (l + f32(e) * ${f32(LN2_LO)});
}
fn t_tanh(x: f32) -> f32 {
  if (t_is_nan(x)) { return x; }
  let a = abs(x);
  var r = 1.0;
  if (a < 0.55) {
    let z = a * a;
    r = a * ${horner('z', TANH_TAYLOR)};
  } else if (a < 9.1) {
    let e = t_exp(-2.0 * a);
    r = (1.0 - e) / (1.0 + e);
  }
  return select(r, -r, (bitcast<u32>(x) >> 31u) == 1u);
}
`;
