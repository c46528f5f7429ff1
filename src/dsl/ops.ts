// The op catalogue: every function of the language, declared once with its arity, types and meaning.
//
// Consumers (interpreter, simplifier, WGSL emitter, exporters, mutation) key their own tables by
// OpName with `satisfies Record<OpName, ...>`, so adding an op here without handling it fails to compile.
import * as s from './semantics.js';

export type ValueType = 'scalar' | 'tensor';
export type Dialect = 'optimizer' | 'block';

/**
 * - constant: no arguments, a scalar.
 * - map: elementwise; the result is a tensor when any argument is one.
 * - reduce: tensor arguments, a scalar result.
 * - macro: defined by the other ops (see macros.ts); it exists so programs can name it.
 */
export type OpKind = 'constant' | 'map' | 'reduce' | 'macro';

export interface OpSpec {
  readonly kind: OpKind;
  readonly arity: number;
  /** Float32 meaning of one element (map) or the value (constant). */
  readonly scalar?: (...xs: number[]) => number;
  /** Arguments may be swapped without changing the result (used by structural keys). */
  readonly commutative?: boolean;
  readonly doc: string;
}

const f = Math.fround;
// Typed as a map op (not the OpKind union), so MapOpName includes every unary function.
const unary = (fn: (x: number) => number, doc: string) => ({
  kind: 'map' as const,
  arity: 1,
  scalar: (x: number) => f(fn(x)),
  doc,
});

export const OPS = {
  // Constants (nullary functions, as in the Lion search).
  pi: { kind: 'constant', arity: 0, scalar: () => f(Math.PI), doc: 'π' },
  e: { kind: 'constant', arity: 0, scalar: () => f(Math.E), doc: "Euler's number" },
  eps: { kind: 'constant', arity: 0, scalar: () => f(1e-8), doc: '1e-8' },

  // Arithmetic; the operators + - * / ** and unary minus map to these.
  add: { kind: 'map', arity: 2, scalar: (x, y) => f(x! + y!), commutative: true, doc: 'x + y' },
  sub: { kind: 'map', arity: 2, scalar: (x, y) => f(x! - y!), doc: 'x - y' },
  mul: { kind: 'map', arity: 2, scalar: (x, y) => f(x! * y!), commutative: true, doc: 'x * y' },
  div: { kind: 'map', arity: 2, scalar: (x, y) => s.div(x!, y!), doc: 'x / y; 0 where y is 0' },
  power: { kind: 'map', arity: 2, scalar: (x, y) => s.power(x!, y!), doc: '|x| ** y' },
  negative: unary((x) => -x, '-x'),
  max: { kind: 'map', arity: 2, scalar: (x, y) => s.max(x!, y!), commutative: true, doc: 'larger of x, y; NaN if either is' },
  min: { kind: 'map', arity: 2, scalar: (x, y) => s.min(x!, y!), commutative: true, doc: 'smaller of x, y; NaN if either is' },
  interp: { kind: 'map', arity: 3, scalar: (a, b, t) => s.interp(a!, b!, t!), doc: '(1 - t) * a + t * b' },
  clip: { kind: 'map', arity: 2, scalar: (x, c) => s.clip(x!, c!), doc: 'x limited to [-|c|, |c|]' },

  // Unary functions of the Lion search's set.
  abs: unary(Math.abs, '|x|'),
  sign: unary(s.sign, '-1, 0 or 1'),
  square: unary((x) => x * x, 'x * x'),
  cube: { kind: 'map', arity: 1, scalar: (x) => f(f(x! * x!) * x!), doc: 'x * x * x' },
  sqrt: unary((x) => Math.sqrt(Math.abs(x)), 'sqrt(|x|)'),
  cbrt: unary(Math.cbrt, 'cube root'),
  reciprocal: { kind: 'map', arity: 1, scalar: (x) => s.div(1, x!), doc: '1 / x; 0 where x is 0' },
  exp: unary(Math.exp, 'e ** x'),
  exp2: unary((x) => Math.pow(2, x), '2 ** x'),
  exp10: unary((x) => Math.pow(10, x), '10 ** x'),
  expm1: unary(Math.expm1, 'e ** x - 1'),
  log: unary((x) => Math.log(Math.abs(x)), 'log |x|'),
  log2: unary((x) => Math.log2(Math.abs(x)), 'log2 |x|'),
  log10: unary((x) => Math.log10(Math.abs(x)), 'log10 |x|'),
  log1p: { kind: 'map', arity: 1, scalar: (x) => s.log1p(x!), doc: 'log |1 + x|' },
  sin: unary(Math.sin, 'sine'),
  cos: unary(Math.cos, 'cosine'),
  tan: unary(Math.tan, 'tangent'),
  arcsin: unary(Math.asin, 'inverse sine; NaN outside [-1, 1]'),
  arccos: unary(Math.acos, 'inverse cosine; NaN outside [-1, 1]'),
  arctan: unary(Math.atan, 'inverse tangent'),
  sinh: unary(Math.sinh, 'hyperbolic sine'),
  cosh: unary(Math.cosh, 'hyperbolic cosine'),
  tanh: unary(Math.tanh, 'hyperbolic tangent'),
  arcsinh: unary(Math.asinh, 'inverse hyperbolic sine'),
  arccosh: unary(Math.acosh, 'inverse hyperbolic cosine; NaN below 1'),
  arctanh: unary(Math.atanh, 'inverse hyperbolic tangent; NaN outside [-1, 1]'),

  // Reductions over a whole parameter tensor.
  norm: { kind: 'reduce', arity: 1, doc: 'L2 norm: sqrt(sum(x * x))' },
  mean: { kind: 'reduce', arity: 1, doc: 'mean of the elements' },
  dot: { kind: 'reduce', arity: 2, commutative: true, doc: 'sum(x * y)' },

  // Macros, written in the ops above (macros.ts).
  rms: { kind: 'macro', arity: 1, doc: 'sqrt(mean(square(x)))' },
  cosine_sim: { kind: 'macro', arity: 2, doc: 'dot(x, y) / (norm(x) * norm(y))' },
  clip_by_norm: { kind: 'macro', arity: 2, doc: 'x * min(1, |c| / norm(x))' },
} as const satisfies Record<string, OpSpec>;

