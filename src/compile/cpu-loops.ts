// The cpu backend's inner loops: one tight loop per elementwise op over tensor operands and per reduction, each op's
// float32 meaning written inline exactly as src/dsl/semantics.ts and ops.ts state it.
//
// A loop reads `len` elements of its operands from their offsets and writes out[0, len). Storing
// into a Float32Array rounds to float32 exactly as Math.fround does, so only intermediate results
// (interp, cube) need an explicit fround; every result is the interpreter's bits. Each op has its
// own loop so that the op is chosen once per node, not per element, and each loop stays monomorphic.
import type { MapOpName, ReduceOpName } from '../dsl/index.js';

const f = Math.fround;

/**
 * Choices between two values go through this pair, indexed by the comparison, instead of a branch:
 * on random data (max(g, 0), the sign of a gradient) a branch is mispredicted half the time, which
 * made such loops three times slower than an add. Loops run to completion, so one pair serves all.
 */
const pair = new Float64Array(2);

/** min(max(x, -bound), bound) as semantics.ts's clip computes it, for bound = |c| >= 0 or NaN. */
export function clip(x: number, bound: number): number {
  if (x !== x || bound !== bound) return NaN;
  pair[0] = -bound;
  pair[1] = x;
  const low = pair[+(x > -bound)]!;
  pair[0] = bound;
  pair[1] = low;
  return pair[+(low < bound)]!;
}

/**
 * out[oo + i] = op(a[ao + i], b[bo + i], c[co + i]) for i in [0, len); unary ops read a alone. The
 * loops of cpu-scalar-loops.ts take a scalar operand `s` in place of a tensor.
 */
export type ElementLoop = (
  len: number,
  out: Float32Array,
  oo: number,
  a: Float32Array,
  ao: number,
  b: Float32Array,
  bo: number,
  c: Float32Array,
  co: number,
  s: number,
) => void;

/** The running float64 sum `acc` continued over x[xo, xo + len) (and y for dot), in element order. */
export type SumLoop = (acc: number, len: number, x: Float32Array, xo: number, y: Float32Array, yo: number) => number;

