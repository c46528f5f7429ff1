// Algebraic rewrites applied while the graph is built, each a small named rule.
//
// "exact" rules give the interpreter's float32 result bit for bit, except where the comment says;
// "reassociating" rules are identities of real arithmetic whose float32 rounding may differ in the
// last bits, and are left out when simplifying must not change a single bit.
import type { GraphBuilder, NodeId, Rewrite } from './graph.js';
import { OPS, type OpName, type OpSpec } from './ops.js';

function opOf(b: GraphBuilder, id: NodeId): { op: OpName; args: readonly NodeId[] } | undefined {
  const n = b.node(id);
  return n.kind === 'op' ? n : undefined;
}

function isOp(b: GraphBuilder, id: NodeId, op: OpName): readonly NodeId[] | undefined {
  const n = opOf(b, id);
  return n?.op === op ? n.args : undefined;
}

/** x * x or square(x): the x, if id is one of them. */
function squared(b: GraphBuilder, id: NodeId): NodeId | undefined {
  const sq = isOp(b, id, 'square');
  if (sq) return sq[0];
  const m = isOp(b, id, 'mul');
  return m && m[0] === m[1] ? m[0] : undefined;
}

const isPositiveConst = (b: GraphBuilder, id: NodeId) => (b.constValue(id) ?? 0) > 0;

/** Commutative ops keep a constant operand second, so later rules look in one place. */
const constantSecond: Rewrite = (op, args, b) => {
  const spec: OpSpec = OPS[op];
  if (spec.commutative && args.length === 2 && b.constValue(args[0]!) !== undefined && b.constValue(args[1]!) === undefined) {
    return b.op(op, [args[1]!, args[0]!]);
  }
  return undefined;
};

/** x * 1, x / 1, x + 0, x - 0 → x (exact: -0 and +0 behave alike in every op of the language). */
const identityOperand: Rewrite = (op, [x, y], b) => {
  const c = y === undefined ? undefined : b.constValue(y);
  if (c === 1 && (op === 'mul' || op === 'div')) return x;
  if (c === 0 && (op === 'add' || op === 'sub')) return x;
  return undefined;
};

/** --x → x; abs(-x), abs(abs(x)) → abs(x); sign(sign(x)) → sign(x); square(-x) → square(x). */
const idempotentUnary: Rewrite = (op, [x], b) => {
  if (x === undefined) return undefined;
  const inner = opOf(b, x);
  if (!inner) return undefined;
  if (op === 'negative' && inner.op === 'negative') return inner.args[0];
  if (op === 'abs' && (inner.op === 'abs' || inner.op === 'negative')) return b.op('abs', [inner.args[0]!]);
  if (op === 'sign' && inner.op === 'sign') return x;
  if (op === 'square' && inner.op === 'negative') return b.op('square', [inner.args[0]!]);
  return undefined;
};

/** sqrt(x * x) → abs(x); holds while x * x is a normal float32 (2^-63 <= |x| < 1.8e19). */
const sqrtOfSquare: Rewrite = (op, [x], b) => {
  if (op !== 'sqrt' || x === undefined) return undefined;
  const base = squared(b, x);
  return base === undefined ? undefined : b.op('abs', [base]);
};

/** x / abs(x) → sign(x); exact for finite x, since division by zero gives 0 = sign(0). */
const divideByAbs: Rewrite = (op, [x, y], b) => {
  if (op !== 'div' || y === undefined) return undefined;
  const a = isOp(b, y, 'abs');
  return a && a[0] === x ? b.op('sign', [x!]) : undefined;
};

/** sign(x * c), sign(x / c) with a constant c > 0 → sign(x); holds unless x * c underflows to 0. */
const positiveScaleInSign: Rewrite = (op, [x], b) => {
  if (op !== 'sign' || x === undefined) return undefined;
  const inner = opOf(b, x);
  if ((inner?.op === 'mul' || inner?.op === 'div') && isPositiveConst(b, inner.args[1]!)) {
    return b.op('sign', [inner.args[0]!]);
  }
  return undefined;
};

/** (x * c1) * c2 → x * (c1 * c2). Reassociates: rounding may differ in the last bit. */
const foldScaleChain: Rewrite = (op, [x, y], b) => {
  const c2 = y === undefined ? undefined : b.constValue(y);
  if (op !== 'mul' || c2 === undefined) return undefined;
  const inner = isOp(b, x!, 'mul');
  const c1 = inner ? b.constValue(inner[1]!) : undefined;
  return c1 === undefined ? undefined : b.op('mul', [inner![0]!, b.constant(c1 * c2)]);
};

/**
 * interp(a, interp(a, b, s), t) → interp(a, b, s * t): two moving averages toward the same input
 * are one. (1-t)a + t((1-s)a + s·b) = (1-st)a + st·b. Reassociates: rounding may differ.
 */
const interpChain: Rewrite = (op, [a, inner, t], b) => {
  if (op !== 'interp' || t === undefined) return undefined;
  const args = isOp(b, inner!, 'interp');
  const tv = b.constValue(t);
  const sv = args ? b.constValue(args[2]!) : undefined;
  if (!args || args[0] !== a || tv === undefined || sv === undefined) return undefined;
  return b.op('interp', [a!, args[1]!, b.constant(sv * tv)]);
};

export const EXACT_REWRITES: readonly Rewrite[] = [
  constantSecond,
  identityOperand,
  idempotentUnary,
  sqrtOfSquare,
  divideByAbs,
  positiveScaleInSign,
];

export const REASSOCIATING_REWRITES: readonly Rewrite[] = [foldScaleChain, interpChain];

export const ALL_REWRITES: readonly Rewrite[] = [...EXACT_REWRITES, ...REASSOCIATING_REWRITES];
