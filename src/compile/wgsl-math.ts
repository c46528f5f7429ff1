// WGSL helper functions that give the language's float32 meaning (semantics.ts) on the GPU.
//
// Mesa's built-in transcendentals (the llvmpipe route) lose relative accuracy near zero (tanh of
// 1e-20 gives 3e-8), mishandle NaN (tanh(NaN) = -1) and are poor in places (atan: 350 ulp, asin:
// 7000 ulp). Optimizer inputs are often tiny gradients, so each function here is written from
// +, -, *, / and sqrt, which llvmpipe computes exactly rounded, with the classic reductions
// (Cody–Waite for exp, fdlibm's log1p kernel, Cephes' atan/asin polynomials). Only sin, cos and
// tan use the built-ins, which are within 2 ulp for |x| < 1e4 there. Operand barriers (oa, ob, oc;
// see wgsl-literals.ts) keep the shader compiler from re-associating what is written here.
import { f32Literal as L, splitConstant } from './wgsl-literals.js';

export interface MathFunction {
  /** Other helpers this one calls (names of this table; a test checks they exist). */
  readonly uses: readonly string[];
  readonly wgsl: string;
}

const LN2 = splitConstant(Math.LN2);
const LOG10_2 = splitConstant(Math.log10(2));
const LOG2E = L(Math.LOG2E);
const MIN_NORMAL = L(2 ** -126);

/** Horner evaluation of c[0] + z*(c[1] + z*(c[2] + ...)), innermost last. */
function horner(z: string, coefficients: readonly number[]): string {
  return coefficients.reduceRight((inner, c, i) => (i === coefficients.length - 1 ? L(c) : `(${L(c)} + ${z} * ${inner})`), '');
}

/** 1/2, 1/6, ... 1/40320: e^r - 1 = r + r^2 * (1/2 + r/6 + ...), truncation below 1e-9 for |r| <= ln2/2. */
const EXPM1_TAYLOR = [2, 6, 24, 120, 720, 5040, 40320].map((k) => 1 / k);
/** 2/3, 2/5, ...: log(1+f) = 2 atanh(s), s = f/(2+f), |s| <= 0.172. */
const LOG_SERIES = [3, 5, 7, 9, 11].map((k) => 2 / k);
/** Cephes asinf and atanf minimax coefficients (IEEE single, peak relative error ~2.5e-7). */
const ASIN_POLY = [1.6666752422e-1, 7.4953002686e-2, 4.5470025998e-2, 2.4181311049e-2, 4.2163199048e-2];
const ATAN_POLY = [-3.33329491539e-1, 1.99777106478e-1, -1.38776856032e-1, 8.05374449538e-2];

