// Float32 semantics of the elementwise functions, shared by the interpreter and constant folding.
//
// Every function takes float32 values and returns a float32 value. The edge rules (documented in
// docs/language.md) are the Lion search's protected forms where it had them:
//   - division by exactly zero (either sign) gives 0, so x / abs(x) is sign(x) everywhere;
//   - sqrt, log, log2, log10 act on |x|, log1p(x) is log|1 + x|, and x ** y is |x| ** y;
//   - every other function is IEEE: NaN in gives NaN out, overflow gives ±Inf, and arcsin, arccos,
//     arccosh, arctanh give NaN outside their domain;
//   - min, max and clip propagate NaN.

const f = Math.fround;

export function div(x: number, y: number): number {
  return y === 0 ? 0 : f(x / y);
}

export function min(x: number, y: number): number {
  return Number.isNaN(x) || Number.isNaN(y) ? NaN : x < y ? x : y;
}

export function max(x: number, y: number): number {
  return Number.isNaN(x) || Number.isNaN(y) ? NaN : x > y ? x : y;
}

export function power(x: number, y: number): number {
  return f(Math.pow(Math.abs(x), y));
}

/** interp(a, b, t) = (1 - t) * a + t * b, rounded after each operation in this order. */
export function interp(a: number, b: number, t: number): number {
  return f(f(f(1 - t) * a) + f(t * b));
}

/** clip(x, c) keeps x inside [-|c|, |c|]. */
export function clip(x: number, c: number): number {
  const bound = Math.abs(c);
  return min(max(x, -bound), bound);
}

export function log1p(x: number): number {
  return f(x >= -1 ? Math.log1p(x) : Math.log(-1 - x));
}

export function sign(x: number): number {
  return x > 0 ? 1 : x < 0 ? -1 : x === 0 ? 0 : NaN;
}
