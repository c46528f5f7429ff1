// fast-check arbitraries for the program language: generated optimizers, step inputs with the
// awkward float32 values, expression trees for printer round trips, and program rewrites that
// keep (or surely change) what a program computes.
import fc from 'fast-check';
import { NO_POS, assertNever, namesRead, type Assign, type BinaryOp, type Expr, type Program } from '../../src/dsl/ast.js';
import type { StepInputs } from '../../src/dsl/interpret.js';
import { OP_NAMES } from '../../src/dsl/ops.js';
import { buildOptimizer, randomStatement, scopeAt, DEFAULT_GENERATE_OPTIONS, type GenerateOptions } from '../../src/dsl/generate.js';
import { Rng } from '../../src/dsl/random.js';

// ---------------------------------------------------------------------------------------------
// Programs

/**
 * Random valid optimizers. One integer seed per statement, so fast-check shrinks a failing program
 * by dropping statements and simplifying the seeds that are left.
 */
export function arbOptimizer(options: Partial<GenerateOptions> = {}): fc.Arbitrary<Program> {
  const [least, most] = options.statements ?? DEFAULT_GENERATE_OPTIONS.statements;
  return fc
    .array(fc.integer(), { minLength: least, maxLength: most })
    .map((seeds) => buildOptimizer(seeds.map((s) => Rng.fromSeed(s)), options));
}

/** Words the parser refuses as names (keep in step with parser.ts). */
export const RESERVED_WORDS = [
  'def', 'return', 'if', 'elif', 'else', 'for', 'while', 'in', 'not', 'and', 'or', 'is', 'lambda',
  'import', 'from', 'class', 'pass', 'with', 'as', 'yield', 'global', 'nonlocal', 'del', 'try',
  'except', 'finally', 'raise', 'assert', 'break', 'continue', 'True', 'False', 'None',
];

/** Identifiers the parser accepts as names; `avoid` lists names to leave out. */
export function arbIdentifier(avoid: readonly string[] = []): fc.Arbitrary<string> {
  return fc
    .stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,7}$/)
    .filter((s) => !RESERVED_WORDS.includes(s) && !avoid.includes(s));
}

// ---------------------------------------------------------------------------------------------
// Step inputs

/** Values that break careless float code; 1e30 and 1e-30 are normal float32 numbers. */
export const SPECIAL_VALUES: readonly number[] = [0, -0, NaN, Infinity, -Infinity, 1e30, -1e30, 1e-30, -1e-30].map(
  Math.fround,
);

/** Ordinary float32 values: |x| in [1/64, 4], either sign. */
export const arbOrdinaryFloat32: fc.Arbitrary<number> = fc
  .tuple(fc.boolean(), fc.double({ min: 1 / 64, max: 4, noNaN: true }))
  .map(([negative, x]) => Math.fround(negative ? -x : x));

/** Mostly ordinary values, sometimes a special one or any float32 at all. */
export const arbFloat32: fc.Arbitrary<number> = fc.oneof(
  { arbitrary: arbOrdinaryFloat32, weight: 6 },
  { arbitrary: fc.constantFrom(...SPECIAL_VALUES), weight: 1 },
  { arbitrary: fc.float(), weight: 1 },
);

export interface InputOptions {
  /** Smallest and largest tensor size; sizes include 1 and odd sizes. */
  readonly minSize?: number;
  readonly maxSize?: number;
  /** Whether special values (0, -0, NaN, ±Inf, ±1e30, ±1e-30) may appear; default true. */
  readonly special?: boolean;
}

/** Inputs for one step of an optimizer with `slots` state slots. */
export function arbInputs(slots: number, options: InputOptions = {}): fc.Arbitrary<StepInputs> {
  const minSize = options.minSize ?? 1;
  const maxSize = options.maxSize ?? 17;
  const special = options.special ?? true;
  const element = special ? arbFloat32 : arbOrdinaryFloat32;
  const lr = special
    ? fc.oneof({ arbitrary: fc.double({ min: 1e-4, max: 1, noNaN: true }), weight: 4 }, { arbitrary: fc.constant(0), weight: 1 })
    : fc.double({ min: 1e-4, max: 1, noNaN: true });
  const size = fc.oneof(fc.constant(minSize), fc.integer({ min: minSize, max: maxSize }));
  return size.chain((n) => {
    const tensor = fc.array(element, { minLength: n, maxLength: n }).map((xs) => Float32Array.from(xs));
    return fc.record({
      w: tensor,
      g: tensor,
      lr: lr.map(Math.fround),
      step: fc.integer({ min: 1, max: 10_000 }),
      slots: fc.array(tensor, { minLength: slots, maxLength: slots }),
    });
  });
}

// ---------------------------------------------------------------------------------------------
// Expression trees, with the forms a printer most easily gets wrong