const F = {
  m_isnan: { uses: [], wgsl: `fn m_isnan(x: f32) -> bool { return (bitcast<u32>(x) & 0x7fffffffu) > 0x7f800000u; }` },
  m_isinf: { uses: [], wgsl: `fn m_isinf(x: f32) -> bool { return (bitcast<u32>(x) & 0x7fffffffu) == 0x7f800000u; }` },
  m_nan: { uses: [], wgsl: `fn m_nan() -> f32 { return ${L(NaN)}; }` },
  m_inf: { uses: [], wgsl: `fn m_inf() -> f32 { return ${L(Infinity)}; }` },
  m_div: {
    uses: [],
    wgsl: `// x / y, and 0 where y is ±0 (the language's protected division).
fn m_div(x: f32, y: f32) -> f32 { return select(x / y, ${L(0)}, y == ${L(0)}); }`,
  },
  m_max: {
    uses: ['m_isnan', 'm_nan'],
    wgsl: `fn m_max(x: f32, y: f32) -> f32 { return select(select(y, x, x > y), m_nan(), m_isnan(x) || m_isnan(y)); }`,
  },
  m_min: {
    uses: ['m_isnan', 'm_nan'],
    wgsl: `fn m_min(x: f32, y: f32) -> f32 { return select(select(y, x, x < y), m_nan(), m_isnan(x) || m_isnan(y)); }`,
  },
  m_clip: { uses: ['m_min', 'm_max'], wgsl: `fn m_clip(x: f32, c: f32) -> f32 { let b = abs(c); return m_min(m_max(x, -b), b); }` },
  m_sign: {
    uses: ['m_isnan'],
    wgsl: `fn m_sign(x: f32) -> f32 {
  return select(select(select(${L(0)}, ${L(-1)}, x < ${L(0)}), ${L(1)}, x > ${L(0)}), x, m_isnan(x));
}`,
  },
  m_interp: {
    uses: [],
    wgsl: `// (1 - t) * a + t * b, rounded after each of the four operations.
fn m_interp(a: f32, b: f32, t: f32) -> f32 { return oa(oa(${L(1)} - t) * a) + ob(t * b); }`,
  },
  m_cube: { uses: [], wgsl: `fn m_cube(x: f32) -> f32 { return oa(x * x) * x; }` },
  m_pow2i: {
    uses: [],
    wgsl: `// 2^j for j in [-126, 127].
fn m_pow2i(j: i32) -> f32 { return bitcast<f32>(u32(j + 127) << 23u); }`,
  },
  m_ldexp: {
    uses: ['m_pow2i'],
    wgsl: `// x * 2^k for k in [-252, 254], in two exact steps so results may be subnormal or overflow.
fn m_ldexp(x: f32, k: i32) -> f32 { let h = k / 2; return oa(x * m_pow2i(h)) * m_pow2i(k - h); }`,
  },
  m_expm1_poly: {
    uses: [],
    wgsl: `// e^r - 1 for |r| <= ln2/2, about 1 ulp.
fn m_expm1_poly(r: f32) -> f32 { return r + oa(r * r) * ${horner('r', EXPM1_TAYLOR)}; }`,
  },
  m_exp: {
    uses: ['m_isnan', 'm_inf', 'm_ldexp', 'm_expm1_poly'],
    wgsl: `// e^x = 2^k e^r with r = x - k ln2 (ln2 in two parts, the first exact in k * ln2_hi).
fn m_exp(x: f32) -> f32 {
  if (m_isnan(x)) { return x; }
  if (x > ${L(89)}) { return m_inf(); }
  if (x < ${L(-104)}) { return ${L(0)}; }
  let k = round(x * ${LOG2E});
  let r = oa(x - oa(k * ${L(LN2.hi)})) - ob(k * ${L(LN2.lo)});
  return m_ldexp(${L(1)} + m_expm1_poly(r), i32(k));
}`,
  },
  m_exp2: {
    uses: ['m_isnan', 'm_inf', 'm_ldexp', 'm_expm1_poly'],
    wgsl: `fn m_exp2(x: f32) -> f32 {
  if (m_isnan(x)) { return x; }
  if (x > ${L(129)}) { return m_inf(); }
  if (x < ${L(-151)}) { return ${L(0)}; }
  let k = round(x);
  return m_ldexp(${L(1)} + m_expm1_poly(oa(oa(x - k) * ${L(Math.LN2)})), i32(k));
}`,
  },
  m_exp10: {
    uses: ['m_isnan', 'm_inf', 'm_ldexp', 'm_expm1_poly'],
    wgsl: `// 10^x = 2^k 10^r with r = x - k log10(2), |r| <= 0.151.
fn m_exp10(x: f32) -> f32 {
  if (m_isnan(x)) { return x; }
  if (x > ${L(39)}) { return m_inf(); }
  if (x < ${L(-46)}) { return ${L(0)}; }
  let k = round(x * ${L(Math.log2(10))});
  let r = oa(x - oa(k * ${L(LOG10_2.hi)})) - ob(k * ${L(LOG10_2.lo)});
  return m_ldexp(${L(1)} + m_expm1_poly(oa(r * ${L(Math.LN10)})), i32(k));
}`,
  },
  m_expm1: {
    uses: ['m_isnan', 'm_inf', 'm_ldexp', 'm_pow2i', 'm_expm1_poly'],
    wgsl: `// e^x - 1 = 2^k (e^r - 1) + (2^k - 1): no cancellation for small |x|.
fn m_expm1(x: f32) -> f32 {
  if (m_isnan(x)) { return x; }
  if (x > ${L(89)}) { return m_inf(); }
  if (x < ${L(-18)}) { return ${L(-1)}; }
  let k = round(x * ${LOG2E});
  if (k == ${L(0)}) { return m_expm1_poly(x); }
  let r = oa(x - oa(k * ${L(LN2.hi)})) - ob(k * ${L(LN2.lo)});
  let e = m_expm1_poly(r);
  let ik = i32(k);
  if (ik > 24) { return m_ldexp(${L(1)} + e, ik) - ${L(1)}; }
  return oa(m_ldexp(e, ik)) + ob(m_pow2i(ik) - ${L(1)});
}`,
  },
  m_log1p_core: {
    uses: [],
    wgsl: `// log(1 + f) for f in [-0.293, 0.415], fdlibm's form: f - (f^2/2 - s (f^2/2 + R)).
fn m_log1p_core(f: f32) -> f32 {
  let s = f / oa(${L(2)} + f);
  let z = oa(s * s);
  let r = z * ${horner('z', LOG_SERIES)};
  let hfsq = oa(${L(0.5)} * f) * f;
  return f - oa(hfsq - oa(s * oa(hfsq + r)));
}`,
  },
  m_log_parts: {
    uses: ['m_log1p_core'],
    wgsl: `// |x| = 2^e (1 + f) with 1 + f in [sqrt(1/2), sqrt(2)); returns (e, log(1 + f)). x finite, nonzero.
fn m_log_parts(x: f32) -> vec2<f32> {
  var a = abs(x);
  var e = ${L(0)};
  if (a < ${MIN_NORMAL}) { a = a * ${L(2 ** 24)}; e = ${L(-24)}; }
  let u = bitcast<u32>(a);
  e = e + f32(i32(u >> 23u) - 127);
  var m = bitcast<f32>((u & 0x007fffffu) | 0x3f800000u);
  if (m > ${L(Math.SQRT2)}) { m = m * ${L(0.5)}; e = e + ${L(1)}; }
  return vec2<f32>(e, m_log1p_core(oa(m - ${L(1)})));
}`,
  },
  m_log_abs: {
    uses: ['m_isnan', 'm_isinf', 'm_inf', 'm_log_parts'],
    wgsl: `fn m_log_abs(x: f32) -> f32 {
  let a = abs(x);
  if (m_isnan(a) || m_isinf(a)) { return a; }
  if (a == ${L(0)}) { return -m_inf(); }
  let p = m_log_parts(a);
  return oa(p.x * ${L(LN2.hi)}) + ob(p.y + oc(p.x * ${L(LN2.lo)}));
}`,
  },
  m_log2_abs: {
    uses: ['m_isnan', 'm_isinf', 'm_inf', 'm_log_parts'],
    wgsl: `fn m_log2_abs(x: f32) -> f32 {
  let a = abs(x);
  if (m_isnan(a) || m_isinf(a)) { return a; }
  if (a == ${L(0)}) { return -m_inf(); }
  let p = m_log_parts(a);
  return oa(p.x) + ob(p.y * ${LOG2E});
}`,
  },
  m_log10_abs: {
    uses: ['m_isnan', 'm_isinf', 'm_inf', 'm_log_parts'],
    wgsl: `fn m_log10_abs(x: f32) -> f32 {
  let a = abs(x);
  if (m_isnan(a) || m_isinf(a)) { return a; }
  if (a == ${L(0)}) { return -m_inf(); }
  let p = m_log_parts(a);
  return oa(p.x * ${L(LOG10_2.hi)}) + ob(oa(p.y * ${L(Math.LOG10E)}) + oc(p.x * ${L(LOG10_2.lo)}));
}`,
  },
  m_log1p: {
    uses: ['m_log_abs', 'm_log1p_core'],
    wgsl: `// log|1 + x|: the series near 0, log(-1 - x) below -1.
fn m_log1p(x: f32) -> f32 {
  if (x < ${L(-1)}) { return m_log_abs(oa(${L(-1)}) - ob(x)); }
  if (x > ${L(-0.2928)} && x < ${L(0.4142)}) { return m_log1p_core(x); }
  return m_log_abs(oa(${L(1)}) + ob(x));
}`,
  },
  m_pow: {
    uses: ['m_isnan', 'm_isinf', 'm_nan', 'm_inf', 'm_exp2', 'm_log2_abs'],
    wgsl: `// |x| ** y with JavaScript's Math.pow rules at the edges (1 ** NaN is NaN, NaN ** 0 is 1).
fn m_pow(x: f32, y: f32) -> f32 {
  let a = abs(x);
  if (m_isnan(y)) { return y; }
  if (y == ${L(0)}) { return ${L(1)}; }
  if (m_isnan(a)) { return a; }
  if (m_isinf(y)) {
    if (a == ${L(1)}) { return m_nan(); }
    return select(${L(0)}, m_inf(), (a > ${L(1)}) == (y > ${L(0)}));
  }
  if (a == ${L(0)}) { return select(m_inf(), ${L(0)}, y > ${L(0)}); }
  if (m_isinf(a)) { return select(${L(0)}, m_inf(), y > ${L(0)}); }
  return m_exp2(oa(y * m_log2_abs(a)));
}`,
  },
  m_cbrt: {
    uses: ['m_isnan', 'm_isinf', 'm_exp2', 'm_log2_abs'],
    wgsl: `// 2^(log2|x| / 3) and one Newton step r + (a / r^2 - r) / 3.
fn m_cbrt(x: f32) -> f32 {
  let a = abs(x);
  if (a == ${L(0)} || m_isinf(a) || m_isnan(a)) { return x; }
  let r0 = m_exp2(oa(m_log2_abs(a) * ${L(1 / 3)}));
  let r = oa(r0) + ob(oa(oa(a / oa(r0 * r0)) - r0) * ${L(1 / 3)});
  return select(r, -r, x < ${L(0)});
}`,
  },
  m_trig_guard: {
    uses: ['m_isnan', 'm_isinf', 'm_nan'],
    wgsl: `// sin, cos, tan of NaN or ±Inf are NaN; the built-ins are not relied on for that.
fn m_trig_guard(x: f32, y: f32) -> f32 { return select(y, m_nan(), m_isnan(x) || m_isinf(x)); }`,
  },
  m_asin_core: {
    uses: [],
    wgsl: `// asin(x) for |x| <= 0.5 (Cephes asinf).
fn m_asin_core(x: f32) -> f32 { let z = oa(x * x); return x + oa(x * z) * ${horner('z', ASIN_POLY)}; }`,
  },
  m_asin: {
    uses: ['m_isnan', 'm_nan', 'm_asin_core'],
    wgsl: `fn m_asin(x: f32) -> f32 {
  let a = abs(x);
  if (m_isnan(a) || a > ${L(1)}) { return m_nan(); }
  var r = m_asin_core(a);
  if (a > ${L(0.5)}) { r = ${L(Math.PI / 2)} - oa(${L(2)} * m_asin_core(sqrt(oa(${L(0.5)} * oa(${L(1)} - a))))); }
  return select(r, -r, x < ${L(0)});
}`,
  },
  m_acos: {
    uses: ['m_isnan', 'm_nan', 'm_asin_core'],
    wgsl: `fn m_acos(x: f32) -> f32 {
  if (m_isnan(x) || abs(x) > ${L(1)}) { return m_nan(); }
  if (x < ${L(-0.5)}) { return ${L(Math.PI)} - oa(${L(2)} * m_asin_core(sqrt(oa(${L(0.5)} * oa(${L(1)} + x))))); }
  if (x > ${L(0.5)}) { return ${L(2)} * m_asin_core(sqrt(oa(${L(0.5)} * oa(${L(1)} - x)))); }
  return ${L(Math.PI / 2)} - oa(m_asin_core(x));
}`,
  },
  m_atan: {
    uses: ['m_isnan'],
    wgsl: `// Cephes atanf: reduce to |t| <= tan(pi/8), then an odd polynomial.
fn m_atan(x: f32) -> f32 {
  if (m_isnan(x)) { return x; }
  var t = abs(x);
  var base = ${L(0)};
  if (t > ${L(1 + Math.SQRT2)}) { base = ${L(Math.PI / 2)}; t = ${L(-1)} / t; }
  else if (t > ${L(Math.SQRT2 - 1)}) { base = ${L(Math.PI / 4)}; t = oa(t - ${L(1)}) / ob(t + ${L(1)}); }
  let z = oa(t * t);
  let r = oa(base) + ob(t + oa(oa(t * z) * ${horner('z', ATAN_POLY)}));
  return select(r, -r, x < ${L(0)});
}`,
  },
  m_sinh: {
    uses: ['m_isnan', 'm_expm1', 'm_exp'],
    wgsl: `fn m_sinh(x: f32) -> f32 {
  let a = abs(x);
  if (m_isnan(a)) { return x; }
  var r: f32;
  if (a < ${L(1)}) { let e = m_expm1(a); r = ${L(0.5)} * oa(oa(e) + ob(e / oa(e + ${L(1)}))); }
  else if (a < ${L(9)}) { let e = m_exp(a); r = ${L(0.5)} * oa(oa(e) - ob(${L(1)} / e)); }
  else { let h = m_exp(${L(0.5)} * a); r = oa(${L(0.5)} * h) * h; }
  return select(r, -r, x < ${L(0)});
}`,
  },
  m_cosh: {
    uses: ['m_isnan', 'm_exp'],
    wgsl: `fn m_cosh(x: f32) -> f32 {
  let a = abs(x);
  if (m_isnan(a)) { return a; }
  if (a < ${L(9)}) { let e = m_exp(a); return ${L(0.5)} * oa(oa(e) + ob(${L(1)} / e)); }
  let h = m_exp(${L(0.5)} * a);
  return oa(${L(0.5)} * h) * h;
}`,
  },
  m_tanh: {
    uses: ['m_isnan', 'm_expm1'],
    wgsl: `// tanh|x| = e / (e + 2) with e = expm1(2|x|); 1 beyond 9, where tanh rounds to 1.
fn m_tanh(x: f32) -> f32 {
  let a = abs(x);
  if (m_isnan(a)) { return x; }
  var r = ${L(1)};
  if (a < ${L(9)}) { let e = m_expm1(a + a); r = e / oa(e + ${L(2)}); }
  return select(r, -r, x < ${L(0)});
}`,
  },
  m_asinh: {
    uses: ['m_isnan', 'm_log_abs', 'm_log1p'],
    wgsl: `fn m_asinh(x: f32) -> f32 {
  let a = abs(x);
  if (m_isnan(a)) { return x; }
  var r: f32;
  if (a > ${L(4096)}) { r = oa(m_log_abs(a)) + ob(${L(Math.LN2)}); }
  else if (a > ${L(2)}) { r = m_log_abs(oa(a + a) + ob(${L(1)} / oa(sqrt(oa(a * a) + ${L(1)}) + a))); }
  else { let t = oa(a * a); r = m_log1p(oa(a) + ob(t / oa(${L(1)} + sqrt(${L(1)} + t)))); }
  return select(r, -r, x < ${L(0)});
}`,
  },
  m_acosh: {
    uses: ['m_isnan', 'm_nan', 'm_log_abs', 'm_log1p'],
    wgsl: `fn m_acosh(x: f32) -> f32 {
  if (m_isnan(x) || x < ${L(1)}) { return m_nan(); }
  if (x > ${L(4096)}) { return oa(m_log_abs(x)) + ob(${L(Math.LN2)}); }
  if (x > ${L(2)}) { return m_log_abs(oa(x + x) - ob(${L(1)} / oa(x + sqrt(oa(x * x) - ${L(1)})))); }
  let t = oa(x - ${L(1)});
  return m_log1p(oa(t) + ob(sqrt(oa(t + t) + ob(t * t))));
}`,
  },
  m_atanh: {
    uses: ['m_isnan', 'm_nan', 'm_inf', 'm_log1p'],
    wgsl: `fn m_atanh(x: f32) -> f32 {
  let a = abs(x);
  if (m_isnan(a) || a > ${L(1)}) { return m_nan(); }
  var r = m_inf();
  if (a < ${L(0.5)}) { let t = oa(a + a); r = ${L(0.5)} * m_log1p(oa(t) + ob(oa(t * a) / oa(${L(1)} - a))); }
  else if (a < ${L(1)}) { r = ${L(0.5)} * m_log1p(oa(a + a) / oa(${L(1)} - a)); }
  return select(r, -r, x < ${L(0)});
}`,
  },
  m_norm_finish: {
    uses: ['m_isnan'],
    wgsl: `// The L2 norm from three scaled sums of squares (Blue's algorithm): big holds (|x| 2^-80)^2 for
// |x| > 2^50, mid holds x^2, small holds (|x| 2^80)^2 for |x| < 2^-60; so no square overflows or
// underflows where the float64 reference would not.
fn m_norm_finish(big: f32, mid: f32, small: f32) -> f32 {
  var r = sqrt(small) * ${L(2 ** -80)};
  if (mid > ${L(0)} || m_isnan(mid)) { r = sqrt(mid + oa(small * ${L(2 ** -80)}) * ${L(2 ** -80)}); }
  if (big > ${L(0)} || m_isnan(big)) { r = sqrt(big + oa(mid * ${L(2 ** -80)}) * ${L(2 ** -80)}) * ${L(2 ** 80)}; }
  return r;
}`,
  },
} as const satisfies Record<string, MathFunction>;

export type MathName = keyof typeof F;
export const MATH_FUNCTIONS: Readonly<Record<MathName, MathFunction>> = F;

/** The WGSL of `names` and everything they call, each once, callees first. */
export function mathLibrary(names: Iterable<MathName>): string {
  const out: string[] = [];
  const seen = new Set<MathName>();
  const visit = (name: MathName): void => {
    if (seen.has(name)) return;
    seen.add(name);
    for (const dep of MATH_FUNCTIONS[name].uses) visit(dep as MathName);
    out.push(MATH_FUNCTIONS[name].wgsl);
  };
  for (const name of names) visit(name);
  return out.join('\n');
}
