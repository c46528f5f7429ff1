// The WGSL of each elementwise op: one table keyed by the op catalogue, matching semantics.ts.
import type { MacroOpName, OpName, OPS, ReduceOpName } from '../dsl/index.js';
import type { MathName } from './wgsl-math.js';

type ConstantOpName = { [K in OpName]: (typeof OPS)[K]['kind'] extends 'constant' ? K : never }[OpName];

/**
 * Every elementwise op. Not ops.ts's MapOpName: that type misses the ops declared through its
 * `unary` helper, whose `kind` is typed as the whole OpKind union rather than 'map'.
 */
export type ElementwiseOpName = Exclude<OpName, ReduceOpName | MacroOpName | ConstantOpName>;

export interface WgslOp {
  /** Helper functions (wgsl-math.ts) the expression calls. */
  readonly uses: readonly MathName[];
  /**
   * The expression, from one WGSL expression per operand, each already wrapped in its position's
   * barrier. `constants[i]` is operand i's value when it is a constant, for exact special cases.
   */
  readonly emit: (x: readonly string[], constants: readonly (number | undefined)[]) => string;
}

const call = (fn: MathName): WgslOp => ({ uses: [fn], emit: (x) => `${fn}(${x.join(', ')})` });
const inline = (emit: (x: readonly string[]) => string): WgslOp => ({ uses: [], emit });

/**
 * |x| ** c for constant exponents where Math.pow (fdlibm) itself takes a shortcut, so the GPU
 * gives the same bits: x ** 2 is x * x, x ** 0.5 is sqrt|x|, x ** -1 is 1 / |x| (Inf at 0).
 */
function power(x: readonly string[], constants: readonly (number | undefined)[]): string {
  const [a, y] = x as [string, string];
  switch (constants[1]) {
    case 0:
      return 'bitcast<f32>(0x3f800000u)';
    case 1:
      return `abs(${a})`;
    case 2:
      return `(${a} * ${a})`;
    case 0.5:
      return `sqrt(abs(${a}))`;
    case -1:
      return `(bitcast<f32>(0x3f800000u) / abs(${a}))`;
    default:
      return `m_pow(${a}, ${y})`;
  }
}

export const WGSL_OPS = {
  add: inline(([a, b]) => `(${a} + ${b})`),
  sub: inline(([a, b]) => `(${a} - ${b})`),
  mul: inline(([a, b]) => `(${a} * ${b})`),
  div: call('m_div'),
  power: { uses: ['m_pow'], emit: power },
  negative: inline(([a]) => `(-${a})`),
  max: call('m_max'),
  min: call('m_min'),
  interp: call('m_interp'),
  clip: call('m_clip'),
  abs: inline(([a]) => `abs(${a})`),
  sign: call('m_sign'),
  square: inline(([a]) => `(${a} * ${a})`),
  cube: call('m_cube'),
  sqrt: inline(([a]) => `sqrt(abs(${a}))`),
  cbrt: call('m_cbrt'),
  reciprocal: { uses: ['m_div'], emit: ([a]) => `m_div(bitcast<f32>(0x3f800000u), ${a})` },
  exp: call('m_exp'),
  exp2: call('m_exp2'),
  exp10: call('m_exp10'),
  expm1: call('m_expm1'),
  log: call('m_log_abs'),
  log2: call('m_log2_abs'),
  log10: call('m_log10_abs'),
  log1p: call('m_log1p'),
  sin: { uses: ['m_trig_guard'], emit: ([a]) => `m_trig_guard(${a}, sin(${a}))` },
  cos: { uses: ['m_trig_guard'], emit: ([a]) => `m_trig_guard(${a}, cos(${a}))` },
  tan: { uses: ['m_trig_guard'], emit: ([a]) => `m_trig_guard(${a}, tan(${a}))` },
  arcsin: call('m_asin'),
  arccos: call('m_acos'),
  arctan: call('m_atan'),
  sinh: call('m_sinh'),
  cosh: call('m_cosh'),
  tanh: call('m_tanh'),
  arcsinh: call('m_asinh'),
  arccosh: call('m_acosh'),
  arctanh: call('m_atanh'),
} as const satisfies Record<ElementwiseOpName, WgslOp>;
