// The Params uniform the host writes before each step: sizes, zero masks, and the level-0 scalars.
import { OPS, type NodeId, type OpSpec } from '../dsl/index.js';
import { PARAMS_HEADER_WORDS, paramsWords } from './emit-common.js';
import type { KernelPlan } from './schedule.js';

export interface StepShape {
  /** Elements of the parameter tensor. */
  readonly n: number;
  /** Threads per row of the fused kernel's 2-D grid. */
  readonly rowStride: number;
  /** First element of the scalar fused kernel: 0, or 4 * floor(n / 4) after the vec4 kernel. */
  readonly first: number;
  /** Workgroups of each reduction's partial kernel. */
  readonly groups: number;
}

/**
 * Values of the level-0 scalars (functions of lr, step and constants), computed with the
 * interpreter's own float32 functions so they are the interpreter's bits.
 */
export function hostScalarValues(plan: KernelPlan, lr: number, step: number): Map<NodeId, number> {
  const { nodes } = plan.graph;
  const values = new Map<NodeId, number>();
  const valueOf = (id: NodeId): number => {
    const node = nodes[id]!;
    if (node.kind === 'const') return node.value;
    const v = values.get(id);
    if (v === undefined) throw new Error(`host scalar v${id} read before it is computed`);
    return v;
  };
  for (const id of plan.hostScalars) {
    const node = nodes[id]!;
    if (node.kind === 'input') {
      if (node.name !== 'lr' && node.name !== 'step') throw new Error(`scalar input '${node.name}' is neither lr nor step`);
      values.set(id, Math.fround(node.name === 'lr' ? lr : step));
    } else if (node.kind === 'op') {
      const spec: OpSpec = OPS[node.op];
      if (spec.kind !== 'map' || spec.scalar === undefined) throw new Error(`${node.op} cannot run on the host`);
      values.set(id, spec.scalar(...node.args.map(valueOf)));
    }
  }
  return values;
}

/** A fresh Params image (little-endian words) for one step. */
export function paramsImage(plan: KernelPlan, shape: StepShape, lr: number, step: number): ArrayBuffer {
  const buffer = new ArrayBuffer(paramsWords(plan.scalarSlots.size) * 4);
  const words = new Uint32Array(buffer);
  words[0] = shape.n;
  words[1] = shape.rowStride;
  words[2] = shape.groups;
  words[3] = shape.first;
  // words[4..7]: the barrier masks, zero.
  const scalars = new Float32Array(buffer, PARAMS_HEADER_WORDS * 4);
  for (const [id, value] of hostScalarValues(plan, lr, step)) {
    const slot = plan.scalarSlots.get(id);
    if (slot !== undefined) scalars[slot] = value;
  }
  return buffer;
}
