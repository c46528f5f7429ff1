// Lowering pass 4: WGSL for each reduction pass (partial and final kernels) and the fused elementwise kernel.
import type { NodeId, ReduceOpName } from '../dsl/index.js';
import {
  bindingDeclarations,
  bufferName,
  ExpressionWriter,
  inputRole,
  paramsStruct,
  scalarRef,
  tensorCone,
  type BindingRole,
} from './emit-common.js';
import type { KernelPlan, ReductionPass } from './schedule.js';
import { f32Literal as L } from './wgsl-literals.js';
import type { MathName } from './wgsl-math.js';

/** What the fused kernel writes besides the state: the update, the new weight w - update, or both. */
export type OutputMode = 'update' | 'weight' | 'both';

export interface Kernel {
  /** `fused`, or `pass<L>-partial` / `pass<L>-final`. */
  readonly name: string;
  readonly wgsl: string;
  readonly bindings: readonly BindingRole[];
  readonly workgroupSize: number;
  /**
   * elements: a 2-D grid of workgroups covering n (Params.row_stride threads per row);
   * vectors: the same over n / 4 four-element items; tail: the last n mod 4 elements;
   * groups: Params.groups workgroups in one row; one: a single workgroup.
   */
  readonly dispatch: 'elements' | 'vectors' | 'tail' | 'groups' | 'one';
  /** f32 accumulators per workgroup written to the partials buffer (reduction kernels). */
  readonly accumulators?: number;
}

export interface EmitOptions {
  readonly output: OutputMode;
  /** Threads per workgroup of the fused kernel. */
  readonly workgroupSize: number;
  /** Operand barriers against the shader compiler's inexact algebra (wgsl-literals.ts). */
  readonly barriers: boolean;
  /** Four elements per thread through vec4 bindings, plus a scalar kernel for the rest. */
  readonly vectorize: boolean;
}

/** Workgroup memory of the reductions stays within compatibility mode's 16 KiB: 4096 floats. */
const WORKGROUP_FLOATS = 4096;
const REDUCTION_WORKGROUP = 256;

/** Pass 4: kernels in dispatch order; the fused kernels are last. */
export function emitKernels(plan: KernelPlan, options: EmitOptions): Kernel[] {
  const scalarCount = plan.scalarSlots.size;
  const kernels: Kernel[] = [];
  for (const pass of plan.passes) kernels.push(...emitReductionPass(plan, pass, scalarCount, options.barriers));
  kernels.push(...emitFused(plan, scalarCount, options));
  return kernels;
}

function accumulatorCount(op: ReduceOpName): number {
  return op === 'norm' ? 3 : 1;
}

/** Largest power-of-two workgroup whose tree-reduction arrays fit WORKGROUP_FLOATS. */
export function reductionWorkgroupSize(accumulators: number): number {
  let size = REDUCTION_WORKGROUP;
  while (size > 1 && size * accumulators > WORKGROUP_FLOATS) size /= 2;
  return size;
}

function treeReduce(size: number, accumulators: number): string {
  const adds = Array.from({ length: accumulators }, (_, k) => {
    const at = k === 0 ? 'lid' : `${k * size}u + lid`;
    return `red[${at}] = red[${at}] + red[${at} + s];`;
  });
  return `workgroupBarrier();
  for (var s = ${size / 2}u; s > 0u; s = s >> 1u) {
    if (lid < s) { ${adds.join(' ')} }
    workgroupBarrier();
  }`;
}