export type OpName = keyof typeof OPS;
export type MapOpName = { [K in OpName]: (typeof OPS)[K]['kind'] extends 'map' ? K : never }[OpName];
export type ReduceOpName = { [K in OpName]: (typeof OPS)[K]['kind'] extends 'reduce' ? K : never }[OpName];
export type MacroOpName = { [K in OpName]: (typeof OPS)[K]['kind'] extends 'macro' ? K : never }[OpName];

/** Operators of the grammar and the ops they stand for. */
export const BINARY_OP_NAMES = { '+': 'add', '-': 'sub', '*': 'mul', '/': 'div', '**': 'power' } as const;

export const OP_NAMES = Object.keys(OPS) as OpName[];

/** Names a program may call; the arithmetic ops are written as operators instead. */
export const CALLABLE_OPS: readonly OpName[] = OP_NAMES.filter(
  (name) => !['add', 'sub', 'mul', 'div'].includes(name),
);

export function isOpName(name: string): name is OpName {
  return Object.prototype.hasOwnProperty.call(OPS, name);
}

export function opSpec(name: OpName): OpSpec {
  return OPS[name];
}

/** The type of an op's result, or an error message when the arguments do not fit. */
export function resultType(name: OpName, args: readonly ValueType[]): ValueType | { error: string } {
  const spec: OpSpec = OPS[name];
  switch (spec.kind) {
    case 'constant':
      return 'scalar';
    case 'map':
      return args.includes('tensor') ? 'tensor' : 'scalar';
    case 'reduce':
    case 'macro': {
      if (name === 'clip_by_norm') {
        if (args[0] !== 'tensor') return { error: `${name}() needs a tensor as its first argument` };
        return args[1] === 'scalar' ? 'tensor' : { error: `${name}() needs a scalar bound as its second argument` };
      }
      const bad = args.findIndex((t) => t !== 'tensor');
      if (bad >= 0) return { error: `${name}() reduces a tensor; argument ${bad + 1} is a scalar` };
      return 'scalar';
    }
  }
}

// The block dialect's ops. A block's values are activations [batch·seq, n] (n a multiple of the
// model width) and constant scalars; these are the functions a block may call, with what each does to
// widths. Consumers (checker, reference evaluator, simplifier, mutation, lowering) key their tables
// by BlockOpName with `satisfies Record<BlockOpName, ...>`.

/**
 * - map: elementwise over activations of one width, or an activation and a constant scalar.
 * - dense: `dense(x, n)`, x [N, a] → x·W + b [N, n], W [a, n] and b [n] parameters.
 * - layer_norm: each row normalised (biased variance, eps 1e-5), then gain and bias parameters.
 * - attention: causal multi-head attention of q, k, v [N, a] → [N, a]; `heads` divides a.
 * - dconv: `dconv(x, k)`, causal depthwise convolution along the sequence with k taps per channel.
 */
