// Checker for the block dialect: names, arity, keyword arguments and the width of every activation.
//
// A block `def block(x): ... return x` maps activations [batch·seq, width] to the same shape. Its
// values are activations [batch·seq, m · width] (m a multiple of the model width `width`), constant
// scalars, and sizes (`4 * width`), which only dense() reads. Widths are checked symbolically, and
// at a concrete model width (64 by default, charlm's) for whole features and heads that divide them.
import { assertNever, type Call, type Expr, type Pos, type Program } from './ast.js';
import { editDistance } from './check.js';
import { ErrorSink } from './errors.js';
import { BLOCK_CALLABLE_OPS, BLOCK_OPS, BINARY_OP_NAMES, isBlockOpName, type BlockOpName, type BlockOpSpec } from './ops.js';

/** The name of the model width inside a block. */
export const WIDTH_NAME = 'width';
/** The model width a block is checked at unless told otherwise: charlm's. */
export const DEFAULT_BLOCK_WIDTH = 64;
/** Largest width multiple and convolution taps accepted (Primer's largest DCONV is 31 wide). */
export const MAX_WIDTH_MULTIPLE = 16;
export const MAX_DCONV_TAPS = 31;
export const MAX_HEADS = 64;

export type BlockValue =
  /** [batch·seq, width · model width] */
  | { readonly kind: 'activation'; readonly width: number }
  | { readonly kind: 'scalar'; readonly value: number }
  /** A size, `multiple · model width` features. */
  | { readonly kind: 'size'; readonly multiple: number };

export interface BlockCheckOptions {
  /** The concrete model width the block must work at. */
  readonly width?: number;
}

export interface CheckedBlock {
  readonly program: Program;
  /** The parameter's name (the block's input). */
  readonly input: string;
  /** What each expression of the program is, for the graph builder. */
  readonly values: ReadonlyMap<Expr, BlockValue>;
}

/** Checks a block program; throws a DslError at the first problem. */
export function checkBlock(program: Program, errors: ErrorSink, options: BlockCheckOptions = {}): CheckedBlock {
  if (program.params.length !== 1) {
    throw errors.error(program.pos, `a block takes one parameter, its input activations (as in \`def block(x):\`); got ${program.params.length}`);
  }
  const input = program.params[0]!;
  if (input.name === WIDTH_NAME) throw errors.error(input.pos, `'${WIDTH_NAME}' names the model width; call the input something else`);
  const checker = new Checker(errors, options.width ?? DEFAULT_BLOCK_WIDTH);
  const env = new Map<string, BlockValue>([[input.name, { kind: 'activation', width: 1 }]]);
  program.body.forEach((stmt, index) => {
    if (stmt.target === WIDTH_NAME) throw errors.error(stmt.pos, `'${WIDTH_NAME}' names the model width and cannot be assigned`);
    const later = (name: string) => program.body.slice(index).some((s) => s.target === name);
    const value = checker.value(stmt.value, env, later);
    if (value.kind === 'size') throw errors.error(stmt.value.pos, 'a size (a multiple of `width`) can only be an argument of dense()');
    env.set(stmt.target, value);
  });
  if (program.ret.values.length !== 1) {
    throw errors.error(program.ret.pos, `a block returns one value, its output activations; got ${program.ret.values.length}`);
  }
  const out = checker.value(program.ret.values[0]!, env, () => false);
  if (out.kind !== 'activation' || !sameWidth(out.width, 1)) {
    throw errors.error(program.ret.values[0]!.pos, `a block returns activations of width \`width\`; this is ${describe(out)}`);
  }
  return { program, input: input.name, values: checker.values };
}

class Checker {
  readonly values = new Map<Expr, BlockValue>();

  constructor(
    private readonly errors: ErrorSink,
    private readonly modelWidth: number,
  ) {}

  value(e: Expr, env: ReadonlyMap<string, BlockValue>, assignedLater: (name: string) => boolean): BlockValue {
    const v = this.compute(e, env, assignedLater);
    this.values.set(e, v);
    return v;
  }

  private compute(e: Expr, env: ReadonlyMap<string, BlockValue>, assignedLater: (name: string) => boolean): BlockValue {
    const sub = (x: Expr) => this.value(x, env, assignedLater);
    switch (e.kind) {
      case 'number':
        return { kind: 'scalar', value: e.value };
      case 'name': {
        if (e.id === WIDTH_NAME) return { kind: 'size', multiple: 1 };
        const v = env.get(e.id);
        if (v) return v;
        if (assignedLater(e.id)) throw this.errors.error(e.pos, `'${e.id}' is used before it is assigned`);
        throw this.errors.error(e.pos, `undefined name '${e.id}'`);
      }
      case 'negate': {
        const v = sub(e.operand);
        if (v.kind === 'size') throw this.errors.error(e.pos, 'a size cannot be negative');
        return v.kind === 'scalar' ? this.scalar(-v.value, e.pos) : v;
      }
      case 'binary':
        return this.binary(e.op, sub(e.left), sub(e.right), e.pos);
      case 'call':
        return this.call(e, sub);
      default:
        return assertNever(e);
    }
  }