function emitReductionPass(plan: KernelPlan, pass: ReductionPass, scalarCount: number, barriers: boolean): Kernel[] {
  const { graph } = plan;
  const accumulators = pass.reductions.reduce((sum, r) => sum + accumulatorCount(r.op), 0);
  const size = reductionWorkgroupSize(accumulators);
  const accs = Array.from({ length: accumulators }, (_, k) => `a${k}`);

  // Partial kernel: each workgroup sums a strided share of the elements.
  const writer = new ExpressionWriter(graph, plan.scalarSlots, barriers);
  const cone = tensorCone(graph, pass.reductions.flatMap((r) => r.args));
  const bindings: BindingRole[] = [{ role: 'params', access: 'uniform' }];
  for (const id of cone.inputs) {
    const role = inputRole(graph, graph.nodes[id]!);
    const binding: BindingRole = { ...role, access: 'read' };
    writer.define(id, `${bufferName(binding)}[i]`);
    bindings.push(binding);
  }
  for (const id of cone.ops) writer.op(id);
  const accumulate: string[] = [];
  let k = 0;
  for (const r of pass.reductions) {
    const x = writer.ref(r.args[0]!);
    if (r.op === 'mean') accumulate.push(`a${k} = a${k} + ${x};`);
    else if (r.op === 'dot') accumulate.push(`a${k} = a${k} + ${writer.operand(r.args[0]!, 0)} * ${writer.operand(r.args[1]!, 1)};`);
    else {
      accumulate.push(
        `{ let q = abs(${x}); let big = q > ${L(2 ** 50)}; let small = q < ${L(2 ** -60)};`,
        `  let t = q * select(select(${L(1)}, ${L(2 ** 80)}, small), ${L(2 ** -80)}, big); let t2 = t * t;`,
        `  a${k} = a${k} + select(${L(0)}, t2, big); a${k + 1} = a${k + 1} + select(t2, ${L(0)}, big || small); a${k + 2} = a${k + 2} + select(${L(0)}, t2, small); }`,
      );
    }
    k += accumulatorCount(r.op);
  }
  const partialBinding: BindingRole = { role: 'partials', access: 'read_write' };
  bindings.push(partialBinding);
  const store = accs.map((_, j) => `b_part[wid3.x * ${accumulators}u + ${j}u] = red[${j * size}u];`).join(' ');
  const partial = `${paramsStruct(scalarCount)}
${bindingDeclarations(bindings)}
var<workgroup> red: array<f32, ${size * accumulators}>;
${writer.prelude()}
@compute @workgroup_size(${size})
fn main(@builtin(local_invocation_id) lid3: vec3<u32>, @builtin(workgroup_id) wid3: vec3<u32>) {
  let lid = lid3.x;
  ${accs.map((a) => `var ${a} = ${L(0)};`).join(' ')}
  let stride = P.groups * ${size}u;
  for (var i = wid3.x * ${size}u + lid; i < P.n; i = i + stride) {
    ${[...writer.lines, ...accumulate].join('\n    ')}
  }
  ${accs.map((a, j) => `red[${j === 0 ? 'lid' : `${j * size}u + lid`}] = ${a};`).join(' ')}
  ${treeReduce(size, accumulators)}
  if (lid == 0u) { ${store} }
}
`;
  return [
    { name: `pass${pass.level}-partial`, wgsl: partial, bindings, workgroupSize: size, dispatch: 'groups', accumulators },
    emitFinal(plan, pass, scalarCount, barriers, size, accumulators),
  ];
}

/** One workgroup sums the partials, finishes each reduction and computes this level's scalars. */
function emitFinal(plan: KernelPlan, pass: ReductionPass, scalarCount: number, barriers: boolean, size: number, accumulators: number): Kernel {
  const writer = new ExpressionWriter(plan.graph, plan.scalarSlots, barriers);
  const bindings: BindingRole[] = [{ role: 'params', access: 'read_write' }, { role: 'partials', access: 'read' }];
  const accs = Array.from({ length: accumulators }, (_, k) => `a${k}`);
  const sums = accs.map((a, j) => `${a} = ${a} + b_part[j * ${accumulators}u + ${j}u];`).join(' ');
  const finish: string[] = [];
  const publish = (id: NodeId) => {
    const slot = plan.scalarSlots.get(id);
    if (slot !== undefined) finish.push(`${scalarRef(slot)} = v${id};`);
  };
  let k = 0;
  for (const r of pass.reductions) {
    const at = (j: number) => `red[${(k + j) * size}u]`;
    if (r.op === 'norm') {
      writer.helpers.add('m_norm_finish');
      writer.define(r.node, `m_norm_finish(${at(0)}, ${at(1)}, ${at(2)})`);
    } else if (r.op === 'mean') writer.define(r.node, `${at(0)} / f32(P.n)`);
    else writer.define(r.node, at(0));
    k += accumulatorCount(r.op);
  }
  for (const r of pass.reductions) publish(r.node);
  for (const id of pass.scalars) writer.op(id);
  for (const id of pass.scalars) publish(id);
  const wgsl = `${paramsStruct(scalarCount)}
${bindingDeclarations(bindings)}
var<workgroup> red: array<f32, ${size * accumulators}>;
${writer.prelude()}
@compute @workgroup_size(${size})
fn main(@builtin(local_invocation_id) lid3: vec3<u32>) {
  let lid = lid3.x;
  ${accs.map((a) => `var ${a} = ${L(0)};`).join(' ')}
  for (var j = lid; j < P.groups; j = j + ${size}u) { ${sums} }
  ${accs.map((a, j) => `red[${j === 0 ? 'lid' : `${j * size}u + lid`}] = ${a};`).join(' ')}
  ${treeReduce(size, accumulators)}
  if (lid == 0u) {
    ${[...writer.lines, ...finish].join('\n    ')}
  }
}
`;
  return { name: `pass${pass.level}-final`, wgsl, bindings, workgroupSize: size, dispatch: 'one', accumulators };
}