/** Largest finite float32: the parser refuses literals beyond it. */
export const FLOAT32_MAX = 3.4028234663852886e38;

/** Numbers the parser can produce, including -0, exponent forms and extremes. */
export const arbLiteral: fc.Arbitrary<number> = fc.oneof(
  fc.constantFrom(0, -0, 1, -1, 2, -3, 0.5, 0.1, 0.9, 0.999, 1e-8, -1e-8, 1e21, -1e21, 1e-7, 123456789012345680000,
    5e-324, -5e-324, 1.5e-323, 1e-300, FLOAT32_MAX, -FLOAT32_MAX, 1 / 3),
  fc.double({ min: -FLOAT32_MAX, max: FLOAT32_MAX, noNaN: true }),
  fc.integer({ min: -1000, max: 1000 }),
);

const BINARY_OPS: readonly BinaryOp[] = ['+', '-', '*', '/', '**'];

/** Expression trees of every AST node kind (keyword arguments included), nested up to `maxDepth`. */
export function arbExpr(maxDepth = 5): fc.Arbitrary<Expr> {
  const name = fc.oneof(fc.constantFrom('x', 'y', 'g', 'lr'), arbIdentifier());
  const { expr } = fc.letrec<{ expr: Expr; leaf: Expr; node: Expr }>((tie) => ({
    expr: fc.oneof({ maxDepth, depthIdentifier: 'expr' }, tie('leaf'), tie('node')),
    leaf: fc.oneof(
      arbLiteral.map((value): Expr => ({ kind: 'number', value, pos: NO_POS })),
      name.map((id): Expr => ({ kind: 'name', id, pos: NO_POS })),
    ),
    node: fc.oneof(
      fc
        .tuple(fc.constantFrom(...BINARY_OPS), tie('expr'), tie('expr'))
        .map(([op, left, right]): Expr => ({ kind: 'binary', op, left, right, pos: NO_POS })),
      tie('expr').map((operand): Expr => ({ kind: 'negate', operand, pos: NO_POS })),
      fc
        .tuple(
          fc.oneof(fc.constantFrom(...OP_NAMES), arbIdentifier()),
          fc.array(tie('expr'), { maxLength: 3 }),
          fc.uniqueArray(fc.tuple(arbIdentifier(), tie('expr')), { maxLength: 2, selector: ([k]) => k }),
        )
        .map(([fn, args, keywords]): Expr => ({
          kind: 'call',
          fn,
          args,
          keywords: keywords.map(([kname, value]) => ({ name: kname, value, pos: NO_POS })),
          pos: NO_POS,
        })),
    ),
  }));
  return expr;
}

/** A one-statement program around an expression, for round trips through the program parser. */
export function programOf(value: Expr): Program {
  return {
    name: 'f',
    params: [{ name: 'x', pos: NO_POS }],
    body: [{ kind: 'assign', target: 'y', value, pos: NO_POS }],
    ret: { values: [{ kind: 'name', id: 'y', pos: NO_POS }], pos: NO_POS },
    pos: NO_POS,
  };
}

// ---------------------------------------------------------------------------------------------
// Rewrites that keep what a program computes

export type EquivalentRewriteKind = 'rename' | 'reorder' | 'dead-code';

export interface Rewritten {
  readonly kind: EquivalentRewriteKind;
  readonly program: Program;
}

/** Assigned names that are not parameters, in order of first assignment. */
export function localNames(p: Program): string[] {
  const params = new Set(p.params.map((q) => q.name));
  return [...new Set(p.body.map((s) => s.target))].filter((n) => !params.has(n));
}

/** Renames names by a map, everywhere (targets, reads, return); unmapped names stay. */
export function renameVariables(p: Program, mapping: ReadonlyMap<string, string>): Program {
  const to = (n: string) => mapping.get(n) ?? n;
  const expr = (e: Expr): Expr => {
    switch (e.kind) {
      case 'number':
        return e;
      case 'name':
        return { ...e, id: to(e.id) };
      case 'negate':
        return { ...e, operand: expr(e.operand) };
      case 'binary':
        return { ...e, left: expr(e.left), right: expr(e.right) };
      case 'call':
        return { ...e, args: e.args.map(expr), keywords: e.keywords.map((k) => ({ ...k, value: expr(k.value) })) };
      default:
        return assertNever(e);
    }
  };
  return {
    ...p,
    body: p.body.map((s) => ({ ...s, target: to(s.target), value: expr(s.value) })),
    ret: { ...p.ret, values: p.ret.values.map(expr) },
  };
}

/**
 * Every local variable renamed, consistently, to new distinct names: never a parameter's, and never
 * a function's (legal, since names and functions are apart, but a needless trap for exporters).
 */
