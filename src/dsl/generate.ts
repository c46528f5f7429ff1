// Random valid optimizer programs: whole programs for tests and first populations, and single
// statements for the search's insert mutation.
//
// Statements are three-address code, as in the Lion search: `t = f(a, b)` or one operator
// (`a + b`, `a ** b`, `-a`, ...) over names in scope and constants. Types come from `resultType`
// of ops.ts, so a generated program always passes `checkOptimizer`.
import { NO_POS, assertNever, namesRead, type Assign, type BinaryOp, type Expr, type Program } from './ast.js';
import { ROLE_PARAMS } from './check.js';
import { BINARY_OP_NAMES, CALLABLE_OPS, OPS, resultType, type OpName, type ValueType } from './ops.js';
import type { Rng } from './random.js';

/** An operator statement form: a binary operator, or unary minus. */
export type OperatorForm = BinaryOp | 'negate';

export interface GenerateOptions {
  /** Parameter names in order; those other than w, g, lr and step are state slots. */
  readonly params: readonly string[];
  /** Functions a statement may call. */
  readonly functions: readonly OpName[];
  /** Operator forms a statement may use instead of a call. */
  readonly operators: readonly OperatorForm[];
  /** Inclusive range of the number of statements in a whole program. */
  readonly statements: readonly [number, number];
  /** Chance that a statement is an operator form rather than a call. */
  readonly operatorProbability: number;
  /** Chance that an argument is a constant rather than a name. */
  readonly constantProbability: number;
  /** Chance that a statement assigns a new variable rather than an existing one. */
  readonly freshProbability: number;
  /** Draws one constant argument. */
  readonly constant: (rng: Rng) => number;
  /** The function's name in the printed program. */
  readonly name: string;
}

/** Constants hand-written optimizers use: decay rates, epsilons, weight decays, small integers. */
export const NICE_CONSTANTS: readonly number[] = [0.9, 0.99, 0.999, 1e-8, 1e-3, 0.01, 0.1, 0.5, 1, 2, 3, -1];

/** N(0, 1) rounded to 4 significant digits, so that printed programs stay readable. */
export const normalConstant = (rng: Rng): number => Number(rng.normal().toPrecision(4));
export const niceConstant = (rng: Rng): number => rng.pick(NICE_CONSTANTS);
export const mixedConstant = (rng: Rng): number => (rng.chance(0.5) ? niceConstant(rng) : normalConstant(rng));

export const DEFAULT_GENERATE_OPTIONS: GenerateOptions = {
  params: ['w', 'g', 'm', 'v', 'lr'], // AdamW's signature: two state slots
  functions: CALLABLE_OPS,
  operators: ['+', '-', '*', '/', '**', 'negate'],
  statements: [1, 8], // hand-written optimizers take 5 to 10 statements
  operatorProbability: 0.4, // the operators are 6 forms against ~45 functions
  constantProbability: 0.25,
  freshProbability: 0.4,
  constant: mixedConstant,
  name: 'train',
};

/** What a statement at one position may read and assign. */
export interface StatementScope {
  /** Names defined before the position, with their types. */
  readonly readable: ReadonlyMap<string, ValueType>;
  /**
   * Existing names the statement may assign, each with the type its new value must have so that
   * later statements still check ('any' where nothing reads the name before it is next assigned).
   */
  readonly assignable: ReadonlyMap<string, ValueType | 'any'>;
  /** A name used nowhere in the program, for a new variable; absent when none may be introduced. */
  readonly fresh?: string;
}

/** A random program with between `statements[0]` and `statements[1]` statements. */
export function randomOptimizer(rng: Rng, options: Partial<GenerateOptions> = {}): Program {
  const o = resolveOptions(options);
  const [least, most] = o.statements;
  const count = least + rng.int(most - least + 1);
  return buildOptimizer(Array.from({ length: count }, () => rng.split()), o);
}

/**
 * A random program with one statement per stream, each statement drawn from its own stream.
 * Dropping a stream drops (about) one statement, which lets property tests shrink programs.
 * The last statement assigns `update` when no earlier one did.
 */
