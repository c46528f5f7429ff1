// Lowering pass 3: splits the graph into reduction passes and one fused elementwise kernel.
//
// A node's level is the number of reductions on its longest path from the inputs. Reductions of
// level L run in pass L (a partial kernel over the elements, then a one-workgroup final kernel),
// after the scalars they read exist. Scalars of level 0 (functions of lr, step and constants) are
// computed on the host with the interpreter's own float32 functions, so they match it bit for bit;
// scalars of level L >= 1 are computed by pass L's final kernel. Every scalar a later kernel reads
// gets a slot in the uniform Params.s array. Tensor nodes are recomputed in each kernel that needs
// them, which costs arithmetic but never memory traffic.
import { carriedSlots, OPS, reachable, type GraphNode, type NodeId, type OptimizerGraph, type ReduceOpName } from '../dsl/index.js';

export interface Reduction {
  readonly node: NodeId;
  readonly op: ReduceOpName;
  readonly args: readonly NodeId[];
}

export interface ReductionPass {
  /** 1-based: pass L reads scalars of levels below L. */
  readonly level: number;
  readonly reductions: readonly Reduction[];
  /** Scalar op nodes of this level, computed after the reductions, in topological order. */
  readonly scalars: readonly NodeId[];
}

/** Where the fused kernel writes a state slot; `keep` leaves the buffer as it is. */
export type SlotWrite = { readonly kind: 'write'; readonly node: NodeId } | { readonly kind: 'keep'; readonly why: 'unchanged' | 'dead' };

export interface KernelPlan {
  /** The macro-free graph the plan refers to. */
  readonly graph: OptimizerGraph;
  readonly levels: readonly number[];
  /** Scalar nodes (inputs and ops) of level 0, in topological order: the host computes them each step. */
  readonly hostScalars: readonly NodeId[];
  readonly passes: readonly ReductionPass[];
  /** Index in Params.s of every scalar that a kernel other than the one computing it reads. */
  readonly scalarSlots: ReadonlyMap<NodeId, number>;
  readonly update: NodeId;
  readonly slotWrites: readonly SlotWrite[];
}

export interface ScheduleOptions {
  /**
   * Leave state slots whose value never reaches a later update unwritten (Program 4's
   * `m = cosh(update)`), saving their memory traffic. The interpreter returns them; with this on
   * the buffer keeps its entry value instead. Default false: outputs equal runStep's.
   */
  readonly dropDeadState?: boolean;
}

export function schedule(graph: OptimizerGraph, options: ScheduleOptions = {}): KernelPlan {
  const { nodes } = graph;
  const levels = nodeLevels(nodes);
  const carried = options.dropDeadState ? carriedSlots(graph) : graph.slots.map(() => true);
  const slotWrites = graph.slots.map((node, i): SlotWrite => {
    const own = nodes[node];
    if (own?.kind === 'input' && own.name === graph.signature.slots[i]) return { kind: 'keep', why: 'unchanged' };
    return carried[i] ? { kind: 'write', node } : { kind: 'keep', why: 'dead' };
  });
  const outputs = [graph.update, ...slotWrites.flatMap((w) => (w.kind === 'write' ? [w.node] : []))];
  const live = liveNodes(nodes, outputs);

  const hostScalars: NodeId[] = [];
  const byLevel = new Map<number, { reductions: Reduction[]; scalars: NodeId[] }>();
  const passOf = (level: number) => {
    let pass = byLevel.get(level);
    if (pass === undefined) byLevel.set(level, (pass = { reductions: [], scalars: [] }));
    return pass;
  };
  for (const id of live) {
    const node = nodes[id]!;
    if (node.type !== 'scalar' || node.kind === 'const') continue;
    const level = levels[id]!;
    if (level === 0) hostScalars.push(id);
    else if (node.kind === 'op' && isReduction(node)) passOf(level).reductions.push({ node: id, op: node.op as ReduceOpName, args: node.args });
    else passOf(level).scalars.push(id);
  }
  const passes = [...byLevel.entries()].sort(([a], [b]) => a - b).map(([level, p]) => ({ level, ...p }));
  const scalarSlots = assignScalarSlots(nodes, live, levels, outputs);
  return { graph, levels, hostScalars, passes, scalarSlots, update: graph.update, slotWrites };
}

function isReduction(node: GraphNode): boolean {
  return node.kind === 'op' && OPS[node.op].kind === 'reduce';
}

/** Reductions on the longest path from the inputs to each node. */
export function nodeLevels(nodes: readonly GraphNode[]): number[] {
  const levels: number[] = [];
  nodes.forEach((node, id) => {
    if (node.kind !== 'op') {
      levels[id] = 0;
      return;
    }
    const deepest = Math.max(0, ...node.args.map((a) => levels[a]!));
    levels[id] = isReduction(node) ? deepest + 1 : deepest;
  });
  return levels;
}

/** Live node ids in ascending (topological) order. */
function liveNodes(nodes: readonly GraphNode[], roots: readonly NodeId[]): NodeId[] {
  return [...reachable(nodes, roots)].sort((a, b) => a - b);
}

/**
 * A non-constant scalar needs a slot when it is an output, or when something evaluated elsewhere
 * reads it: a tensor node (partial or fused kernel), or a scalar of another level.
 */
function assignScalarSlots(
  nodes: readonly GraphNode[],
  live: readonly NodeId[],
  levels: readonly number[],
  outputs: readonly NodeId[],
): Map<NodeId, number> {
  const needs = new Set<NodeId>(outputs.filter((id) => nodes[id]!.type === 'scalar' && nodes[id]!.kind !== 'const'));
  for (const id of live) {
    const node = nodes[id]!;
    if (node.kind !== 'op') continue;
    for (const arg of node.args) {
      const a = nodes[arg]!;
      if (a.type !== 'scalar' || a.kind === 'const') continue;
      const sameKernel = node.type === 'scalar' && levels[id] === levels[arg];
      if (!sameKernel) needs.add(arg);
    }
  }
  const slots = new Map<NodeId, number>();
  for (const id of [...needs].sort((a, b) => a - b)) slots.set(id, slots.size);
  return slots;
}

/** A readable summary of a plan, for debugging a lowering. */
export function dumpPlan(plan: KernelPlan): string {
  const lines = [`host scalars: ${plan.hostScalars.map((id) => `v${id}`).join(' ') || '-'}`];
  for (const pass of plan.passes) {
    const reductions = pass.reductions.map((r) => `v${r.node}=${r.op}(${r.args.map((a) => `v${a}`).join(',')})`);
    lines.push(`pass ${pass.level}: ${reductions.join(' ')}; scalars ${pass.scalars.map((id) => `v${id}`).join(' ') || '-'}`);
  }
  lines.push(`scalar slots: ${[...plan.scalarSlots].map(([id, s]) => `v${id}->s${s}`).join(' ') || '-'}`);
  const writes = plan.slotWrites.map((w, i) => `${i}:${w.kind === 'write' ? `v${w.node}` : w.why}`);
  lines.push(`fused: update=v${plan.update} slots ${writes.join(' ') || '-'}`);
  return lines.join('\n');
}
