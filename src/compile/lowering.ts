// The lowering pipeline: checked program → graph → macro-free graph → kernel plan → WGSL, each pass kept for inspection.
import type { CheckedOptimizer, OptimizerGraph } from '../dsl/index.js';
import { emitKernels, type Kernel, type OutputMode } from './emit-kernels.js';
import { dumpGraph, expandMacros, programGraph, type GraphRewrites } from './lower.js';
import { dumpPlan, schedule, type KernelPlan } from './schedule.js';

export interface LoweringOptions {
  /** Default `none`: every op as written, so results are the interpreter's. */
  readonly rewrites?: GraphRewrites;
  /** Default false: write every state slot the program returns, as runStep does. */
  readonly dropDeadState?: boolean;
  /** Default `update`: the trainer that applies the update itself asks for `weight`. */
  readonly output?: OutputMode;
  /** Default 256 threads: fewer, larger workgroups cost llvmpipe less scheduling. */
  readonly workgroupSize?: number;
  /** Default true: without them the shader compiler may fold x * 0 to 0 even for Inf and NaN. */
  readonly barriers?: boolean;
}

export const LOWERING_DEFAULTS: Required<LoweringOptions> = {
  rewrites: 'none',
  dropDeadState: false,
  output: 'update',
  workgroupSize: 256,
  barriers: true,
};

export interface LoweredOptimizer {
  readonly checked: CheckedOptimizer;
  readonly options: Required<LoweringOptions>;
  /** Pass 1. */
  readonly graph: OptimizerGraph;
  /** Pass 2. */
  readonly expanded: OptimizerGraph;
  /** Pass 3. */
  readonly plan: KernelPlan;
  /** Pass 4, in dispatch order. */
  readonly kernels: readonly Kernel[];
}

export function lowerOptimizer(checked: CheckedOptimizer, options: LoweringOptions = {}): LoweredOptimizer {
  const resolved = { ...LOWERING_DEFAULTS, ...definedOnly(options) };
  const graph = programGraph(checked, resolved.rewrites);
  const expanded = expandMacros(graph);
  const plan = schedule(expanded, { dropDeadState: resolved.dropDeadState });
  const kernels = emitKernels(plan, { output: resolved.output, workgroupSize: resolved.workgroupSize, barriers: resolved.barriers });
  return { checked, options: resolved, graph, expanded, plan, kernels };
}

/** Every pass's output as text, for debugging a candidate. */
export function dumpLowering(lowered: LoweredOptimizer): string {
  return [
    '## graph',
    dumpGraph(lowered.graph),
    '## macros expanded',
    dumpGraph(lowered.expanded),
    '## plan',
    dumpPlan(lowered.plan),
    ...lowered.kernels.flatMap((k) => [`## kernel ${k.name}`, k.wgsl]),
  ].join('\n');
}

function definedOnly<T extends object>(options: T): Partial<T> {
  return Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as Partial<T>;
}