export function buildOptimizer(streams: readonly Rng[], options: Partial<GenerateOptions> = {}): Program {
  const o = resolveOptions(options);
  if (streams.length === 0) throw new RangeError('a program needs at least one statement to define `update`');
  const readable = new Map<string, ValueType>(o.params.map((p) => [p, paramType(p)]));
  const body: Assign[] = [];
  streams.forEach((stream, i) => {
    const mustUpdate = i === streams.length - 1 && !readable.has('update');
    const targets = mustUpdate ? ['update'] : [...new Set([...readable.keys(), 'update'])].filter((n) => !isRole(n));
    const scope: StatementScope = {
      readable,
      assignable: new Map(targets.map((n) => [n, 'any'])),
      ...(mustUpdate ? {} : { fresh: freshName(new Set(readable.keys())) }),
    };
    const stmt = randomStatement(stream, scope, o);
    body.push(stmt);
    readable.set(stmt.target, exprType(stmt.value, readable));
  });
  const slots = o.params.filter((p) => !isRole(p));
  return {
    name: o.name,
    params: o.params.map((name) => ({ name, pos: NO_POS })),
    body,
    ret: { values: ['update', ...slots].map(nameRef), pos: NO_POS },
    pos: NO_POS,
  };
}

/** The scope of a statement inserted before `program.body[index]` (index = body length: at the end). */
export function scopeAt(program: Program, index: number): StatementScope {
  const readable = new Map<string, ValueType>(program.params.map((p) => [p.name, paramType(p.name)]));
  for (const stmt of program.body.slice(0, index)) readable.set(stmt.target, exprType(stmt.value, readable));
  const names = new Set([...readable.keys(), ...program.body.map((s) => s.target), 'update']);
  const assignable = new Map<string, ValueType | 'any'>();
  for (const name of names) {
    if (isRole(name)) continue;
    const type = readable.get(name);
    assignable.set(name, type !== undefined && readBeforeAssigned(program, index, name) ? type : 'any');
  }
  const used = new Set(names);
  for (const stmt of program.body) for (const n of namesRead(stmt.value)) used.add(n);
  for (const value of program.ret.values) for (const n of namesRead(value)) used.add(n);
  return { readable, assignable, fresh: freshName(used) };
}

/** One type-valid statement for a scope: a target (fresh or assignable) and a flat value. */
export function randomStatement(rng: Rng, scope: StatementScope, options: Partial<GenerateOptions> = {}): Assign {
  const o = resolveOptions(options);
  const targets = [...scope.assignable.keys()];
  for (let attempt = 0; attempt < 16; attempt++) {
    const fresh = scope.fresh !== undefined && (targets.length === 0 || rng.chance(o.freshProbability));
    const target = fresh ? scope.fresh! : rng.pick(targets);
    const want = fresh ? 'any' : scope.assignable.get(target)!;
    const value = randomValue(rng, scope.readable, want, o);
    if (value) return { kind: 'assign', target, value, pos: NO_POS };
  }
  throw new Error('no statement fits this scope with the allowed functions and operators');
}

function randomValue(
  rng: Rng,
  readable: ReadonlyMap<string, ValueType>,
  want: ValueType | 'any',
  o: GenerateOptions,
): Expr | undefined {
  for (let attempt = 0; attempt < 8; attempt++) {
    const operator = o.operators.length > 0 && (o.functions.length === 0 || rng.chance(o.operatorProbability));
    if (operator) {
      const form = rng.pick(o.operators);
      const op = form === 'negate' ? 'negative' : BINARY_OP_NAMES[form];
      const args = randomArgs(rng, op, form === 'negate' ? 1 : 2, readable, want, o);
      if (!args) continue;
      return form === 'negate'
        ? { kind: 'negate', operand: args[0]!, pos: NO_POS }
        : { kind: 'binary', op: form, left: args[0]!, right: args[1]!, pos: NO_POS };
    }
    const fn = rng.pick(o.functions);
    const args = randomArgs(rng, fn, OPS[fn].arity, readable, want, o);
    if (args) return { kind: 'call', fn, args, keywords: [], pos: NO_POS };
  }
  return undefined;
}

/**
 * Arguments for `op` whose result has the wanted type. They are drawn freely (names or constants,
 * at least one name); when their types do not fit, the argument types that do (asked of
 * resultType) are listed, and the arguments of the nearest such list are redrawn.
 */
