// How closely a whole program's GPU result must follow the interpreter: exact where its ops are, else within its own error spread.
import { OPS, type CheckedOptimizer, type NodeId, type OpName, type OpSpec, type OptimizerGraph, type StepInputs, type StepOutputs } from '../../src/dsl/index.js';
import { lowerOptimizer } from '../../src/compile/index.js';
import { outputSpread } from './noisy-eval.js';

/** Ops the GPU computes with the interpreter's exact bits (llvmpipe rounds + - * / sqrt correctly). */
const EXACT_OPS = new Set<OpName>([
  'add', 'sub', 'mul', 'div', 'negative', 'max', 'min', 'interp', 'clip', 'abs', 'sign', 'square', 'cube', 'sqrt', 'reciprocal',
]);

/** Exponents for which power is exact (see wgsl-ops.ts). */
const EXACT_EXPONENTS = new Set([0, 1, 2, 0.5, -1]);

/**
 * Floor of the relative tolerance for programs with inexact ops: 64 ulp, above what the noise
 * model (noisy-eval.ts) may miss when its few random runs happen to err little.
 */
const RTOL_FLOOR = 64 * 2 ** -24;
/** Four steps of the subnormal range, where relative tolerances stop meaning anything. */
const ABS_FLOOR = 2 ** -147;
/** The spread of a handful of noisy runs underestimates the worst case; allow this multiple of it. */
const SPREAD_FACTOR = 4;

export interface ProgramCheck {
  readonly exact: boolean;
  readonly reason: string;
  readonly graph: OptimizerGraph;
  /** update, then each state slot the step writes or keeps, in signature order. */
  readonly outputs: readonly NodeId[];
}

export function programCheck(checked: CheckedOptimizer): ProgramCheck {
  const { expanded } = lowerOptimizer(checked);
  const outputs = [expanded.update, ...expanded.slots];
  const inexact = liveOps(expanded, outputs).filter(
    ({ op, exponent }) => !EXACT_OPS.has(op) && !(op === 'power' && exponent !== undefined && EXACT_EXPONENTS.has(exponent)),
  );
  const names = [...new Set(inexact.map((u) => u.op))].join(', ');
  return { exact: inexact.length === 0, reason: inexact.length === 0 ? 'exact ops only' : `inexact: ${names}`, graph: expanded, outputs };
}

function liveOps(graph: OptimizerGraph, roots: readonly NodeId[]): { op: OpName; exponent?: number }[] {
  const seen = new Set<NodeId>();
  const stack = [...roots];
  const out: { op: OpName; exponent?: number }[] = [];
  while (stack.length > 0) {
    const id = stack.pop()!;
    if (seen.has(id)) continue;
    seen.add(id);
    const node = graph.nodes[id]!;
    if (node.kind !== 'op') continue;
    const spec: OpSpec = OPS[node.op];
    const exponent = node.op === 'power' ? graph.nodes[node.args[1]!] : undefined;
    if (spec.kind === 'map' || spec.kind === 'reduce') out.push(exponent?.kind === 'const' ? { op: node.op, exponent: exponent.value } : { op: node.op });
    stack.push(...node.args);
  }
  return out;
}

export interface Disagreement {
  readonly what: string;
  readonly indices: readonly number[];
  readonly gpu: Float32Array;
  readonly cpu: Float32Array;
}

/**
 * Outputs where the GPU disagrees with the interpreter. Exact programs: any bit but the sign of
 * zero. Others: NaN or an infinity on one side only, or a difference beyond
 * max(RTOL_FLOOR * magnitude, SPREAD_FACTOR * spread, ABS_FLOOR), unless a noisy run showed the element
 * unstable (its NaN-ness or infinity changes under a few ulp of error).
 */
export function disagreements(check: ProgramCheck, inputs: StepInputs, cpu: StepOutputs, gpu: { update?: Float32Array; slots: readonly Float32Array[] }): Disagreement[] {
  const reference = [cpu.update, ...cpu.slots];
  const actual = [gpu.update!, ...gpu.slots];
  const spreads = check.exact ? undefined : outputSpread(check.graph, check.outputs, inputs, reference);
  const out: Disagreement[] = [];
  reference.forEach((c, k) => {
    const g = actual[k]!;
    const indices: number[] = [];
    for (let i = 0; i < c.length; i++) {
      const a = c[i]!;
      const b = g[i]!;
      if (Number.isNaN(a) && Number.isNaN(b)) continue;
      if (a === b) continue;
      if (spreads === undefined) {
        indices.push(i);
        continue;
      }
      const { spread, unstable } = spreads[k]!;
      if (unstable[i]) continue;
      const finite = Number.isFinite(a) && Number.isFinite(b);
      const allowed = Math.max(RTOL_FLOOR * Math.max(Math.abs(a), Math.abs(b)), SPREAD_FACTOR * spread[i]!, ABS_FLOOR);
      if (!finite || !(Math.abs(a - b) <= allowed)) indices.push(i);
    }
    if (indices.length > 0) out.push({ what: k === 0 ? 'update' : `slot ${k - 1}`, indices, gpu: g, cpu: c });
  });
  return out;
}

/** A readable failure: program text, why it is judged as it is, and the first disagreeing elements. */
export function describe(text: string, check: ProgramCheck, inputs: StepInputs, found: readonly Disagreement[]): string {
  const lines = [`${check.reason}`, text];
  for (const d of found) {
    lines.push(`${d.what}: ${d.indices.length} of ${d.cpu.length} elements disagree`);
    for (const i of d.indices.slice(0, 4)) {
      lines.push(`  [${i}] cpu ${d.cpu[i]} gpu ${d.gpu[i]} (g ${inputs.g[i]}, w ${inputs.w[i]}, slots ${inputs.slots.map((s) => s[i]).join(' ')})`);
    }
  }
  return lines.join('\n');
}