/** Bindings of the fused kernels: Params, the inputs the outputs need, written slots, update. */
function fusedBindings(plan: KernelPlan, output: OutputMode, cone: { inputs: readonly NodeId[] }, wNode: NodeId) {
  const { graph } = plan;
  const writeWeight = output !== 'update';
  const written = plan.slotWrites.flatMap((w, index) => (w.kind === 'write' ? [{ index, node: w.node }] : []));
  const reads = new Set<NodeId>(cone.inputs);
  if (writeWeight) reads.add(wNode);
  const bindings: BindingRole[] = [{ role: 'params', access: 'uniform' }];
  const loads: { id: NodeId; binding: BindingRole }[] = [];
  const slotBindings = new Map<number, BindingRole>();
  for (const id of [...reads].sort((a, b) => a - b)) {
    const role = inputRole(graph, graph.nodes[id]!);
    const writes = role.role === 'w' ? writeWeight : role.role === 'slot' && written.some((w) => w.index === role.index);
    const binding: BindingRole = { ...role, access: writes ? 'read_write' : 'read' };
    bindings.push(binding);
    loads.push({ id, binding });
    if (role.role === 'slot') slotBindings.set(role.index, binding);
  }
  for (const { index } of written) {
    if (!slotBindings.has(index)) {
      const binding: BindingRole = { role: 'slot', index, access: 'read_write' };
      slotBindings.set(index, binding);
      bindings.push(binding);
    }
  }
  if (output !== 'weight') bindings.push({ role: 'update', access: 'read_write' });
  const stores = [
    ...(output !== 'weight' ? [{ target: 'b_upd', value: plan.update, minus: undefined }] : []),
    ...(writeWeight ? [{ target: 'b_w', value: plan.update, minus: wNode }] : []),
    ...written.map(({ index, node }) => ({ target: bufferName(slotBindings.get(index)!), value: node, minus: undefined })),
  ];
  return { bindings, loads, stores };
}

/**
 * The fused elementwise kernels. With `vectorize`, one kernel handles four elements per thread
 * through array<vec4<f32>> bindings (llvmpipe moves twice the bytes per second that way) and a
 * scalar kernel handles the last n mod 4 elements from Params.first on; without, the scalar
 * kernel handles everything (first = 0).
 */
function emitFused(plan: KernelPlan, scalarCount: number, options: EmitOptions): Kernel[] {
  const { graph } = plan;
  const roots = [plan.update, ...plan.slotWrites.flatMap((w) => (w.kind === 'write' ? [w.node] : []))];
  const cone = tensorCone(graph, roots);
  const wNode = graph.nodes.findIndex((n) => n.kind === 'input' && n.name === 'w');
  const { bindings, loads, stores } = fusedBindings(plan, options.output, cone, wNode);
  const lanes = options.vectorize ? 4 : 1;
  const kernels: Kernel[] = [];
  for (const width of options.vectorize ? [4, 1] : [1]) {
    const helpers = new Set<MathName>();
    const lines: string[] = [];
    const lane = Array.from({ length: width }, (_, k) => {
      const writer = new ExpressionWriter(graph, plan.scalarSlots, options.barriers, width === 1 ? '' : `_${k}`, helpers);
      for (const { id, binding } of loads) writer.define(id, width === 1 ? `${bufferName(binding)}[i]` : `q${id}.${'xyzw'[k]}`);
      for (const id of cone.ops) writer.op(id);
      return writer;
    });
    if (width > 1) for (const { id, binding } of loads) lines.push(`let q${id} = ${bufferName(binding)}[i];`);
    for (const writer of lane) lines.push(...writer.lines);
    for (const { target, value, minus } of stores) {
      const parts = lane.map((writer) => (minus === undefined ? writer.ref(value) : `oa(${writer.ref(minus)}) - ob(${writer.ref(value)})`));
      lines.push(`${target}[i] = ${width === 1 ? parts[0] : `vec4<f32>(${parts.join(', ')})`};`);
    }
    const index = width === 1 ? 'P.first + gid.x + gid.y * P.row_stride' : 'gid.x + gid.y * P.row_stride';
    const bound = width === 1 ? 'P.n' : 'P.first / 4u';
    const wgsl = `${paramsStruct(scalarCount)}
${bindingDeclarations(bindings, width > 1)}
${lane[0]!.prelude()}
@compute @workgroup_size(${options.workgroupSize})
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = ${index};
  if (i >= ${bound}) { return; }
  ${lines.join('\n  ')}
}
`;
    kernels.push({
      name: width === 1 ? 'fused' : 'fused-vec4',
      wgsl,
      bindings,
      workgroupSize: options.workgroupSize,
      dispatch: width === 1 && lanes === 1 ? 'elements' : width === 1 ? 'tail' : 'vectors',
    });
  }
  return kernels;
}
