// A program prepared for the emitters: typed expression trees with hyperparameters by name and the
// folded learning rate, then optional passes (macro expansion, reduction hoisting) some targets need.
import {
  BINARY_OP_NAMES,
  OPS,
  assertNever,
  expandMacro,
  printProgram,
  resultType,
  type CheckedOptimizer,
  type Expr,
  type MacroOpName,
  type OpAlgebra,
  type OpName,
  type ValueType,
} from '../dsl/index.js';
import { planHyperparameters, type HyperparameterPlan } from './hyperparameters.js';

export type LExpr =
  | { readonly kind: 'const'; readonly value: number; readonly type: 'scalar' }
  | { readonly kind: 'hyper'; readonly name: string; readonly type: 'scalar' }
  | { readonly kind: 'var'; readonly name: string; readonly type: ValueType }
  | { readonly kind: 'op'; readonly op: OpName; readonly args: readonly LExpr[]; readonly type: ValueType };

export interface LStmt {
  readonly target: string;
  readonly value: LExpr;
}

export interface Lowered {
  /** Canonical text of the program, for docstrings. */
  readonly text: string;
  /** Input names in the order the update function takes them: w, g, slots, lr, step (when used). */
  readonly inputs: readonly string[];
  readonly slots: readonly string[];
  readonly usesStep: boolean;
  readonly plan: HyperparameterPlan;
  readonly body: readonly LStmt[];
  /** The update, then each slot's value; scalars are broadcast to the weight's shape. */
  readonly ret: readonly LExpr[];
}

export function lower(checked: CheckedOptimizer): Lowered {
  const plan = planHyperparameters(checked);
  const { program, signature } = checked;
  const env = new Map<string, ValueType>([['w', 'tensor'], ['g', 'tensor'], ['lr', 'scalar'], ['step', 'scalar']]);
  for (const slot of signature.slots) env.set(slot, 'tensor');

  const expr = (e: Expr): LExpr => {
    switch (e.kind) {
      case 'number': {
        const name = plan.names.get(e);
        return name !== undefined ? { kind: 'hyper', name, type: 'scalar' } : { kind: 'const', value: e.value, type: 'scalar' };
      }
      case 'name':
        return { kind: 'var', name: e.id, type: env.get(e.id)! };
      case 'negate':
        return op('negative', [expr(e.operand)]);
      case 'binary':
        if (e === plan.lr.node) return { kind: 'var', name: 'lr', type: 'scalar' };
        return op(BINARY_OP_NAMES[e.op], [expr(e.left), expr(e.right)]);
      case 'call':
        return op(e.fn as OpName, e.args.map(expr));
      default:
        return assertNever(e);
    }
  };
  const body: LStmt[] = [];
  for (const stmt of program.body) {
    const value = expr(stmt.value);
    env.set(stmt.target, value.type);
    const selfCopy = value.kind === 'var' && value.name === stmt.target;
    if (!selfCopy) body.push({ target: stmt.target, value });
  }
  return {
    text: printProgram(program),
    inputs: ['w', 'g', ...signature.slots, 'lr', ...(signature.usesStep ? ['step'] : [])],
    slots: signature.slots,
    usesStep: signature.usesStep,
    plan,
    body,
    ret: program.ret.values.map(expr),
  };
}

export function op(name: OpName, args: readonly LExpr[]): LExpr {
  const type = resultType(name, args.map((a) => a.type));
  if (typeof type !== 'string') throw new Error(`unchecked program: ${type.error}`);
  return { kind: 'op', op: name, args, type };
}

const TREES: OpAlgebra<LExpr> = {
  apply: (name, args) => op(name, args),
  constant: (value) => ({ kind: 'const', value, type: 'scalar' }),
};

/** Pass: every macro written out in the ops that define it (macros.ts). */
export function expandMacros(l: Lowered): Lowered {
  const visit = (e: LExpr): LExpr => {
    if (e.kind !== 'op') return e;
    const args = e.args.map(visit);
    return OPS[e.op].kind === 'macro' ? visit(expandMacro(e.op as MacroOpName, TREES, args)) : op(e.op, args);
  };
  return { ...l, body: l.body.map((s) => ({ ...s, value: visit(s.value) })), ret: l.ret.map(visit) };
}

/**
 * Pass: every reduction (and macro) gets a statement of its own whose tensor arguments are names, so
 * that the remaining expressions are elementwise and a target can compute them in one loop.
 * New names are `r1, r2, ...` (results) and `a1, a2, ...` (arguments), skipping names in use.
 */
export function hoistReductions(l: Lowered): Lowered {
  const used = new Set([...l.inputs, ...l.body.map((s) => s.target), ...l.slots]);
  const fresh = (prefix: string) => {
    let k = 1;
    while (used.has(`${prefix}${k}`)) k++;
    used.add(`${prefix}${k}`);
    return `${prefix}${k}`;
  };
  const body: LStmt[] = [];
  const elementwise = (e: LExpr) => e.kind !== 'op' || OPS[e.op].kind === 'map' || OPS[e.op].kind === 'constant';
  // A reduction at the root of a statement stays there; only its arguments are named.
  const visit = (e: LExpr, root = false): LExpr => {
    if (e.kind !== 'op') return e;
    const args = e.args.map((a) => visit(a));
    if (elementwise(e)) return op(e.op, args);
    const named = args.map((a): LExpr => {
      if (a.kind === 'var' || a.type === 'scalar') return a;
      const target = fresh('a');
      body.push({ target, value: a });
      return { kind: 'var', name: target, type: a.type };
    });
    const value = op(e.op, named);
    if (root) return value;
    const target = fresh('r');
    body.push({ target, value });
    return { kind: 'var', name: target, type: value.type };
  };
  for (const s of l.body) body.push({ target: s.target, value: visit(s.value, true) });
  const ret = l.ret.map((e) => visit(e));
  return { ...l, body, ret };
}

