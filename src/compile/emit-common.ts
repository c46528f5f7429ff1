// What every emitted kernel shares: the Params uniform, binding declarations and expression lines.
//
// Identifiers in the WGSL are all generated (`v12` for graph node 12, `b_s0` for state slot 0):
// no text of the program reaches the shader.
import type { GraphNode, NodeId, OptimizerGraph } from '../dsl/index.js';
import { barrier, barrierFunctionsWgsl, f32Literal } from './wgsl-literals.js';
import { mathLibrary, type MathName } from './wgsl-math.js';
import { WGSL_OPS, type WgslOp } from './wgsl-ops.js';

/** A buffer a kernel binds, in binding order. */
export type BindingRole =
  | { readonly role: 'params'; readonly access: 'uniform' | 'read_write' }
  | { readonly role: 'w' | 'g'; readonly access: 'read' | 'read_write' }
  | { readonly role: 'slot'; readonly index: number; readonly access: 'read' | 'read_write' }
  | { readonly role: 'update'; readonly access: 'read_write' }
  | { readonly role: 'partials'; readonly access: 'read' | 'read_write' };

/** Params layout in 32-bit words: n, row_stride, groups, first, mask (4 zeros), then scalars. */
export const PARAMS_HEADER_WORDS = 8;

export function paramsWords(scalarCount: number): number {
  return PARAMS_HEADER_WORDS + 4 * Math.max(1, Math.ceil(scalarCount / 4));
}

export function paramsStruct(scalarCount: number): string {
  const vectors = Math.max(1, Math.ceil(scalarCount / 4));
  return `struct Params {
  n: u32,
  row_stride: u32,
  groups: u32,
  first: u32,
  mask: vec4<u32>,
  s: array<vec4<f32>, ${vectors}>,
}`;
}

/** Params.s[k] as WGSL (uniform arrays hold vec4s). */
export function scalarRef(slot: number): string {
  return `P.s[${slot >> 2}].${'xyzw'[slot & 3]}`;
}

export function bufferName(b: BindingRole): string {
  switch (b.role) {
    case 'params':
      return 'P';
    case 'slot':
      return `b_s${b.index}`;
    case 'update':
      return 'b_upd';
    case 'partials':
      return 'b_part';
    default:
      return `b_${b.role}`;
  }
}

/** `vector`: tensors are bound as array<vec4<f32>>, four elements per item. */
export function bindingDeclarations(bindings: readonly BindingRole[], vector = false): string {
  return bindings
    .map((b, i) => {
      const element = vector && b.role !== 'partials' ? 'vec4<f32>' : 'f32';
      const decl =
        b.role === 'params'
          ? b.access === 'uniform'
            ? 'var<uniform> P: Params'
            : 'var<storage, read_write> P: Params'
          : `var<storage, ${b.access}> ${bufferName(b)}: array<${element}>`;
      return `@group(0) @binding(${i}) ${decl};`;
    })
    .join('\n');
}

/** Which input a tensor input node is: w, g, or state slot i. */
export function inputRole(graph: OptimizerGraph, node: GraphNode): { role: 'w' | 'g' } | { role: 'slot'; index: number } {
  if (node.kind !== 'input') throw new Error('not an input node');
  if (node.name === 'w' || node.name === 'g') return { role: node.name };
  const index = graph.signature.slots.indexOf(node.name);
  if (index < 0) throw new Error(`input '${node.name}' is neither w, g nor a state slot`);
  return { role: 'slot', index };
}

/** Writes `let v<id> = ...;` lines for op nodes, collecting the helper functions they call. */
export class ExpressionWriter {
  readonly lines: string[] = [];
  /** Nodes held in a local `v<id>` of the kernel being written. */
  readonly locals = new Set<NodeId>();

  constructor(
    private readonly graph: OptimizerGraph,
    private readonly scalarSlots: ReadonlyMap<NodeId, number>,
    private readonly barriers: boolean,
    /** Appended to local names, so that one kernel can hold several lanes' copies (`v12_3`). */
    private readonly suffix = '',
    /** Helper functions used, shared by the lane writers of one kernel. */
    readonly helpers = new Set<MathName>(),
  ) {}

  /** A node's value as a WGSL expression: a local, a constant, or a Params scalar. */
  ref(id: NodeId): string {
    if (this.locals.has(id)) return `v${id}${this.suffix}`;
    const node = this.graph.nodes[id]!;
    if (node.kind === 'const') return f32Literal(node.value);
    const slot = this.scalarSlots.get(id);
    if (slot === undefined) throw new Error(`node v${id} is neither computed in this kernel nor in a scalar slot`);
    return scalarRef(slot);
  }

  /** Declares an already computed value (a load, an accumulator) as the local of `id`. */
  define(id: NodeId, expr: string): void {
    this.lines.push(`let v${id}${this.suffix} = ${expr};`);
    this.locals.add(id);
  }

  /** Emits op node `id`, whose operands must already be locals, constants or scalar slots. */
  op(id: NodeId): void {
    const node = this.graph.nodes[id]!;
    if (node.kind !== 'op') throw new Error(`v${id} is not an op`);
    const entry: WgslOp | undefined = (WGSL_OPS as Partial<Record<string, WgslOp>>)[node.op];
    if (entry === undefined) throw new Error(`${node.op} has no elementwise WGSL form`);
    for (const name of entry.uses) this.helpers.add(name);
    const operands = node.args.map((a, i) => barrier(this.ref(a), i, this.barriers));
    const constants = node.args.map((a) => {
      const n = this.graph.nodes[a]!;
      return n.kind === 'const' ? n.value : undefined;
    });
    this.define(id, entry.emit(operands, constants));
  }

  /** The wrapped form of an operand at a position, for code written outside the op table. */
  operand(id: NodeId, position: number): string {
    return barrier(this.ref(id), position, this.barriers);
  }

  /** Barrier functions (identities when barriers are off) and the helpers used so far. */
  prelude(): string {
    const barriers = this.barriers
      ? barrierFunctionsWgsl()
      : ['oa', 'ob', 'oc'].map((name) => `fn ${name}(x: f32) -> f32 { return x; }`).join('\n');
    return `${barriers}\n${mathLibrary(this.helpers)}`;
  }
}

/**
 * Tensor op nodes that `roots` need, in topological order, and the tensor inputs they read.
 * Scalars are leaves: they come from constants or Params.
 */
export function tensorCone(graph: OptimizerGraph, roots: readonly NodeId[]): { inputs: NodeId[]; ops: NodeId[] } {
  const seen = new Set<NodeId>();
  const stack = roots.filter((id) => graph.nodes[id]!.type === 'tensor');
  while (stack.length > 0) {
    const id = stack.pop()!;
    if (seen.has(id)) continue;
    seen.add(id);
    const node = graph.nodes[id]!;
    if (node.kind === 'op') for (const a of node.args) if (graph.nodes[a]!.type === 'tensor') stack.push(a);
  }
  const sorted = [...seen].sort((a, b) => a - b);
  return {
    inputs: sorted.filter((id) => graph.nodes[id]!.kind === 'input'),
    ops: sorted.filter((id) => graph.nodes[id]!.kind === 'op'),
  };
}
