// Lowering passes 1 and 2: a checked program becomes a dataflow graph, and macros become primitive ops.
import {
  buildGraph,
  EXACT_REWRITES,
  expandMacro,
  GraphBuilder,
  OPS,
  type CheckedOptimizer,
  type GraphNode,
  type MacroOpName,
  type NodeId,
  type OpAlgebra,
  type OptimizerGraph,
  type OpSpec,
} from '../dsl/index.js';

/**
 * `none` keeps every operation the program writes (constant folding and sharing of equal
 * subexpressions still apply: both give the interpreter's bits). `exact` adds the simplifier's
 * exact rewrites, which differ from the interpreter in two documented corners: sqrt(x * x) → |x|
 * when x * x overflows or underflows, and sign(c * x) → sign(x) when c * x underflows.
 */
export type GraphRewrites = 'none' | 'exact';

/** Pass 1: the program's SSA graph, nodes in topological order. */
export function programGraph(checked: CheckedOptimizer, rewrites: GraphRewrites = 'none'): OptimizerGraph {
  return buildGraph(checked, rewrites === 'exact' ? EXACT_REWRITES : []);
}

/**
 * Pass 2: the same graph with every macro (rms, cosine_sim, clip_by_norm) replaced by its
 * definition in primitive ops, through the expansion the interpreter uses (macros.ts), so both
 * round at the same places.
 */
export function expandMacros(graph: OptimizerGraph): OptimizerGraph {
  const b = new GraphBuilder();
  const algebra: OpAlgebra<NodeId> = {
    apply: (op, args) => b.op(op, args),
    constant: (value) => b.constant(value),
  };
  const mapped: NodeId[] = [];
  graph.nodes.forEach((node, id) => {
    mapped[id] = rebuild(node, b, algebra, mapped);
  });
  const at = (id: NodeId) => mapped[id]!;
  const names = new Map<NodeId, string>();
  for (const [id, name] of graph.names) if (!names.has(at(id))) names.set(at(id), name);
  return { nodes: b.nodes, update: at(graph.update), slots: graph.slots.map(at), signature: graph.signature, names };
}

function rebuild(node: GraphNode, b: GraphBuilder, algebra: OpAlgebra<NodeId>, mapped: readonly NodeId[]): NodeId {
  switch (node.kind) {
    case 'input':
      return b.input(node.name, node.type);
    case 'const':
      return b.constant(node.value);
    case 'op': {
      const args = node.args.map((a) => mapped[a]!);
      const spec: OpSpec = OPS[node.op];
      return spec.kind === 'macro' ? expandMacro(node.op as MacroOpName, algebra, args) : b.op(node.op, args);
    }
  }
}

/** One line per node, for debugging a lowering: `v7 = interp(v1, v3, 0.9)  # m`. */
export function dumpGraph(graph: OptimizerGraph): string {
  const lines = graph.nodes.map((node, id) => {
    const text =
      node.kind === 'input'
        ? `input ${node.name}: ${node.type}`
        : node.kind === 'const'
          ? `const ${node.value}`
          : `${node.op}(${node.args.map((a) => `v${a}`).join(', ')}): ${node.type}`;
    const name = graph.names.get(id);
    return `v${id} = ${text}${name === undefined ? '' : `  # ${name}`}`;
  });
  const slots = graph.slots.map((s, i) => `${graph.signature.slots[i]}=v${s}`).join(', ');
  lines.push(`return update=v${graph.update}${slots === '' ? '' : `, ${slots}`}`);
  return lines.join('\n');
}
