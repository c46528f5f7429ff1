// Applies each replica's own candidate update rule to its parameters: w ← w − update, with per-tensor state.
import { compileOptimizer, type CpuOptimizer, type WebGpuOptimizer, type BoundStep } from '../compile/index.js';
import { OPS, isOpName, type CheckedOptimizer, type Expr } from '../dsl/index.js';
import type { ParameterLayout } from './layout.js';

/** Flat storage the updates read and write: [replicas][stride] each; slot buffers shared by index. */
export interface ReplicaStorage<S> {
  readonly params: S;
  readonly grads: S;
  /** As many as the candidate with the most state slots needs. */
  readonly slots: readonly S[];
}

export interface ReplicaUpdates {
  /** One step of every active replica's rule with this step's learning rate. */
  apply(lr: number, step: number, active: readonly boolean[]): Promise<void>;
  destroy(): void;
}

/** Element ranges a program is applied to, relative to a replica's block: the whole block, or tensor by tensor. */
interface Range {
  readonly offset: number;
  readonly n: number;
}

/**
 * An elementwise program gives the same result on the whole block (padding included) as tensor by
 * tensor, in one dispatch instead of one per tensor. Reductions (norms, means) are per tensor.
 */
export function rangesFor(checked: CheckedOptimizer, layout: ParameterLayout): readonly Range[] {
  if (!usesReductions(checked)) return [{ offset: 0, n: layout.stride }];
  return layout.tensors.map((t) => ({ offset: t.offset, n: t.size }));
}

function usesReductions(checked: CheckedOptimizer): boolean {
  const visit = (e: Expr): boolean => {
    switch (e.kind) {
      case 'number':
      case 'name':
        return false;
      case 'negate':
        return visit(e.operand);
      case 'binary':
        return visit(e.left) || visit(e.right);
      case 'call': {
        const kind = isOpName(e.fn) ? OPS[e.fn].kind : 'map';
        return kind === 'reduce' || kind === 'macro' || e.args.some(visit) || e.keywords.some((k) => visit(k.value));
      }
    }
  };
  const { program } = checked;
  return program.body.some((s) => visit(s.value)) || program.ret.values.some(visit);
}

/** Slot buffers needed: the most state any candidate carries. */
export function slotCount(candidates: readonly CheckedOptimizer[]): number {
  return Math.max(0, ...candidates.map((c) => c.signature.slots.length));
}

/** The cpu backend: each candidate's compiled rule stepped over its replica's ranges. */
export function cpuUpdates(
  optimizers: readonly CpuOptimizer[],
  storage: ReplicaStorage<Float32Array>,
  layout: ParameterLayout,
): ReplicaUpdates {
  const ranges = optimizers.map((o) => rangesFor(o.checked, layout));
  return {
    async apply(lr, step, active) {
      for (let k = 0; k < optimizers.length; k++) {
        if (!active[k]) continue;
        const optimizer = optimizers[k]!;
        const slots = storage.slots.slice(0, optimizer.checked.signature.slots.length);
        for (const range of ranges[k]!) {
          optimizer.stepSync({ n: range.n, offset: k * layout.stride + range.offset, w: storage.params, g: storage.grads, slots }, lr, step);
        }
      }
    },
    destroy() {
      for (const o of optimizers) o.destroy();
    },
  };
}

/** The webgpu backend: every replica's kernels bound once, then encoded into one submission per step. */
export function webGpuUpdates(
  device: GPUDevice,
  optimizers: readonly WebGpuOptimizer[],
  storage: ReplicaStorage<GPUBuffer>,
  layout: ParameterLayout,
): ReplicaUpdates {
  const bound: BoundStep[][] = optimizers.map((optimizer, k) => {
    const slots = storage.slots.slice(0, optimizer.checked.signature.slots.length);
    return rangesFor(optimizer.checked, layout).map((range) =>
      optimizer.bind({ n: range.n, offset: k * layout.stride + range.offset, w: storage.params, g: storage.grads, slots }),
    );
  });
  return {
    async apply(lr, step, active) {
      const encoder = device.createCommandEncoder({ label: 'candidate updates' });
      bound.forEach((steps, k) => {
        if (active[k]) for (const s of steps) s.encode(encoder, lr, step);
      });
      device.queue.submit([encoder.finish()]);
    },
    destroy() {
      for (const steps of bound) for (const s of steps) s.destroy();
      for (const o of optimizers) o.destroy();
    },
  };
}

/** Compiles every candidate for one backend, writing w − update in place; the first failure is reported by index. */
export async function compileAll<O extends CpuOptimizer | WebGpuOptimizer>(
  candidates: readonly CheckedOptimizer[],
  compile: (checked: CheckedOptimizer, label: string) => ReturnType<typeof compileOptimizer>,
): Promise<readonly ({ ok: true; optimizer: O } | { ok: false; reason: string })[]> {
  return Promise.all(
    candidates.map(async (checked, k) => {
      const result = await compile(checked, `candidate ${k}`);
      return result.ok ? { ok: true as const, optimizer: result.optimizer as O } : { ok: false as const, reason: result.reason };
    }),
  );
}
