// Dataflow graph of one optimizer step: SSA form with shared subexpressions, the form that
// simplification, structural keys and the compilers work on.
//
// Nodes are hash-consed, so equal subexpressions are one node (common-subexpression elimination
// for free), and created in dependency order, so node ids are a topological order.
import { assertNever, type Expr } from './ast.js';
import type { CheckedOptimizer, OptimizerSignature } from './check.js';
import { ROLE_PARAMS } from './check.js';
import { BINARY_OP_NAMES, OPS, resultType, type OpName, type OpSpec, type ValueType } from './ops.js';

export type NodeId = number;

export type GraphNode =
  /** A parameter's value at step entry. */
  | { readonly kind: 'input'; readonly name: string; readonly type: ValueType }
  /** A float32 constant. */
  | { readonly kind: 'const'; readonly value: number; readonly type: 'scalar' }
  | { readonly kind: 'op'; readonly op: OpName; readonly args: readonly NodeId[]; readonly type: ValueType };

export interface OptimizerGraph {
  readonly nodes: readonly GraphNode[];
  readonly update: NodeId;
  /** Each state slot's value at step exit, in signature order. */
  readonly slots: readonly NodeId[];
  readonly signature: OptimizerSignature;
  /** The variable each statement-made node was first assigned to, kept for readable output. */
  readonly names: ReadonlyMap<NodeId, string>;
}

/** A local rewrite: given an op about to be built, return an equivalent node, or undefined. */
export type Rewrite = (op: OpName, args: readonly NodeId[], b: GraphBuilder) => NodeId | undefined;

export class GraphBuilder {
  readonly nodes: GraphNode[] = [];
  private readonly index = new Map<string, NodeId>();

  constructor(private readonly rewrites: readonly Rewrite[] = []) {}

  node(id: NodeId): GraphNode {
    return this.nodes[id]!;
  }

  input(name: string, type: ValueType): NodeId {
    return this.intern(`in:${name}`, { kind: 'input', name, type });
  }

  constant(value: number): NodeId {
    const v = Math.fround(value);
    return this.intern(`c:${Object.is(v, -0) ? '-0' : String(v)}`, { kind: 'const', value: v, type: 'scalar' });
  }

  /** The constant value of a node, if it is one. */
  constValue(id: NodeId): number | undefined {
    const n = this.node(id);
    return n.kind === 'const' ? n.value : undefined;
  }

  op(op: OpName, args: readonly NodeId[]): NodeId {
    const spec: OpSpec = OPS[op];
    if (spec.scalar && (spec.kind === 'constant' || spec.kind === 'map')) {
      const values = args.map((a) => this.constValue(a));
      if (values.every((v) => v !== undefined)) {
        // A NaN or infinite result stays an operation: program text has no literal for it.
        const folded = spec.scalar(...(values as number[]));
        if (Number.isFinite(folded)) return this.constant(folded);
      }
    }
    for (const rewrite of this.rewrites) {
      const replaced = rewrite(op, args, this);
      if (replaced !== undefined) return replaced;
    }
    const type = resultType(op, args.map((a) => this.node(a).type));
    if (typeof type === 'object') throw new Error(`ill-typed graph node: ${type.error}`);
    return this.intern(`op:${op}(${args.join(',')})`, { kind: 'op', op, args, type });
  }

  private intern(key: string, node: GraphNode): NodeId {
    const found = this.index.get(key);
    if (found !== undefined) return found;
    this.nodes.push(node);
    this.index.set(key, this.nodes.length - 1);
    return this.nodes.length - 1;
  }
}

/** Builds the graph of a checked program; the builder's rewrites apply as nodes are made. */
export function buildGraph(checked: CheckedOptimizer, rewrites: readonly Rewrite[] = []): OptimizerGraph {
  const b = new GraphBuilder(rewrites);
  const env = new Map<string, NodeId>();
  const names = new Map<NodeId, string>();
  for (const p of checked.signature.params) {
    env.set(p, b.input(p, Object.hasOwn(ROLE_PARAMS, p) ? ROLE_PARAMS[p as keyof typeof ROLE_PARAMS] : 'tensor'));
  }
  const expr = (e: Expr): NodeId => {
    switch (e.kind) {
      case 'number':
        return b.constant(e.value);
      case 'name':
        return env.get(e.id)!;
      case 'negate':
        return b.op('negative', [expr(e.operand)]);
      case 'binary':
        return b.op(BINARY_OP_NAMES[e.op], [expr(e.left), expr(e.right)]);
      case 'call':
        return b.op(e.fn as OpName, e.args.map(expr));
      default:
        return assertNever(e);
    }
  };
  for (const stmt of checked.program.body) {
    const id = expr(stmt.value);
    env.set(stmt.target, id);
    if (!names.has(id) && b.node(id).kind === 'op') names.set(id, stmt.target);
  }
  const [update, ...slots] = checked.program.ret.values.map(expr);
  return { nodes: b.nodes, update: update!, slots, signature: checked.signature, names };
}

/** Ids of every node the given roots depend on (roots included). */
export function reachable(nodes: readonly GraphNode[], roots: readonly NodeId[]): Set<NodeId> {
  const seen = new Set<NodeId>();
  const stack = [...roots];
  while (stack.length > 0) {
    const id = stack.pop()!;
    if (seen.has(id)) continue;
    seen.add(id);
    const n = nodes[id]!;
    if (n.kind === 'op') stack.push(...n.args);
  }
  return seen;
}

/**
 * State slots whose value is carried from one step into the next: a slot counts only if what it
 * holds at step entry can reach the update, directly or through other carried slots. A slot written
 * in one step and overwritten before it is read in the next (Program 4's `m = cosh(update)`) is not.
 */
export function carriedSlots(graph: OptimizerGraph): boolean[] {
  const { nodes, signature } = graph;
  let carried = signature.slots.map(() => false);
  for (;;) {
    const roots = [graph.update, ...graph.slots.filter((_, i) => carried[i])];
    const live = reachable(nodes, roots);
    const next = signature.slots.map((slot) =>
      [...live].some((id) => {
        const n = nodes[id]!;
        return n.kind === 'input' && n.name === slot;
      }),
    );
    if (next.every((c, i) => c === carried[i])) return carried;
    carried = next;
  }
}