  private binary(op: Extract<Expr, { kind: 'binary' }>['op'], a: BlockValue, b: BlockValue, pos: Pos): BlockValue {
    if (a.kind === 'scalar' && b.kind === 'scalar') {
      const name = BINARY_OP_NAMES[op];
      if (name === 'div' && b.value === 0) throw this.errors.error(pos, 'division by zero');
      return this.scalar(name === 'power' ? a.value ** b.value : BLOCK_OPS[name].scalar(a.value, b.value), pos);
    }
    if (a.kind === 'size' || b.kind === 'size') return this.sizeArithmetic(op, a, b, pos);
    switch (op) {
      case '**':
        throw this.errors.error(pos, '`**` applies to constants only; write square(x) for an activation squared');
      case '/':
        if (b.kind !== 'scalar') throw this.errors.error(pos, 'an activation can only be divided by a constant');
        if (b.value === 0) throw this.errors.error(pos, 'division by zero');
        return a;
      default:
        return this.elementwise(`\`${op}\``, a, b, pos);
    }
  }

  /** Sizes: `width` times, divided by, plus or minus constants' multiples of itself. */
  private sizeArithmetic(op: string, a: BlockValue, b: BlockValue, pos: Pos): BlockValue {
    const hint = 'a size is a multiple of `width` (as `4 * width` or `width / 2`)';
    if (a.kind === 'activation' || b.kind === 'activation') {
      throw this.errors.error(pos, `an activation and a size cannot be combined; ${hint}, read only by dense()`);
    }
    let multiple: number | undefined;
    if (op === '*' && a.kind === 'size' && b.kind === 'scalar') multiple = a.multiple * b.value;
    else if (op === '*' && a.kind === 'scalar' && b.kind === 'size') multiple = a.value * b.multiple;
    else if (op === '/' && a.kind === 'size' && b.kind === 'scalar' && b.value !== 0) multiple = a.multiple / b.value;
    else if ((op === '+' || op === '-') && a.kind === 'size' && b.kind === 'size') {
      multiple = op === '+' ? a.multiple + b.multiple : a.multiple - b.multiple;
    }
    if (multiple === undefined || !Number.isFinite(multiple)) throw this.errors.error(pos, `\`${op}\` does not make a size here; ${hint}`);
    return { kind: 'size', multiple };
  }

  private elementwise(what: string, a: BlockValue, b: BlockValue, pos: Pos): BlockValue {
    if (a.kind === 'activation' && b.kind === 'activation' && !sameWidth(a.width, b.width)) {
      throw this.errors.error(pos, `${what} of activations of different widths: ${printWidth(a.width)} and ${printWidth(b.width)}`);
    }
    return a.kind === 'activation' ? a : b;
  }

  private call(e: Call, sub: (x: Expr) => BlockValue): BlockValue {
    if (!isBlockOpName(e.fn) || !BLOCK_CALLABLE_OPS.includes(e.fn)) {
      const operator = Object.entries(BINARY_OP_NAMES).find(([, op]) => op === e.fn)?.[0];
      const hint = operator ? `; write the operator '${operator}' instead` : suggestion(e.fn);
      throw this.errors.error(e.pos, `unknown block function '${e.fn}'${hint}`);
    }
    const spec: BlockOpSpec = BLOCK_OPS[e.fn];
    if (e.args.length !== spec.arity) {
      const noun = spec.arity === 1 ? 'argument' : 'arguments';
      throw this.errors.error(e.pos, `${e.fn}() takes ${spec.arity} positional ${noun}, got ${e.args.length}`);
    }
    const allowed = spec.keywords ?? [];
    for (const k of e.keywords) {
      if (!allowed.includes(k.name)) {
        const takes = allowed.length === 0 ? 'takes no keyword arguments' : `takes only ${allowed.map((a) => `${a}=`).join(', ')}`;
        throw this.errors.error(k.pos, `${e.fn}() ${takes}; got '${k.name}='`);
      }
    }
    for (const name of allowed) {
      if (!e.keywords.some((k) => k.name === name)) throw this.errors.error(e.pos, `${e.fn}() needs the keyword argument ${name}=`);
    }
    const args = e.args.map(sub);
    const keywords = new Map(e.keywords.map((k) => [k.name, { value: sub(k.value), pos: k.value.pos }]));
    return this.apply(e.fn, spec, args, keywords, e);
  }

