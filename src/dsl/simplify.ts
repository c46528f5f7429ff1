// Simplifier: program → graph (folding, copy propagation, rewrites) → dead-code removal → program.
import type { Assign, Expr, Program } from './ast.js';
import { NO_POS } from './ast.js';
import { checkOptimizer, type CheckedOptimizer } from './check.js';
import { ErrorSink } from './errors.js';
import { buildGraph, carriedSlots, reachable, type GraphNode, type NodeId, type OptimizerGraph } from './graph.js';
import { ALL_REWRITES, EXACT_REWRITES } from './rewrites.js';
import { emitExpression } from './emit.js';
import { printProgram } from './printer.js';

export interface SimplifyOptions {
  /**
   * Also apply rewrites that are identities of real arithmetic but may round differently
   * (constant-scale chains, chained interps). Default true.
   */
  readonly reassociate?: boolean;
}

export interface Simplified {
  readonly checked: CheckedOptimizer;
  /** The simplified graph with dead state and dead statements dropped. */
  readonly graph: OptimizerGraph;
  readonly carried: readonly boolean[];
}

export function simplifiedGraph(checked: CheckedOptimizer, options: SimplifyOptions = {}): { graph: OptimizerGraph; carried: boolean[] } {
  const rewrites = options.reassociate === false ? EXACT_REWRITES : ALL_REWRITES;
  const full = buildGraph(checked, rewrites);
  const carried = carriedSlots(full);
  // A slot nobody reads keeps its entry value: what it held is unobservable either way.
  const slots = full.slots.map((id, i) => (carried[i] ? id : inputOf(full, full.signature.slots[i]!)));
  return { graph: { ...full, slots }, carried };
}

export function simplifyOptimizer(checked: CheckedOptimizer, options: SimplifyOptions = {}): Simplified {
  const { graph, carried } = simplifiedGraph(checked, options);
  const program = graphToProgram(graph, carried, checked.program.name);
  const text = printProgram(program);
  return { checked: checkOptimizer(program, new ErrorSink('<simplified>', text)), graph, carried };
}

function inputOf(graph: OptimizerGraph, name: string): NodeId {
  const id = graph.nodes.findIndex((n) => n.kind === 'input' && n.name === name);
  if (id < 0) throw new Error(`no input node for '${name}'`);
  return id;
}

/**
 * Turns a graph back into statements: a node gets its own statement when it is used more than once
 * or is an output; everything else is written inline where it is used.
 */
export function graphToProgram(graph: OptimizerGraph, carried: readonly boolean[], name: string): Program {
  const { nodes, signature } = graph;
  const liveSlots = graph.slots.filter((_, i) => carried[i]);
  const live = reachable(nodes, [graph.update, ...liveSlots]);
  const uses = new Map<NodeId, number>();
  for (const id of live) {
    const n = nodes[id]!;
    if (n.kind === 'op') for (const a of n.args) uses.set(a, (uses.get(a) ?? 0) + 1);
  }
  const outputs = new Set<NodeId>([graph.update, ...liveSlots]);
  const isStatement = (id: NodeId) =>
    nodes[id]!.kind === 'op' && (outputs.has(id) || (uses.get(id) ?? 0) > 1);
  const slotFinals = new Set(liveSlots);
  const order = statementOrder(nodes, [...live].filter(isStatement), (id) => slotFinals.has(id) && id !== graph.update);

  const preferred = (id: NodeId): string => {
    if (id === graph.update) return 'update';
    const slot = graph.slots.findIndex((s, i) => s === id && carried[i]);
    return slot >= 0 ? signature.slots[slot]! : graph.names.get(id) ?? 't';
  };
  const namer = new Namer(nodes, order, isStatement, [graph.update, ...liveSlots]);
  const body: Assign[] = [];
  order.forEach((id, index) => {
    const value = emitExpression(nodes, id, (leaf) => namer.nameOf(leaf), isStatement, true);
    body.push({ kind: 'assign', target: namer.assign(id, preferred(id), index), value, pos: NO_POS });
  });
  // Carried slots must hold their final value under their own name when the step ends.
  const pending = signature.slots
    .map((slot, i) => ({ slot, id: graph.slots[i]! }))
    .filter(({ slot, id }, i) => carried[i] && namer.holder(slot) !== id);
  // The return reads the update after the copies, so what it reads must survive them.
  const returnReads = isStatement(graph.update) ? [graph.update] : leavesOf(nodes, graph.update, isStatement);
  body.push(...namer.parallelCopies(pending, returnReads));
  const ret: Expr[] = [
    emitExpression(nodes, graph.update, (leaf) => namer.nameOf(leaf), isStatement, false),
    ...signature.slots.map((slot): Expr => ({ kind: 'name', id: slot, pos: NO_POS })),
  ];
  return { name, params: signature.params.map((p) => ({ name: p, pos: NO_POS })), body, ret: { values: ret, pos: NO_POS }, pos: NO_POS };
}

