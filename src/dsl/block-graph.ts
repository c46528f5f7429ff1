// A checked block as a dataflow graph over activations: constants folded, names resolved, and, when
// simplifying, local rewrites, common subexpressions shared and commutative operands in a canonical
// order. Ops with parameters (dense, layer_norm, dconv) are never shared: each call site owns its
// weights, so two `dense(h, width)` are two projections, as in the model.
import { createHash } from 'node:crypto';
import { assertNever, type Expr } from './ast.js';
import type { BlockValue, CheckedBlock } from './block-check.js';
import { BINARY_OP_NAMES, BLOCK_OPS, type BlockOpName, type BlockOpSpec } from './ops.js';

export type BlockNodeId = number;

export type BlockGraphNode =
  | { readonly kind: 'input' }
  | { readonly kind: 'const'; readonly value: number }
  | {
      readonly kind: 'op';
      readonly op: BlockOpName;
      readonly args: readonly BlockNodeId[];
      /** Output width, a multiple of the model width. */
      readonly width: number;
      /** Taps of a dconv, heads of an attention. */
      readonly attr?: number;
      /** Call site of an op with parameters, in source order: which weights it owns. */
      readonly site?: number;
    };

export type BlockOpNode = Extract<BlockGraphNode, { kind: 'op' }>;

export interface BlockGraph {
  readonly nodes: readonly BlockGraphNode[];
  readonly output: BlockNodeId;
  /** The input's name, for printing. */
  readonly input: string;
  /** Statement names that held a node, for printing. */
  readonly names: ReadonlyMap<BlockNodeId, string>;
}

/** Ops that own parameters. */
export const PARAMETRIC_KINDS: ReadonlySet<BlockOpSpec['kind']> = new Set(['dense', 'layer_norm', 'dconv']);

export function isParametric(n: BlockGraphNode): n is BlockOpNode {
  return n.kind === 'op' && PARAMETRIC_KINDS.has((BLOCK_OPS[n.op] as BlockOpSpec).kind);
}

export interface BlockGraphOptions {
  /** Apply the rewrites, share subexpressions and order commutative operands. Default true. */
  readonly simplify?: boolean;
}

/** The graph of a checked block. */
export function buildBlockGraph(checked: CheckedBlock, options: BlockGraphOptions = {}): BlockGraph {
  const b = new BlockGraphBuilder(options.simplify ?? true);
  const env = new Map<string, BlockNodeId>([[checked.input, b.input()]]);
  const names = new Map<BlockNodeId, string>();
  const valueOf = (e: Expr): BlockValue => checked.values.get(e)!;
  const expr = (e: Expr): BlockNodeId => {
    const v = valueOf(e);
    if (v.kind === 'scalar') return b.constant(v.value);
    if (v.kind === 'size') throw new Error('a size is read only by dense()');
    switch (e.kind) {
      case 'number':
        return b.constant(e.value);
      case 'name':
        return env.get(e.id)!;
      case 'negate':
        return b.op('negative', [expr(e.operand)], v.width);
      case 'binary': {
        const op = BINARY_OP_NAMES[e.op];
        if (op === 'power') throw new Error('`**` of activations does not check');
        return b.op(op, [expr(e.left), expr(e.right)], v.width);
      }
      case 'call': {
        const fn = e.fn as BlockOpName;
        const spec: BlockOpSpec = BLOCK_OPS[fn];
        if (spec.kind === 'dense') return b.op(fn, [expr(e.args[0]!)], v.width);
        if (spec.kind === 'dconv') return b.op(fn, [expr(e.args[0]!)], v.width, (valueOf(e.args[1]!) as { value: number }).value);
        if (spec.kind === 'attention') {
          const heads = valueOf(e.keywords.find((k) => k.name === 'heads')!.value) as { value: number };
          return b.op(fn, e.args.map(expr), v.width, heads.value);
        }
        return b.op(fn, e.args.map(expr), v.width);
      }
      default:
        return assertNever(e);
    }
  };
  for (const stmt of checked.program.body) {
    const id = expr(stmt.value);
    env.set(stmt.target, id);
    if (!names.has(id) && b.nodes[id]!.kind === 'op') names.set(id, stmt.target);
  }
  return { nodes: b.nodes, output: expr(checked.program.ret.values[0]!), input: checked.input, names };
}

/**
 * Structural keys of the nodes: equal for equal structure. Constants are their value, or a wildcard
 * when `wildcardConstants` (the shape key); call sites are left out, so two projections of one
 * input have one key.
 */
export function structuralKeys(nodes: readonly BlockGraphNode[], wildcardConstants = false): string[] {
  const keys: string[] = [];
  nodes.forEach((n, id) => (keys[id] = nodeKey(n, keys, wildcardConstants)));
  return keys;
}

function nodeKey(n: BlockGraphNode, keys: readonly string[], wildcard: boolean): string {
  let text: string;
  if (n.kind === 'input') text = 'x';
  else if (n.kind === 'const') text = wildcard ? '#' : `c${n.value}`;
  else text = `${n.op}[${n.width},${n.attr ?? ''}](${n.args.map((a) => keys[a]).join(',')})`;
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

/** The nodes the output reads, in post-order from the output (arguments in order); each once. */
export function liveOrder(graph: BlockGraph): BlockNodeId[] {
  const seen = new Set<BlockNodeId>();
  const order: BlockNodeId[] = [];
  const visit = (root: BlockNodeId) => {
    // Iterative post-order: a long chain of statements must not exhaust the stack.
    const stack: [BlockNodeId, number][] = [[root, 0]];
    seen.add(root);
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      const n = graph.nodes[top[0]]!;
      const args = n.kind === 'op' ? n.args : [];
      if (top[1] < args.length) {
        const next = args[top[1]++]!;
        if (!seen.has(next)) {
          seen.add(next);
          stack.push([next, 0]);
        }
      } else {
        order.push(top[0]);
        stack.pop();
      }
    }
  };
  visit(graph.output);
  return order;
}

