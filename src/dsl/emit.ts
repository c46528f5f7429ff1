// Graph nodes back to expression ASTs, and float32 constants back to short decimal literals.
import { NO_POS, type Expr } from './ast.js';
import type { GraphNode, NodeId } from './graph.js';
import type { BinaryOp } from './ast.js';
import type { OpName } from './ops.js';

const OPERATOR: Partial<Record<OpName, BinaryOp>> = { add: '+', sub: '-', mul: '*', div: '/', power: '**' };

/** The shortest decimal that reads back as the same float32 value. */
export function shortestFloat32(v: number): number {
  if (!Number.isFinite(v) || v === 0) return v;
  for (let digits = 1; digits <= 9; digits++) {
    const candidate = Number(v.toPrecision(digits));
    if (Math.fround(candidate) === v) return candidate;
  }
  return v;
}

/**
 * The expression computing node `id`. Nodes that have their own statement (isStatement) are read
 * by name, except the root when `defining` it.
 */
export function emitExpression(
  nodes: readonly GraphNode[],
  id: NodeId,
  nameOf: (id: NodeId) => string,
  isStatement: (id: NodeId) => boolean,
  defining: boolean,
): Expr {
  const visit = (x: NodeId, root: boolean): Expr => {
    const n = nodes[x]!;
    if (n.kind === 'input' || (isStatement(x) && !(root && defining))) {
      return { kind: 'name', id: nameOf(x), pos: NO_POS };
    }
    if (n.kind === 'const') return { kind: 'number', value: shortestFloat32(n.value), pos: NO_POS };
    const args = n.args.map((a) => visit(a, false));
    const operator = OPERATOR[n.op];
    if (operator) return { kind: 'binary', op: operator, left: args[0]!, right: args[1]!, pos: NO_POS };
    if (n.op === 'negative') return { kind: 'negate', operand: args[0]!, pos: NO_POS };
    return { kind: 'call', fn: n.op, args, keywords: [], pos: NO_POS };
  };
  return visit(id, true);
}
