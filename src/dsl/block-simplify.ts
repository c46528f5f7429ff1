// Block simplifier: the simplified graph (folding, rewrites, shared subexpressions, dead code gone)
// written back as a canonical program. A node gets its own statement when it is read more than once
// or is an attention; everything else is written inline where it is used.
import { assertNever, NO_POS, type Assign, type Expr, type Program } from './ast.js';
import { checkBlock, printWidth, WIDTH_NAME, type BlockCheckOptions, type CheckedBlock } from './block-check.js';
import { buildBlockGraph, liveOrder, type BlockGraph, type BlockNodeId } from './block-graph.js';
import { ErrorSink } from './errors.js';
import { BLOCK_OPS, type BlockOpSpec } from './ops.js';
import { printProgram } from './printer.js';

export interface SimplifiedBlock {
  readonly checked: CheckedBlock;
  readonly graph: BlockGraph;
}

export function simplifyBlock(checked: CheckedBlock, options: BlockCheckOptions = {}): SimplifiedBlock {
  const graph = buildBlockGraph(checked);
  const program = blockGraphToProgram(graph, checked.program.name);
  const text = printProgram(program);
  return { checked: checkBlock(program, new ErrorSink('<simplified>', text), options), graph };
}

export function blockGraphToProgram(graph: BlockGraph, name: string): Program {
  const live = liveOrder(graph);
  const uses = new Map<BlockNodeId, number>();
  for (const id of live) {
    const n = graph.nodes[id]!;
    if (n.kind === 'op') for (const a of n.args) uses.set(a, (uses.get(a) ?? 0) + 1);
  }
  const isStatement = (id: BlockNodeId) => {
    const n = graph.nodes[id]!;
    return id !== graph.output && n.kind === 'op' && ((uses.get(id) ?? 0) > 1 || n.op === 'attention');
  };
  const named = new Map<BlockNodeId, string>();
  const body: Assign[] = [];
  const expr = (id: BlockNodeId): Expr => {
    const label = named.get(id);
    if (label !== undefined) return { kind: 'name', id: label, pos: NO_POS };
    return opExpr(graph, id, expr);
  };
  for (const id of live.filter(isStatement)) {
    const value = opExpr(graph, id, expr);
    const target = `h${body.length + 1}`;
    named.set(id, target);
    body.push({ kind: 'assign', target, value, pos: NO_POS });
  }
  return {
    name,
    params: [{ name: graph.input, pos: NO_POS }],
    body,
    ret: { values: [expr(graph.output)], pos: NO_POS },
    pos: NO_POS,
  };
}

const num = (value: number): Expr => ({ kind: 'number', value, pos: NO_POS });
const ref = (id: string): Expr => ({ kind: 'name', id, pos: NO_POS });
const call = (fn: string, args: Expr[], keywords: { name: string; value: Expr }[] = []): Expr => ({
  kind: 'call',
  fn,
  args,
  keywords: keywords.map((k) => ({ ...k, pos: NO_POS })),
  pos: NO_POS,
});
const binary = (op: '+' | '-' | '*' | '/', left: Expr, right: Expr): Expr => ({ kind: 'binary', op, left, right, pos: NO_POS });

/** A width multiple as an expression: `width`, `4 * width`, `width / 2`. */
export function widthExpr(multiple: number): Expr {
  const text = printWidth(multiple);
  if (text === WIDTH_NAME) return ref(WIDTH_NAME);
  const [left, op, right] = text.split(' ') as [string, '*' | '/', string];
  return op === '*' ? binary('*', num(Number(left)), ref(WIDTH_NAME)) : binary('/', ref(WIDTH_NAME), num(Number(right)));
}

function opExpr(graph: BlockGraph, id: BlockNodeId, expr: (id: BlockNodeId) => Expr): Expr {
  const n = graph.nodes[id]!;
  if (n.kind === 'input') return ref(graph.input);
  if (n.kind === 'const') return num(n.value);
  const args = n.args.map(expr);
  const constant = (i: number) => {
    const a = graph.nodes[n.args[i]!]!;
    return a.kind === 'const' ? a.value : undefined;
  };
  const spec: BlockOpSpec = BLOCK_OPS[n.op];
  switch (n.op) {
    case 'add': {
      const c = constant(1);
      return c !== undefined && c < 0 ? binary('-', args[0]!, num(-c)) : binary('+', args[0]!, args[1]!);
    }
    case 'mul':
      return constant(1) === -1 ? { kind: 'negate', operand: args[0]!, pos: NO_POS } : binary('*', args[0]!, args[1]!);
    case 'sub':
      return binary('-', args[0]!, args[1]!);
    case 'div':
      return binary('/', args[0]!, args[1]!);
    case 'negative':
      return { kind: 'negate', operand: args[0]!, pos: NO_POS };
    case 'dense':
      return call('dense', [args[0]!, widthExpr(n.width)]);
    case 'dconv':
      return call('dconv', [args[0]!, num(n.attr!)]);
    case 'attention':
      return call('attention', args, [{ name: 'heads', value: num(n.attr!) }]);
    case 'max':
    case 'min':
    case 'relu':
    case 'gelu':
    case 'square':
    case 'sigmoid':
    case 'tanh':
    case 'abs':
    case 'layer_norm':
      if (spec.operator) throw new Error(`${n.op} is written as an operator`);
      return call(n.op, args);
    default:
      return assertNever(n.op);
  }
}
