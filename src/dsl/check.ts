// Checker for the optimizer dialect: names, arity, scalar/tensor types and the return shape.
import { assertNever, type Expr, type Program } from './ast.js';
import { DslError, ErrorSink } from './errors.js';
import { CALLABLE_OPS, BINARY_OP_NAMES, OPS, isOpName, resultType, type OpName, type ValueType } from './ops.js';

/** Parameters with a fixed role; every other parameter is a state slot. */
export const ROLE_PARAMS = { w: 'tensor', g: 'tensor', lr: 'scalar', step: 'scalar' } as const;
const REQUIRED_ROLES = ['w', 'g', 'lr'] as const;

export interface OptimizerSignature {
  /** Parameter names in declaration order. */
  readonly params: readonly string[];
  /** State slots (zero-initialised tensors carried across steps), in parameter order. */
  readonly slots: readonly string[];
  readonly usesStep: boolean;
}

export interface CheckedOptimizer {
  readonly program: Program;
  readonly signature: OptimizerSignature;
  /** Type of the update the program returns (a scalar update is broadcast). */
  readonly updateType: ValueType;
}

export function checkOptimizer(program: Program, errors: ErrorSink): CheckedOptimizer {
  const params = program.params.map((p) => p.name);
  for (const role of REQUIRED_ROLES) {
    if (!params.includes(role)) {
      throw errors.error(program.pos, `an optimizer takes '${role}' as a parameter (w weight, g gradient, lr learning rate)`);
    }
  }
  const slots = params.filter((p) => !Object.hasOwn(ROLE_PARAMS, p));
  const env = new Map<string, ValueType>();
  for (const p of params) env.set(p, Object.hasOwn(ROLE_PARAMS, p) ? ROLE_PARAMS[p as keyof typeof ROLE_PARAMS] : 'tensor');

  const assignedLater = (index: number, name: string) => program.body.slice(index).some((s) => s.target === name);
  program.body.forEach((stmt, index) => {
    env.set(stmt.target, typeOf(stmt.value, env, errors, (name) => assignedLater(index, name)));
  });
  const never = () => false;
  const [update, ...rest] = program.ret.values;
  const updateType = typeOf(update!, env, errors, never);
  rest.forEach((value, i) => {
    const slot = slots[i];
    if (slot === undefined) {
      throw errors.error(value.pos, `return has ${program.ret.values.length} values; expected the update${slotList(slots)}`);
    }
    if (value.kind !== 'name' || value.id !== slot) {
      throw errors.error(value.pos, `return value ${i + 2} must be the state slot '${slot}'`);
    }
  });
  if (rest.length < slots.length) {
    throw errors.error(program.ret.pos, `return omits state slot '${slots[rest.length]}': return the update${slotList(slots)}`);
  }
  return { program, signature: { params, slots, usesStep: params.includes('step') }, updateType };
}

function slotList(slots: readonly string[]): string {
  return slots.length === 0 ? ' alone' : `, then ${slots.join(', ')}`;
}

function typeOf(
  e: Expr,
  env: ReadonlyMap<string, ValueType>,
  errors: ErrorSink,
  assignedLater: (name: string) => boolean,
): ValueType {
  const sub = (x: Expr) => typeOf(x, env, errors, assignedLater);
  switch (e.kind) {
    case 'number':
      return 'scalar';
    case 'name': {
      const t = env.get(e.id);
      if (t) return t;
      if (assignedLater(e.id)) throw errors.error(e.pos, `'${e.id}' is used before it is assigned`);
      throw errors.error(e.pos, `undefined name '${e.id}'`);
    }
    case 'negate':
      return sub(e.operand);
    case 'binary':
      return apply(BINARY_OP_NAMES[e.op], [sub(e.left), sub(e.right)], e, errors);
    case 'call': {
      if (!isOpName(e.fn) || !CALLABLE_OPS.includes(e.fn)) {
        const operator = Object.entries(BINARY_OP_NAMES).find(([, op]) => op === e.fn)?.[0];
        const hint = operator ? `; write the operator '${operator}' instead` : suggestion(e.fn);
        throw errors.error(e.pos, `unknown function '${e.fn}'${hint}`);
      }
      const spec = OPS[e.fn];
      if (e.keywords.length > 0) {
        throw errors.error(e.keywords[0]!.pos, 'keyword arguments belong to the block dialect, not to optimizers');
      }
      if (e.args.length !== spec.arity) {
        const noun = spec.arity === 1 ? 'argument' : 'arguments';
        throw errors.error(e.pos, `${e.fn}() takes ${spec.arity} ${noun}, got ${e.args.length}`);
      }
      return apply(e.fn, e.args.map(sub), e, errors);
    }
    default:
      return assertNever(e);
  }
}

function apply(op: OpName, args: ValueType[], e: Expr, errors: ErrorSink): ValueType {
  const t = resultType(op, args);
  if (typeof t === 'object') throw errors.error(e.pos, t.error);
  return t;
}

function suggestion(name: string): string {
  let best: string | undefined;
  let bestDistance = Math.max(1, Math.floor(name.length / 3)) + 1;
  for (const candidate of CALLABLE_OPS) {
    const d = editDistance(name.toLowerCase(), candidate);
    if (d < bestDistance) [best, bestDistance] = [candidate, d];
  }
  return best ? `; did you mean '${best}'?` : '';
}

export function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row.push(Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1)));
    }
    prev = row;
  }
  return prev[b.length]!;
}

export { DslError };
