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
  /** Default `update`, as runStep returns it; a trainer that wants w − update written in place asks for `weight`. */
  readonly output?: OutputMode;
  /** Threads per workgroup of the fused kernel. Default 256; 64 was no faster on llvmpipe. */
  readonly workgroupSize?: number;
  /** Default true: without them the shader compiler may fold x * 0 to 0 even for Inf and NaN. */
  readonly barriers?: boolean;
  /** Default true: four elements per thread through vec4 loads, about twice llvmpipe's bandwidth. */
  readonly vectorize?: boolean;
}

export const LOWERING_DEFAULTS: Required<LoweringOptions> = {
  rewrites: 'none',
  dropDeadState: false,
  output: 'update',
  workgroupSize: 256,
  barriers: true,
  vectorize: true,
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
  const resolved = resolveOptions(options);
  const graph = programGraph(checked, resolved.rewrites);
  const expanded = expandMacros(graph);
  const plan = schedule(expanded, { dropDeadState: resolved.dropDeadState });
  const kernels = emitKernels(plan, {
    output: resolved.output,
    workgroupSize: resolved.workgroupSize,
    barriers: resolved.barriers,
    vectorize: resolved.vectorize,
  });
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

/** The lowering options with defaults filled in; other keys (a backend's own options) are left out. */
function resolveOptions(options: LoweringOptions): Required<LoweringOptions> {
  const pick = <K extends keyof LoweringOptions>(key: K): Required<LoweringOptions>[K] =>
    (options[key] ?? LOWERING_DEFAULTS[key]) as Required<LoweringOptions>[K];
  return {
    rewrites: pick('rewrites'),
    dropDeadState: pick('dropDeadState'),
    output: pick('output'),
    workgroupSize: pick('workgroupSize'),
    barriers: pick('barriers'),
    vectorize: pick('vectorize'),
  };
}
