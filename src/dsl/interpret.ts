// Reference interpreter: runs one optimizer step on Float32Array inputs with float32 semantics.
import { assertNever, type Expr } from './ast.js';
import type { CheckedOptimizer } from './check.js';
import { expandMacro, type OpAlgebra } from './macros.js';
import { BINARY_OP_NAMES, OPS, type MacroOpName, type OpName, type OpSpec } from './ops.js';

/** A scalar (a float32 value held in a number) or a tensor shaped like the parameter. */
export type Value = number | Float32Array;

export interface StepInputs {
  readonly w: Float32Array;
  readonly g: Float32Array;
  readonly lr: number;
  /** 1-based step number; read only by programs that declare `step`. */
  readonly step: number;
  /** Current state, one tensor per slot in signature order. */
  readonly slots: readonly Float32Array[];
}

export interface StepOutputs {
  readonly update: Float32Array;
  readonly slots: Float32Array[];
}

export function runStep(checked: CheckedOptimizer, inputs: StepInputs): StepOutputs {
  const n = inputs.w.length;
  const env = new Map<string, Value>([
    ['w', inputs.w],
    ['g', inputs.g],
    ['lr', Math.fround(inputs.lr)],
    ['step', Math.fround(inputs.step)],
  ]);
  checked.signature.slots.forEach((slot, i) => env.set(slot, inputs.slots[i]!));
  for (const stmt of checked.program.body) env.set(stmt.target, evaluate(stmt.value, env));
  const [update, ...slots] = checked.program.ret.values.map((e) => broadcast(evaluate(e, env), n));
  return { update: update!, slots };
}

export function evaluate(e: Expr, env: ReadonlyMap<string, Value>): Value {
  switch (e.kind) {
    case 'number':
      return Math.fround(e.value);
    case 'name': {
      const v = env.get(e.id);
      if (v === undefined) throw new Error(`unchecked program reads '${e.id}'`);
      return v;
    }
    case 'negate':
      return applyOp('negative', [evaluate(e.operand, env)]);
    case 'binary':
      return applyOp(BINARY_OP_NAMES[e.op], [evaluate(e.left, env), evaluate(e.right, env)]);
    case 'call':
      return applyOp(e.fn as OpName, e.args.map((a) => evaluate(a, env)));
    default:
      return assertNever(e);
  }
}

const VALUES: OpAlgebra<Value> = { apply: (op, args) => applyOp(op, args), constant: Math.fround };

export function applyOp(op: OpName, args: readonly Value[]): Value {
  const spec: OpSpec = OPS[op];
  switch (spec.kind) {
    case 'constant':
      return spec.scalar!();
    case 'map':
      return mapValues(spec.scalar!, args);
    case 'reduce':
      return reduce(op, args as Float32Array[]);
    case 'macro':
      return expandMacro(op as MacroOpName, VALUES, args);
  }
}

/** Reductions accumulate in float64 and round once at the end. */
function reduce(op: OpName, [x, y]: readonly Float32Array[]): number {
  let sum = 0;
  switch (op) {
    case 'norm':
      for (let i = 0; i < x!.length; i++) sum += x![i]! * x![i]!;
      return Math.fround(Math.sqrt(sum));
    case 'mean':
      for (let i = 0; i < x!.length; i++) sum += x![i]!;
      return Math.fround(sum / x!.length);
    case 'dot':
      for (let i = 0; i < x!.length; i++) sum += x![i]! * y![i]!;
      return Math.fround(sum);
    default:
      throw new Error(`${op} is not a reduction`);
  }
}

function mapValues(fn: (...xs: number[]) => number, args: readonly Value[]): Value {
  const tensor = args.find((a): a is Float32Array => typeof a !== 'number');
  if (!tensor) return fn(...(args as number[]));
  const n = tensor.length;
  const out = new Float32Array(n);
  const at = args.map((a) => (typeof a === 'number' ? () => a : (i: number) => a[i]!));
  if (at.length === 1) {
    const a = at[0]!;
    for (let i = 0; i < n; i++) out[i] = fn(a(i));
  } else if (at.length === 2) {
    const [a, b] = at as [(i: number) => number, (i: number) => number];
    for (let i = 0; i < n; i++) out[i] = fn(a(i), b(i));
  } else {
    for (let i = 0; i < n; i++) out[i] = fn(...at.map((get) => get(i)));
  }
  return out;
}

export function broadcast(v: Value, n: number): Float32Array {
  return typeof v === 'number' ? new Float32Array(n).fill(v) : v;
}