export type BlockOpKind = 'map' | 'dense' | 'layer_norm' | 'attention' | 'dconv';

export interface BlockOpSpec {
  readonly dialect: 'block';
  readonly kind: BlockOpKind;
  readonly arity: number;
  /** Keyword arguments the op requires, each a positive integer constant. */
  readonly keywords?: readonly string[];
  /** Meaning of one element in float64 (map ops), the reference the lowering is tested against. */
  readonly scalar?: (...xs: number[]) => number;
  readonly commutative?: boolean;
  /** Written as an operator, not called by name. */
  readonly operator?: boolean;
  readonly doc: string;
}

const blockMap = (arity: number, scalar: (...xs: number[]) => number, doc: string, extra: Pick<BlockOpSpec, 'commutative' | 'operator'> = {}) => ({
  dialect: 'block' as const,
  kind: 'map' as const,
  arity,
  scalar,
  doc,
  ...extra,
});

/** GELU, tanh approximation (as the tensor ops'): x·σ(2u), u = √(2/π)(x + 0.044715x³). */
function geluScalar(x: number): number {
  if (x <= -10) return 0;
  if (x >= 10) return x;
  const u = Math.sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x);
  return x / (1 + Math.exp(-2 * u));
}

export const BLOCK_OPS = {
  // Arithmetic; the operators + - * / and unary minus map to these. `/` divides by a constant only.
  add: blockMap(2, (x, y) => x! + y!, 'x + y', { commutative: true, operator: true }),
  sub: blockMap(2, (x, y) => x! - y!, 'x - y', { operator: true }),
  mul: blockMap(2, (x, y) => x! * y!, 'x * y (elementwise, or scaling by a constant)', { commutative: true, operator: true }),
  div: blockMap(2, (x, y) => x! / y!, 'x / c, c a nonzero constant', { operator: true }),
  negative: blockMap(1, (x) => -x!, '-x', { operator: true }),
  max: blockMap(2, (x, y) => Math.max(x!, y!), 'larger of x, y', { commutative: true }),
  min: blockMap(2, (x, y) => Math.min(x!, y!), 'smaller of x, y', { commutative: true }),

  // Activations.
  relu: blockMap(1, (x) => Math.max(x!, 0), 'max(x, 0)'),
  gelu: blockMap(1, (x) => geluScalar(x!), 'GELU (tanh approximation)'),
  square: blockMap(1, (x) => x! * x!, 'x * x'),
  sigmoid: blockMap(1, (x) => 1 / (1 + Math.exp(-x!)), '1 / (1 + e ** -x)'),
  tanh: blockMap(1, (x) => Math.tanh(x!), 'hyperbolic tangent'),
  abs: blockMap(1, (x) => Math.abs(x!), '|x|'),

  // Ops with parameters, and attention.
  dense: { dialect: 'block', kind: 'dense', arity: 2, doc: 'x·W + b to n features: dense(x, 4 * width)' },
  layer_norm: { dialect: 'block', kind: 'layer_norm', arity: 1, doc: 'LayerNorm with gain and bias' },
  attention: { dialect: 'block', kind: 'attention', arity: 3, keywords: ['heads'], doc: 'causal multi-head attention(q, k, v, heads=H)' },
  dconv: { dialect: 'block', kind: 'dconv', arity: 2, doc: 'causal depthwise convolution along the sequence, k taps: dconv(x, 3)' },
} as const satisfies Record<string, BlockOpSpec>;

export type BlockOpName = keyof typeof BLOCK_OPS;
export type BlockMapOpName = { [K in BlockOpName]: (typeof BLOCK_OPS)[K]['kind'] extends 'map' ? K : never }[BlockOpName];

export const BLOCK_OP_NAMES = Object.keys(BLOCK_OPS) as BlockOpName[];

/** Names a block may call; the arithmetic ops are written as operators instead. */
export const BLOCK_CALLABLE_OPS: readonly BlockOpName[] = BLOCK_OP_NAMES.filter(
  (name) => !(BLOCK_OPS[name] as BlockOpSpec).operator,
);

/** Unary activations a mutation may swap for one another. */
export const BLOCK_ACTIVATIONS = ['relu', 'gelu', 'square', 'sigmoid', 'tanh', 'abs'] as const satisfies readonly BlockMapOpName[];

export function isBlockOpName(name: string): name is BlockOpName {
  return Object.prototype.hasOwnProperty.call(BLOCK_OPS, name);
}

/** Each dialect's catalogue. */
export const DIALECT_OPS = { optimizer: OPS, block: BLOCK_OPS } as const satisfies Record<Dialect, object>;