function randomArgs(
  rng: Rng,
  op: OpName,
  arity: number,
  readable: ReadonlyMap<string, ValueType>,
  want: ValueType | 'any',
  o: GenerateOptions,
): Expr[] | undefined {
  const names = [...readable.keys()];
  if (names.length === 0) return undefined;
  const constant = (): Expr => ({ kind: 'number', value: o.constant(rng), pos: NO_POS });
  const args: Expr[] = Array.from({ length: arity }, () =>
    rng.chance(o.constantProbability) ? constant() : nameRef(rng.pick(names)),
  );
  if (arity > 0 && !args.some((a) => a.kind === 'name')) args[rng.int(arity)] = nameRef(rng.pick(names));

  const drawn = args.map((a): ValueType => (a.kind === 'name' ? readable.get(a.id)! : 'scalar'));
  const tensors = names.filter((n) => readable.get(n) === 'tensor');
  const scalars = names.filter((n) => readable.get(n) === 'scalar');
  const fits = (types: readonly ValueType[]) => {
    const t = resultType(op, types);
    return typeof t === 'string' && (want === 'any' || t === want) && (tensors.length > 0 || !types.includes('tensor'));
  };
  if (fits(drawn)) return args;
  const changes = (types: readonly ValueType[]) => types.filter((t, i) => t !== drawn[i]).length;
  const candidates = typeLists(arity).filter(fits);
  if (candidates.length === 0) return undefined;
  const fewest = Math.min(...candidates.map(changes));
  const nearest = candidates.filter((types) => changes(types) === fewest);
  rng.pick(nearest).forEach((t, i) => {
    if (t === drawn[i]) return;
    if (t === 'tensor') args[i] = nameRef(rng.pick(tensors));
    else args[i] = scalars.length > 0 ? nameRef(rng.pick(scalars)) : constant();
  });
  return args;
}

/** Every list of `arity` value types (arity is at most 3, so at most 8 lists). */
function typeLists(arity: number): ValueType[][] {
  let lists: ValueType[][] = [[]];
  for (let i = 0; i < arity; i++) lists = lists.flatMap((l) => [[...l, 'scalar' as const], [...l, 'tensor' as const]]);
  return lists;
}

/** The type of an expression of a checked program. */
function exprType(e: Expr, env: ReadonlyMap<string, ValueType>): ValueType {
  const sub = (x: Expr) => exprType(x, env);
  let t: ValueType | { error: string };
  switch (e.kind) {
    case 'number':
      return 'scalar';
    case 'name': {
      const found = env.get(e.id);
      if (!found) throw new Error(`'${e.id}' is not defined here`);
      return found;
    }
    case 'negate':
      return sub(e.operand);
    case 'binary':
      t = resultType(BINARY_OP_NAMES[e.op], [sub(e.left), sub(e.right)]);
      break;
    case 'call':
      t = resultType(e.fn as OpName, e.args.map(sub));
      break;
    default:
      return assertNever(e);
  }
  if (typeof t === 'object') throw new Error(t.error);
  return t;
}

/** Whether statements from `index` on, or the return, read `name` before assigning it. */
function readBeforeAssigned(program: Program, index: number, name: string): boolean {
  for (const stmt of program.body.slice(index)) {
    if (namesRead(stmt.value).includes(name)) return true;
    if (stmt.target === name) return false;
  }
  return program.ret.values.some((v) => namesRead(v).includes(name));
}

function resolveOptions(options: Partial<GenerateOptions>): GenerateOptions {
  const o = { ...DEFAULT_GENERATE_OPTIONS, ...options };
  for (const role of ['w', 'g', 'lr']) {
    if (!o.params.includes(role)) throw new RangeError(`params must include '${role}'`);
  }
  if (new Set(o.params).size !== o.params.length) throw new RangeError('params must be distinct');
  const [least, most] = o.statements;
  if (!(Number.isInteger(least) && Number.isInteger(most) && least >= 1 && most >= least)) {
    throw new RangeError(`statements must be an integer range [min, max] with 1 <= min <= max, got [${least}, ${most}]`);
  }
  if (o.functions.length === 0 && o.operators.length === 0) throw new RangeError('no functions or operators to use');
  const unknown = o.functions.find((fn) => !CALLABLE_OPS.includes(fn));
  if (unknown !== undefined) throw new RangeError(`'${unknown}' is not a callable function`);
  return o;
}

function paramType(name: string): ValueType {
  return isRole(name) ? ROLE_PARAMS[name as keyof typeof ROLE_PARAMS] : 'tensor';
}

function isRole(name: string): boolean {
  return Object.hasOwn(ROLE_PARAMS, name);
}

function freshName(taken: ReadonlySet<string>): string {
  let i = 1;
  while (taken.has(`v${i}`)) i++;
  return `v${i}`;
}

function nameRef(id: string): Expr {
  return { kind: 'name', id, pos: NO_POS };
}