/** Chooses variable names so that no value still needed is overwritten. */
class Namer {
  private readonly holders = new Map<string, NodeId>();
  private readonly names = new Map<NodeId, string>();
  private readonly lastUse = new Map<NodeId, number>();

  constructor(
    private readonly nodes: readonly GraphNode[],
    order: readonly NodeId[],
    isStatement: (id: NodeId) => boolean,
    outputs: readonly NodeId[],
  ) {
    nodes.forEach((n, id) => {
      if (n.kind === 'input') {
        this.holders.set(n.name, id);
        this.names.set(id, n.name);
      }
    });
    order.forEach((id, index) => {
      for (const leaf of leavesOf(nodes, id, isStatement)) this.lastUse.set(leaf, index);
    });
    // Outputs are read by the return, after every statement.
    for (const id of outputs) this.lastUse.set(id, Infinity);
  }

  nameOf(id: NodeId): string {
    const name = this.names.get(id);
    if (name === undefined) throw new Error(`node ${id} has no variable yet`);
    return name;
  }

  holder(name: string): NodeId | undefined {
    return this.holders.get(name);
  }

  /** Picks a name for the node made by statement `index`, reusing `wanted` when that is safe. */
  assign(id: NodeId, wanted: string, index: number): string {
    let name = wanted;
    for (let k = 2; !this.isFree(name, index); k++) name = `${wanted}_${k}`;
    this.holders.set(name, id);
    this.names.set(id, name);
    return name;
  }

  private isFree(name: string, index: number): boolean {
    const held = this.holders.get(name);
    if (held === undefined) return true;
    return (this.lastUse.get(held) ?? -1) <= index;
  }

  /** Assignments `slot = value` done as if all at once, saving a value to a temporary to break a cycle. */
  parallelCopies(pending: { slot: string; id: NodeId }[], laterReads: readonly NodeId[]): Assign[] {
    const out: Assign[] = [];
    const todo = [...pending];
    const readByOther = (slot: string) =>
      todo.some((o) => o.slot !== slot && this.names.get(o.id) === slot) ||
      laterReads.some((id) => this.names.get(id) === slot && this.holders.get(slot) === id);
    while (todo.length > 0) {
      const ready = todo.findIndex(({ slot }) => !readByOther(slot));
      if (ready < 0) {
        const slot = todo[0]!.slot;
        const held = this.holders.get(slot)!;
        const temp = this.assign(held, `${slot}_prev`, Infinity);
        out.push({ kind: 'assign', target: temp, value: { kind: 'name', id: slot, pos: NO_POS }, pos: NO_POS });
        continue;
      }
      const { slot, id } = todo.splice(ready, 1)[0]!;
      out.push(this.copy(slot, id));
      this.holders.set(slot, id);
    }
    return out;
  }

  private copy(target: string, id: NodeId): Assign {
    const n = this.nodes[id]!;
    const value: Expr =
      n.kind === 'const' ? { kind: 'number', value: n.value, pos: NO_POS } : { kind: 'name', id: this.nameOf(id), pos: NO_POS };
    return { kind: 'assign', target, value, pos: NO_POS };
  }
}

/** Nodes an expression rooted at `id` reads by name: inputs and other statements. */
function leavesOf(nodes: readonly GraphNode[], id: NodeId, isStatement: (id: NodeId) => boolean): NodeId[] {
  const out: NodeId[] = [];
  const visit = (x: NodeId, root: boolean) => {
    const n = nodes[x]!;
    if (n.kind === 'input' || (!root && isStatement(x))) out.push(x);
    else if (n.kind === 'op') for (const a of n.args) visit(a, false);
  };
  visit(id, true);
  return out;
}

/**
 * A topological order of the statement nodes that writes new state as late as it can, so a slot's
 * entry value is read before the slot is overwritten and no temporary copy is needed.
 */
function statementOrder(nodes: readonly GraphNode[], statements: NodeId[], late: (id: NodeId) => boolean): NodeId[] {
  const pending = new Set(statements);
  const dependsOn = new Map<NodeId, Set<NodeId>>();
  for (const id of statements) {
    const deps = new Set<NodeId>();
    const visit = (x: NodeId) => {
      const n = nodes[x]!;
      if (n.kind !== 'op') return;
      for (const a of n.args) {
        if (pending.has(a)) deps.add(a);
        else visit(a);
      }
    };
    visit(id);
    dependsOn.set(id, deps);
  }
  const order: NodeId[] = [];
  while (pending.size > 0) {
    const ready = [...pending].filter((id) => [...dependsOn.get(id)!].every((d) => !pending.has(d)));
    const pick = ready.find((id) => !late(id)) ?? ready[0]!;
    order.push(pick);
    pending.delete(pick);
  }
  return order;
}
