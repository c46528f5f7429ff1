// WGSL text for float32 constants and the runtime guards that keep the shader compiler from folding our arithmetic.
//
// Constants are written by their bits, `bitcast<f32>(0x3f666666u)`, so the shader holds exactly the
// float32 the interpreter uses and no decimal rounding happens in between. WGSL rejects a constant
// expression whose value is NaN or ±Inf, so those constants are made at run time instead, by
// XOR-ing their bits with a zero the compiler cannot see (Params.mask, written 0 by the host).

const bits = new Uint32Array(1);
const floats = new Float32Array(bits.buffer);

/** The IEEE bits of `value` rounded to float32. */
export function float32Bits(value: number): number {
  floats[0] = value;
  return bits[0]!;
}

export function hex32(u: number): string {
  return `0x${u.toString(16).padStart(8, '0')}u`;
}

/**
 * The uniform fields every kernel declares in its Params struct. The mask fields hold zero at run
 * time; see `barrier` below.
 */
export const MASK = { a: 'P.mask.x', b: 'P.mask.y', c: 'P.mask.z', nonFinite: 'P.mask.w' } as const;

/** A float32 constant as WGSL: exact bits, and a run-time value for NaN and ±Inf. */
export function f32Literal(value: number): string {
  const u = float32Bits(value);
  if ((u & 0x7f800000) >>> 0 === 0x7f800000) return `bitcast<f32>(${hex32(u)} ^ ${MASK.nonFinite})`;
  return `bitcast<f32>(${hex32(u)})`;
}

/**
 * Operand barriers. Mesa's shader compiler (and others) applies "inexact" algebra to floats unless
 * told otherwise: x * 0 → 0 (wrong for Inf and NaN), x - x → 0, (x * c1) * c2 → x * (c1 * c2).
 * Seen on llvmpipe. WGSL cannot mark arithmetic precise, so every operand passes through
 * `bitcast<f32>(bitcast<u32>(x) ^ zero)` with a zero from the uniform buffer: an integer op the
 * compiler cannot see through, so no float pattern spans two ops. Operand positions use different
 * zeros so that `x - x` reads two values the compiler cannot prove equal.
 */
export const BARRIER_FUNCTIONS = ['oa', 'ob', 'oc'] as const;
export type BarrierName = (typeof BARRIER_FUNCTIONS)[number];

export function barrierFunctionsWgsl(): string {
  const masks = [MASK.a, MASK.b, MASK.c];
  return BARRIER_FUNCTIONS.map(
    (name, i) => `fn ${name}(x: f32) -> f32 { return bitcast<f32>(bitcast<u32>(x) ^ ${masks[i]}); }`,
  ).join('\n');
}

/** Wraps operand `index` of an op in its barrier; `enabled` false gives the bare expression. */
export function barrier(expr: string, index: number, enabled: boolean): string {
  if (!enabled) return expr;
  return `${BARRIER_FUNCTIONS[index % BARRIER_FUNCTIONS.length]}(${expr})`;
}

/** Splits `value` into a float32 with the low `zeroBits` mantissa bits cleared and the float32 rest. */
export function splitConstant(value: number, zeroBits = 12): { hi: number; lo: number } {
  const u = float32Bits(value);
  bits[0] = (u & ~((1 << zeroBits) - 1)) >>> 0;
  const hi = floats[0]!;
  return { hi, lo: Math.fround(value - hi) };
}
