// A program's structure up to constants (shape key): the simplified dataflow with every constant a
// wildcard, so that two programs with the same key differ only in their hyperparameters.
import { createHash } from 'node:crypto';
import type { CheckedOptimizer } from './check.js';
import type { GraphNode, NodeId, OptimizerGraph } from './graph.js';
import { OPS, type OpSpec } from './ops.js';
import { simplifiedGraph } from './simplify.js';

export interface ShapeKeyOptions {
  /**
   * Keep constant factors (`x * c`, `x / c`) as part of the shape. By default they are dropped: a
   * factor one program has and the other lacks (`update * lr` against `update * (lr * 0.0003)`) is
   * a constant whose value in the other program is 1. The Lion classifier keeps them, because it
   * reads β1 and β2 off a matched shape and a factor inside an interp would change what they mean.
   */
  readonly keepFactors?: boolean;
}

/**
 * Hash of the simplified program's dataflow with every constant replaced by a wildcard, operands of
 * commutative ops in sorted order, and state slots anonymous: equal for the same program up to
 * hyperparameters, names, statement order, dead code and unused state slots.
 */
export function shapeKey(checked: CheckedOptimizer, options: ShapeKeyOptions = {}): string {
  const { graph, carried } = simplifiedGraph(checked);
  const slots = new Set(checked.signature.slots);
  const memo = new Map<NodeId, string>();
  const key = (id: NodeId): string => {
    const cached = memo.get(id);
    if (cached !== undefined) return cached;
    const n: GraphNode = graph.nodes[id]!;
    const factorOf = options.keepFactors ? undefined : scaledOperand(graph, n);
    let digest: string;
    if (factorOf !== undefined) digest = key(factorOf);
    else {
      const text = n.kind === 'const' ? '#' : n.kind === 'input' ? (slots.has(n.name) ? 'slot' : n.name) : opText(n, key);
      digest = createHash('sha256').update(text).digest('hex').slice(0, 16);
    }
    memo.set(id, digest);
    return digest;
  };
  const slotKeys = graph.slots.filter((_, i) => carried[i]).map(key).sort();
  return createHash('sha256').update(`${key(graph.update)}|${slotKeys.join(',')}`).digest('hex').slice(0, 16);
}

function opText(n: Extract<GraphNode, { kind: 'op' }>, key: (id: NodeId) => string): string {
  const args = n.args.map(key);
  if ((OPS[n.op] as OpSpec).commutative) args.sort();
  return `${n.op}(${args.join(',')})`;
}

/** For `x * c`, `c * x` and `x / c` with c constant, the node x; otherwise undefined. */
function scaledOperand(graph: OptimizerGraph, n: GraphNode): NodeId | undefined {
  if (n.kind !== 'op' || (n.op !== 'mul' && n.op !== 'div')) return undefined;
  const [a, b] = n.args as [NodeId, NodeId];
  const isConst = (id: NodeId) => graph.nodes[id]!.kind === 'const';
  if (isConst(b) && !isConst(a)) return a;
  if (n.op === 'mul' && isConst(a) && !isConst(b)) return b;
  return undefined;
}