/** Builds nodes, applying the rewrites below to each new op when simplifying. */
class BlockGraphBuilder {
  readonly nodes: BlockGraphNode[] = [];
  private readonly keys: string[] = [];
  private readonly shared = new Map<string, BlockNodeId>();
  private sites = 0;

  constructor(private readonly simplify: boolean) {}

  input(): BlockNodeId {
    return this.add({ kind: 'input' }, 'input');
  }

  constant(value: number): BlockNodeId {
    return this.add({ kind: 'const', value }, `c${value}`);
  }

  op(op: BlockOpName, args: BlockNodeId[], width: number, attr?: number): BlockNodeId {
    const node: BlockOpNode = { kind: 'op', op, args, width, ...(attr === undefined ? {} : { attr }) };
    if (isParametric(node)) return this.add({ ...node, site: this.sites++ });
    if (!this.simplify) return this.add(node);
    const rewritten = this.rewrite(node);
    if (typeof rewritten === 'number') return rewritten;
    const canonical = this.ordered(rewritten);
    return this.add(canonical, `${canonical.op}|${canonical.attr ?? ''}|${canonical.args.join(',')}`);
  }

  private add(node: BlockGraphNode, shareKey?: string): BlockNodeId {
    if (shareKey !== undefined && this.simplify) {
      const existing = this.shared.get(shareKey);
      if (existing !== undefined) return existing;
    }
    const id = this.nodes.length;
    this.nodes.push(node);
    this.keys.push(nodeKey(node, this.keys, false));
    if (shareKey !== undefined) this.shared.set(shareKey, id);
    return id;
  }

  /** Commutative operands: activations before constants, then by structural key. */
  private ordered(node: BlockOpNode): BlockOpNode {
    if (!(BLOCK_OPS[node.op] as BlockOpSpec).commutative) return node;
    const rank = (id: BlockNodeId) => `${this.nodes[id]!.kind === 'const' ? 1 : 0}${this.keys[id]}`;
    const args = [...node.args].sort((a, b) => (rank(a) < rank(b) ? -1 : rank(a) > rank(b) ? 1 : 0));
    return { ...node, args };
  }

  private constOf(id: BlockNodeId): number | undefined {
    const n = this.nodes[id]!;
    return n.kind === 'const' ? n.value : undefined;
  }

  /** One local rewrite, to a node already built (its id) or to a new op; rewrites recurse through `op`. */
  private rewrite(n: BlockOpNode): BlockOpNode | BlockNodeId {
    const [a, b] = n.args as [BlockNodeId, BlockNodeId | undefined];
    const ca = this.constOf(a);
    const cb = b === undefined ? undefined : this.constOf(b);
    const inner = this.nodes[a]!;
    const innerOp = inner.kind === 'op' ? inner.op : undefined;
    switch (n.op) {
      // Scaling and shifting are mul and add by a constant, written after the activation.
      case 'negative':
        return this.op('mul', [a, this.constant(-1)], n.width);
      case 'div':
        return this.op('mul', [a, this.constant(1 / cb!)], n.width);
      case 'sub':
        if (cb !== undefined) return this.op('add', [a, this.constant(-cb)], n.width);
        if (ca !== undefined) return this.op('add', [this.op('mul', [b!, this.constant(-1)], n.width), a], n.width);
        return n;
      case 'add':
      case 'mul': {
        const [x, c] = ca !== undefined ? [b!, ca] : [a, cb];
        if (c === undefined) return n;
        if (c === (n.op === 'add' ? 0 : 1)) return x;
        const xn = this.nodes[x]!;
        // (x ∘ c1) ∘ c2 → x ∘ (c1 ∘ c2)
        if (xn.kind === 'op' && xn.op === n.op) {
          const c1 = this.constOf(xn.args[1]!);
          if (c1 !== undefined) return this.op(n.op, [xn.args[0]!, this.constant(n.op === 'add' ? c1 + c : c1 * c)], n.width);
        }
        return { ...n, args: [x, this.constant(c)] };
      }
      case 'max':
      case 'min':
        return a === b ? a : n;
      case 'relu':
        if (innerOp === 'relu' || innerOp === 'abs' || innerOp === 'square') return a;
        return n;
      case 'abs':
        if (innerOp === 'abs' || innerOp === 'relu' || innerOp === 'square') return a;
        if (this.isNegation(inner)) return this.op('abs', [(inner as BlockOpNode).args[0]!], n.width);
        return n;
      case 'square':
        if (innerOp === 'abs' || this.isNegation(inner)) return this.op('square', [(inner as BlockOpNode).args[0]!], n.width);
        return n;
      case 'gelu':
      case 'sigmoid':
      case 'tanh':
      case 'attention':
      case 'dense':
      case 'layer_norm':
      case 'dconv':
        return n;
      default:
        return assertNever(n.op);
    }
  }

  private isNegation(n: BlockGraphNode): boolean {
    return n.kind === 'op' && n.op === 'mul' && this.constOf(n.args[1]!) === -1;
  }
}