  private apply(
    fn: BlockOpName,
    spec: BlockOpSpec,
    args: readonly BlockValue[],
    keywords: ReadonlyMap<string, { value: BlockValue; pos: Pos }>,
    e: Call,
  ): BlockValue {
    const argPos = (i: number) => e.args[i]!.pos;
    const activation = (i: number): { kind: 'activation'; width: number } => {
      const v = args[i]!;
      if (v.kind !== 'activation') throw this.errors.error(argPos(i), `${fn}() needs activations as argument ${i + 1}; this is ${describe(v)}`);
      return v;
    };
    switch (spec.kind) {
      case 'map': {
        const bad = args.findIndex((v) => v.kind === 'size');
        if (bad >= 0) throw this.errors.error(argPos(bad), `${fn}() of a size; sizes are read only by dense()`);
        if (args.every((v) => v.kind === 'scalar')) {
          return this.scalar(spec.scalar!(...args.map((v) => (v as { value: number }).value)), e.pos);
        }
        return args.length === 1 ? args[0]! : this.elementwise(`${fn}()`, args[0]!, args[1]!, e.pos);
      }
      case 'dense': {
        const x = activation(0);
        const size = args[1]!;
        if (size.kind !== 'size') {
          throw this.errors.error(argPos(1), `dense()'s size is a multiple of \`width\`, the model width (as \`4 * width\`); this is ${describe(size)}`);
        }
        this.checkWidth(size.multiple, argPos(1));
        this.checkWidth(x.width, argPos(0));
        return { kind: 'activation', width: size.multiple };
      }
      case 'layer_norm':
        return activation(0);
      case 'attention': {
        const [q, k, v] = [activation(0), activation(1), activation(2)];
        if (!sameWidth(q.width, k.width) || !sameWidth(q.width, v.width)) {
          const widths = [q, k, v].map((a) => printWidth(a.width)).join(', ');
          throw this.errors.error(e.pos, `attention() needs q, k and v of one width; got ${widths}`);
        }
        const heads = keywords.get('heads')!;
        const h = this.integer(heads.value, 'heads', 1, MAX_HEADS, heads.pos);
        const features = Math.round(q.width * this.modelWidth);
        if (features % h !== 0) {
          throw this.errors.error(argPos(0), `${h} heads do not divide ${printWidth(q.width)} = ${features} features at model width ${this.modelWidth}`);
        }
        return v;
      }
      case 'dconv': {
        const x = activation(0);
        this.integer(args[1]!, 'dconv() taps', 1, MAX_DCONV_TAPS, argPos(1));
        return x;
      }
      default:
        return assertNever(spec.kind);
    }
  }

  private integer(v: BlockValue, what: string, low: number, high: number, pos: Pos): number {
    if (v.kind !== 'scalar' || !Number.isInteger(v.value) || v.value < low || v.value > high) {
      throw this.errors.error(pos, `${what} must be a whole number from ${low} to ${high}; this is ${describe(v)}`);
    }
    return v.value;
  }

  /** A size or activation width must be a whole, positive number of features at the model width. */
  private checkWidth(multiple: number, pos: Pos): void {
    const features = multiple * this.modelWidth;
    const whole = Math.abs(features - Math.round(features)) < 1e-9;
    if (!(multiple > 0) || multiple > MAX_WIDTH_MULTIPLE || !whole || Math.round(features) < 1) {
      throw this.errors.error(
        pos,
        `width ${printWidth(multiple)} must be a whole number of features from 1 to ${MAX_WIDTH_MULTIPLE} * width at model width ${this.modelWidth}`,
      );
    }
  }

  private scalar(value: number, pos: Pos): BlockValue {
    if (!Number.isFinite(value)) throw this.errors.error(pos, `this constant is not finite (${value})`);
    return { kind: 'scalar', value };
  }
}

/** Widths are equal when their multiples agree to rounding (`width / 3 * 3` is `width`). */
export function sameWidth(a: number, b: number): boolean {
  return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));
}

/** A width multiple as the dialect writes it: `width`, `4 * width`, `width / 2`, `0.375 * width`. */
export function printWidth(multiple: number): string {
  if (sameWidth(multiple, 1)) return WIDTH_NAME;
  const rounded = Math.round(multiple);
  if (sameWidth(multiple, rounded)) return `${rounded} * ${WIDTH_NAME}`;
  const divisor = Math.round(1 / multiple);
  if (divisor > 1 && sameWidth(multiple, 1 / divisor)) return `${WIDTH_NAME} / ${divisor}`;
  return `${multiple} * ${WIDTH_NAME}`;
}

function describe(v: BlockValue): string {
  switch (v.kind) {
    case 'activation':
      return `activations of width ${printWidth(v.width)}`;
    case 'scalar':
      return `the constant ${v.value}`;
    case 'size':
      return `the size ${printWidth(v.multiple)}`;
    default:
      return assertNever(v);
  }
}

function suggestion(name: string): string {
  let best: string | undefined;
  let bestDistance = Math.max(1, Math.floor(name.length / 3)) + 1;
  for (const candidate of BLOCK_CALLABLE_OPS) {
    const d = editDistance(name.toLowerCase(), candidate);
    if (d < bestDistance) [best, bestDistance] = [candidate, d];
  }
  return best ? `; did you mean '${best}'?` : '';
}