export const ELEMENT_LOOPS = {
  add: (len, out, oo, a, ao, b, bo) => {
    for (let i = 0; i < len; i++) out[oo + i] = a[ao + i]! + b[bo + i]!;
  },
  sub: (len, out, oo, a, ao, b, bo) => {
    for (let i = 0; i < len; i++) out[oo + i] = a[ao + i]! - b[bo + i]!;
  },
  mul: (len, out, oo, a, ao, b, bo) => {
    for (let i = 0; i < len; i++) out[oo + i] = a[ao + i]! * b[bo + i]!;
  },
  div: (len, out, oo, a, ao, b, bo) => {
    for (let i = 0; i < len; i++) {
      const y = b[bo + i]!;
      out[oo + i] = y === 0 ? 0 : a[ao + i]! / y;
    }
  },
  power: (len, out, oo, a, ao, b, bo) => {
    for (let i = 0; i < len; i++) out[oo + i] = Math.pow(Math.abs(a[ao + i]!), b[bo + i]!);
  },
  max: (len, out, oo, a, ao, b, bo) => {
    for (let i = 0; i < len; i++) {
      const x = a[ao + i]!;
      const y = b[bo + i]!;
      pair[0] = y;
      pair[1] = x;
      out[oo + i] = x !== x || y !== y ? NaN : pair[+(x > y)]!; // x > y ? x : y
    }
  },
  min: (len, out, oo, a, ao, b, bo) => {
    for (let i = 0; i < len; i++) {
      const x = a[ao + i]!;
      const y = b[bo + i]!;
      pair[0] = y;
      pair[1] = x;
      out[oo + i] = x !== x || y !== y ? NaN : pair[+(x < y)]!; // x < y ? x : y
    }
  },
  interp: (len, out, oo, a, ao, b, bo, c, co) => {
    for (let i = 0; i < len; i++) {
      const t = c[co + i]!;
      out[oo + i] = f(f(1 - t) * a[ao + i]!) + f(t * b[bo + i]!);
    }
  },
  clip: (len, out, oo, a, ao, b, bo) => {
    for (let i = 0; i < len; i++) out[oo + i] = clip(a[ao + i]!, Math.abs(b[bo + i]!));
  },
  negative: (len, out, oo, a, ao) => {
    for (let i = 0; i < len; i++) out[oo + i] = -a[ao + i]!;
  },
  abs: (len, out, oo, a, ao) => {
    for (let i = 0; i < len; i++) out[oo + i] = Math.abs(a[ao + i]!);
  },
  sign: (len, out, oo, a, ao) => {
    for (let i = 0; i < len; i++) {
      const x = a[ao + i]!;
      // x > 0 ? 1 : x < 0 ? -1 : x === 0 ? 0 : NaN, without a branch on the sign (+0 for -0).
      out[oo + i] = x !== x ? NaN : +(x > 0) - +(x < 0);
    }
  },
  square: (len, out, oo, a, ao) => {
    for (let i = 0; i < len; i++) {
      const x = a[ao + i]!;
      out[oo + i] = x * x;
    }
  },
  cube: (len, out, oo, a, ao) => {
    for (let i = 0; i < len; i++) {
      const x = a[ao + i]!;
      out[oo + i] = f(x * x) * x;
    }
  },
  sqrt: (len, out, oo, a, ao) => {
    for (let i = 0; i < len; i++) out[oo + i] = Math.sqrt(Math.abs(a[ao + i]!));
  },
  cbrt: (len, out, oo, a, ao) => {
    for (let i = 0; i < len; i++) out[oo + i] = Math.cbrt(a[ao + i]!);
  },
  reciprocal: (len, out, oo, a, ao) => {
    for (let i = 0; i < len; i++) {
      const x = a[ao + i]!;
      out[oo + i] = x === 0 ? 0 : 1 / x;
    }
  },
  exp: (len, out, oo, a, ao) => {
    for (let i = 0; i < len; i++) out[oo + i] = Math.exp(a[ao + i]!);
  },
  exp2: (len, out, oo, a, ao) => {
    for (let i = 0; i < len; i++) out[oo + i] = Math.pow(2, a[ao + i]!);
  },
  exp10: (len, out, oo, a, ao) => {
    for (let i = 0; i < len; i++) out[oo + i] = Math.pow(10, a[ao + i]!);
  },
  expm1: (len, out, oo, a, ao) => {
    for (let i = 0; i < len; i++) out[oo + i] = Math.expm1(a[ao + i]!);
  },
  log: (len, out, oo, a, ao) => {
    for (let i = 0; i < len; i++) out[oo + i] = Math.log(Math.abs(a[ao + i]!));
  },
  log2: (len, out, oo, a, ao) => {
    for (let i = 0; i < len; i++) out[oo + i] = Math.log2(Math.abs(a[ao + i]!));
  },
  log10: (len, out, oo, a, ao) => {
    for (let i = 0; i < len; i++) out[oo + i] = Math.log10(Math.abs(a[ao + i]!));
  },
  log1p: (len, out, oo, a, ao) => {
    for (let i = 0; i < len; i++) {
      const x = a[ao + i]!;
      out[oo + i] = x >= -1 ? Math.log1p(x) : Math.log(-1 - x);
    }
  },
  sin: (len, out, oo, a, ao) => {
    for (let i = 0; i < len; i++) out[oo + i] = Math.sin(a[ao + i]!);
  },
  cos: (len, out, oo, a, ao) => {
    for (let i = 0; i < len; i++) out[oo + i] = Math.cos(a[ao + i]!);
  },
  tan: (len, out, oo, a, ao) => {
    for (let i = 0; i < len; i++) out[oo + i] = Math.tan(a[ao + i]!);
  },
  arcsin: (len, out, oo, a, ao) => {
    for (let i = 0; i < len; i++) out[oo + i] = Math.asin(a[ao + i]!);
  },
  arccos: (len, out, oo, a, ao) => {
    for (let i = 0; i < len; i++) out[oo + i] = Math.acos(a[ao + i]!);
  },
  arctan: (len, out, oo, a, ao) => {
    for (let i = 0; i < len; i++) out[oo + i] = Math.atan(a[ao + i]!);
  },
  sinh: (len, out, oo, a, ao) => {
    for (let i = 0; i < len; i++) out[oo + i] = Math.sinh(a[ao + i]!);
  },
  cosh: (len, out, oo, a, ao) => {
    for (let i = 0; i < len; i++) out[oo + i] = Math.cosh(a[ao + i]!);
  },
  tanh: (len, out, oo, a, ao) => {
    for (let i = 0; i < len; i++) out[oo + i] = Math.tanh(a[ao + i]!);
  },
  arcsinh: (len, out, oo, a, ao) => {
    for (let i = 0; i < len; i++) out[oo + i] = Math.asinh(a[ao + i]!);
  },
  arccosh: (len, out, oo, a, ao) => {
    for (let i = 0; i < len; i++) out[oo + i] = Math.acosh(a[ao + i]!);
  },
  arctanh: (len, out, oo, a, ao) => {
    for (let i = 0; i < len; i++) out[oo + i] = Math.atanh(a[ao + i]!);
  },
} as const satisfies Record<MapOpName, ElementLoop>;

/** The interpreter's reductions (interpret.ts): float64 sums in element order, of x * x, x, or x * y. */
export const SUM_LOOPS = {
  norm: (acc, len, x, xo) => {
    for (let i = 0; i < len; i++) {
      const v = x[xo + i]!;
      acc += v * v;
    }
    return acc;
  },
  mean: (acc, len, x, xo) => {
    for (let i = 0; i < len; i++) acc += x[xo + i]!;
    return acc;
  },
  dot: (acc, len, x, xo, y, yo) => {
    for (let i = 0; i < len; i++) acc += x[xo + i]! * y[yo + i]!;
    return acc;
  },
} as const satisfies Record<ReduceOpName, SumLoop>;

/** The reduction's float32 value from its whole-tensor sum over n elements, rounded as the interpreter rounds. */
export function finishSum(op: ReduceOpName, sum: number, n: number): number {
  switch (op) {
    case 'norm':
      return f(Math.sqrt(sum));
    case 'mean':
      return f(sum / n);
    case 'dot':
      return f(sum);
  }
}

/** dst[d + i] = src[s + i] for i in [0, len). */
export function copyElements(len: number, dst: Float32Array, d: number, src: Float32Array, s: number): void {
  for (let i = 0; i < len; i++) dst[d + i] = src[s + i]!;
}

/** w[wo + i] = w[wo + i] - u[uo + i], rounded to float32, for i in [0, len). */
export function subtractInPlace(len: number, w: Float32Array, wo: number, u: Float32Array, uo: number): void {
  for (let i = 0; i < len; i++) w[wo + i] = w[wo + i]! - u[uo + i]!;
}