export function arbRenamed(p: Program): fc.Arbitrary<Program> {
  const locals = localNames(p);
  const avoid = [...p.params.map((q) => q.name), ...OP_NAMES];
  return fc
    .uniqueArray(arbIdentifier(avoid), { minLength: locals.length, maxLength: locals.length })
    .map((names) => renameVariables(p, new Map(locals.map((n, i) => [n, names[i]!]))));
}

/**
 * Whether statements i and i + 1 may trade places: neither reads the other's target and they
 * assign different names (so neither writes something the other reads or writes).
 */
export function independent(a: Assign, b: Assign): boolean {
  return a.target !== b.target && !namesRead(b.value).includes(a.target) && !namesRead(a.value).includes(b.target);
}

/** Indexes i where statements i and i + 1 are independent. */
export function swappablePairs(p: Program): number[] {
  const out: number[] = [];
  for (let i = 0; i + 1 < p.body.length; i++) if (independent(p.body[i]!, p.body[i + 1]!)) out.push(i);
  return out;
}

export function swapAdjacent(p: Program, i: number): Program {
  const body = [...p.body];
  [body[i], body[i + 1]] = [body[i + 1]!, body[i]!];
  return { ...p, body };
}

/** Up to six swaps of independent adjacent statements (the program itself when none exist). */
export function arbReordered(p: Program): fc.Arbitrary<Program> {
  return fc.array(fc.nat(), { minLength: 1, maxLength: 6 }).map((choices) =>
    choices.reduce((q, choice) => {
      const pairs = swappablePairs(q);
      return pairs.length === 0 ? q : swapAdjacent(q, pairs[choice % pairs.length]!);
    }, p),
  );
}

/** Inserts before body[index] a statement assigning a name used nowhere else, so nothing reads it. */
export function insertDeadCode(p: Program, index: number, rng: Rng): Program {
  const scope = scopeAt(p, index);
  const stmt = randomStatement(rng, { readable: scope.readable, assignable: new Map(), fresh: scope.fresh! });
  return { ...p, body: [...p.body.slice(0, index), stmt, ...p.body.slice(index)] };
}

/** One to three dead statements at random positions. */
export function arbWithDeadCode(p: Program): fc.Arbitrary<Program> {
  return fc
    .array(fc.tuple(fc.nat(), fc.integer()), { minLength: 1, maxLength: 3 })
    .map((inserts) => inserts.reduce((q, [at, seed]) => insertDeadCode(q, at % (q.body.length + 1), Rng.fromSeed(seed)), p));
}

/** A rewrite of `p` that computes exactly the same outputs (bit for bit) from the same inputs. */
export function arbEquivalentRewrite(p: Program): fc.Arbitrary<Rewritten> {
  return fc.oneof(
    arbRenamed(p).map((program): Rewritten => ({ kind: 'rename', program })),
    arbReordered(p).map((program): Rewritten => ({ kind: 'reorder', program })),
    arbWithDeadCode(p).map((program): Rewritten => ({ kind: 'dead-code', program })),
  );
}

// ---------------------------------------------------------------------------------------------
// A mutation that surely changes what a program computes

/**
 * Makes the update `u` into `u * scale + w * shift`. Wherever u is finite and w is not zero this
 * differs from u for any program (it would need u = shift * w / (1 - scale) exactly), however large
 * u is: the scale changes it even where `w * shift` is lost to rounding. Where u is NaN or infinite
 * nothing can change it, so compare on inputs where the original update is finite.
 * The new statement reassigns the name the return reads first (an expression there is wrapped).
 */
export function changeUpdate(p: Program, scale: number, shift: number): Program {
  const first = p.ret.values[0]!;
  const num = (value: number): Expr => ({ kind: 'number', value, pos: NO_POS });
  const w: Expr = { kind: 'name', id: 'w', pos: NO_POS };
  const changed = (u: Expr): Expr => ({
    kind: 'binary',
    op: '+',
    left: { kind: 'binary', op: '*', left: u, right: num(scale), pos: NO_POS },
    right: { kind: 'binary', op: '*', left: w, right: num(shift), pos: NO_POS },
    pos: NO_POS,
  });
  if (first.kind === 'name') {
    const stmt: Assign = { kind: 'assign', target: first.id, value: changed(first), pos: NO_POS };
    return { ...p, body: [...p.body, stmt] };
  }
  return { ...p, ret: { ...p.ret, values: [changed(first), ...p.ret.values.slice(1)] } };
}

/**
 * `changeUpdate` with a scale far from 1 and a shift, both exact in float32. The shifts have more
 * significant digits than generated constants, so no generated program computes the one update
 * (shift * w / (1 - scale)) that the change leaves alone.
 */
export function arbNonEquivalentMutation(p: Program): fc.Arbitrary<Program> {
  return fc
    .tuple(fc.constantFrom(1.5, -2, 3, 0.75), fc.constantFrom(0.3671875, -0.6015625, 1.7265625))
    .map(([scale, shift]) => changeUpdate(p, scale, shift));
}
