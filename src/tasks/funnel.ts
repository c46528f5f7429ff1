// The funnel: candidates trained on the cheapest stage first, and on costlier stages only while they beat a threshold there.
import { parseBlock, parseOptimizer, type CheckedBlock, type CheckedOptimizer } from '../dsl/index.js';
import type { BackendChoice } from '../gpu/index.js';
import { evaluatePrograms, resolveSettings, type CandidateEvaluation } from './evaluate.js';
import { evaluateBlocks, type BlockEvaluation } from './evaluate-blocks.js';
import { evaluateTasks, type TaskAggregate } from './multi-task.js';
import type { SettingsOverrides } from './registry.js';
import type { FeedForwardActivation } from './transformer.js';

export type FunnelMetric = 'valLoss' | 'valAccuracy' | 'trainLoss';

export interface StageSpec {
  readonly task: string;
  /** Several tasks (the first is `task`): each program trains on every one, its metrics combined by `aggregate`. */
  readonly tasks?: readonly string[];
  readonly aggregate?: TaskAggregate;
  readonly steps: number;
  readonly batch?: number;
  readonly lr?: number;
  readonly seed?: number;
  /** The Transformer's sizes (charlm); the task's defaults when absent. */
  readonly width?: number;
  readonly heads?: number;
  readonly layers?: number;
  readonly context?: number;
  readonly act?: FeedForwardActivation;
  readonly dconv?: boolean;
  /** Blocks: 'flops' trains each block the steps that cost the reference block `steps` steps. */
  readonly compute?: 'steps' | 'flops';
}

export interface FunnelJob {
  readonly stages: readonly StageSpec[];
  /**
   * Per stage but the last: the score a candidate must beat there to go on (strictly better in
   * the metric's direction); undefined promotes every finite score.
   */
  readonly thresholds: readonly (number | undefined)[];
  readonly metric: FunnelMetric;
  readonly lowerIsBetter: boolean;
  /**
   * Programs of one `group` (variants of one candidate, e.g. at several learning rates) compete:
   * after each stage only the group's best promoted member goes on.
   */
  readonly programs: readonly { readonly id: number; readonly text: string; readonly group?: number }[];
  readonly backend?: BackendChoice;
  /**
   * The programs are Transformer blocks (absent: optimizers), trained on charlm with `optimizer`;
   * `reference` is the block whose cost fixes the steps of an equal-compute stage.
   */
  readonly blocks?: { readonly optimizer: string; readonly reference: string };
}

export interface StageOutcome {
  readonly stage: number;
  readonly status: 'ok' | 'diverged' | 'invalid';
  readonly trainLoss?: number;
  readonly valLoss?: number;
  readonly valAccuracy?: number;
  readonly divergedAt?: number;
  readonly reason?: string;
  /** The batch's wall time, shared by the candidates trained together. */
  readonly seconds: number;
  /** Where the stage trained: `cpu (why)` or `webgpu (adapter)`. */
  readonly device?: string;
  /** Blocks: the steps this one trained (fewer than the stage's for a costlier block at equal compute). */
  readonly steps?: number;
  /** Blocks: forward FLOPs per token of the model, and parameters of one block. */
  readonly flopsPerToken?: number;
  readonly blockParameters?: number;
}

/** Every stage a candidate was trained on; the search turns them into a fitness (src/search/outcome.ts). */
export interface FunnelOutcome {
  readonly id: number;
  /** Stages trained, in order; empty when the program could not be read. */
  readonly stages: readonly StageOutcome[];
  /** Why the program could not be read. */
  readonly reason?: string;
}

/** Runs the job's programs through the funnel, batching all candidates alive at each stage. */
export async function runFunnel(job: FunnelJob): Promise<FunnelOutcome[]> {
  if (job.blocks !== undefined) return runBlockFunnel(job, job.blocks);
  const outcomes = new Map<number, { stages: StageOutcome[]; reason?: string }>();
  let alive: { id: number; checked: CheckedOptimizer; group?: number }[] = [];
  for (const p of job.programs) {
    outcomes.set(p.id, { stages: [] });
    try {
      alive.push({ id: p.id, checked: parseOptimizer(p.text, `candidate-${p.id}.dsl`), ...(p.group === undefined ? {} : { group: p.group }) });
    } catch (error) {
      outcomes.get(p.id)!.reason = error instanceof Error ? error.message : String(error);
    }
  }
  for (let stage = 0; stage < job.stages.length && alive.length > 0; stage++) {
    const spec = job.stages[stage]!;
    const report = await evaluateTasks(spec.tasks ?? [spec.task], spec.aggregate ?? 'mean', (task) => evaluatePrograms({
      task,
      programs: alive.map((a) => a.checked),
      overrides: stageOverrides(spec),
      ...(job.backend === undefined ? {} : { backend: job.backend }),
    }));
    const next: typeof alive = [];
    alive.forEach((candidate, i) => {
      const outcome = { ...stageOutcome(stage, report.results[i]!, report.seconds), device: `${report.backend} (${report.device})` };
      outcomes.get(candidate.id)!.stages.push(outcome);
      if (stage + 1 < job.stages.length && promoted(job, stage, outcome)) next.push(candidate);
    });
    alive = bestOfGroups(job, next, (id) => outcomes.get(id)!.stages[stage]!);
  }
  return job.programs.map(({ id }) => {
    const { stages, reason } = outcomes.get(id)!;
    return { id, stages, ...(reason === undefined ? {} : { reason }) };
  });
}

/** Ungrouped programs, and the best of each group (the first on ties), in their order. */
function bestOfGroups<T extends { id: number; group?: number }>(job: FunnelJob, programs: T[], at: (id: number) => StageOutcome): T[] {
  const best = new Map<number, T>();
  const score = (p: T) => at(p.id)[job.metric]!;
  for (const p of programs) {
    if (p.group === undefined) continue;
    const held = best.get(p.group);
    if (held === undefined || (job.lowerIsBetter ? score(p) < score(held) : score(p) > score(held))) best.set(p.group, p);
  }
  return programs.filter((p) => p.group === undefined || best.get(p.group) === p);
}

function stageOverrides(spec: StageSpec): SettingsOverrides {
  const { width, heads, layers, context, act, dconv } = spec;
  const sizes = [width, heads, layers, context, act, dconv].some((v) => v !== undefined);
  return { steps: spec.steps, batch: spec.batch, lr: spec.lr, seed: spec.seed, ...(sizes ? { transformer: { width, heads, layers, context, act, dconv } } : {}) };
}

function stageOutcome(stage: number, result: CandidateEvaluation, seconds: number): StageOutcome {
  if (result.status === 'invalid') return { stage, status: 'invalid', reason: result.reason, seconds };
  const { trainLoss, valLoss, valAccuracy, divergedAt } = result;
  return { stage, status: result.status, trainLoss, valLoss, valAccuracy, ...(divergedAt === undefined ? {} : { divergedAt }), seconds };
}

function promoted(job: FunnelJob, stage: number, outcome: StageOutcome): boolean {
  if (outcome.status !== 'ok') return false;
  const score = outcome[job.metric];
  if (score === undefined || !Number.isFinite(score)) return false;
  const threshold = job.thresholds[stage];
  if (threshold === undefined) return true;
  return job.lowerIsBetter ? score < threshold : score > threshold;
}

/** The funnel over Transformer blocks: each stage trains every living block on charlm, one after another. */
async function runBlockFunnel(job: FunnelJob, blocks: NonNullable<FunnelJob['blocks']>): Promise<FunnelOutcome[]> {
  const optimizer = parseOptimizer(blocks.optimizer, 'optimizer.dsl');
  const outcomes = new Map<number, { stages: StageOutcome[]; reason?: string }>();
  for (const p of job.programs) outcomes.set(p.id, { stages: [] });
  let alive = job.programs.map((p) => ({ id: p.id, text: p.text }));
  for (let stage = 0; stage < job.stages.length && alive.length > 0; stage++) {
    const spec = job.stages[stage]!;
    const overrides = stageOverrides(spec);
    const width = resolveSettings('charlm', overrides).transformer!.width;
    // A block is checked at each stage's model width: a width multiple that fits one may not fit another.
    const readable: { id: number; text: string; checked: CheckedBlock }[] = [];
    for (const a of alive) {
      try {
        readable.push({ ...a, checked: parseBlock(a.text, `candidate-${a.id}.dsl`, { width }) });
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        if (stage === 0) outcomes.get(a.id)!.reason = reason;
        else outcomes.get(a.id)!.stages.push({ stage, status: 'invalid', reason, seconds: 0 });
      }
    }
    const report = await evaluateBlocks({
      blocks: readable.map((r) => ({ checked: r.checked, label: `candidate-${r.id}` })),
      optimizer,
      overrides,
      ...(job.backend === undefined ? {} : { backend: job.backend }),
      ...(spec.compute === 'flops' ? { equalComputeTo: parseBlock(blocks.reference, 'reference.dsl', { width }) } : {}),
    });
    const next: typeof alive = [];
    readable.forEach((candidate, i) => {
      const outcome = { ...blockStageOutcome(stage, report.results[i]!), device: `${report.backend} (${report.device})` };
      outcomes.get(candidate.id)!.stages.push(outcome);
      if (stage + 1 < job.stages.length && promoted(job, stage, outcome)) next.push(candidate);
    });
    alive = next;
  }
  return job.programs.map(({ id }) => {
    const { stages, reason } = outcomes.get(id)!;
    return { id, stages, ...(reason === undefined ? {} : { reason }) };
  });
}

function blockStageOutcome(stage: number, result: BlockEvaluation): StageOutcome {
  const cost = { flopsPerToken: result.flopsPerToken, blockParameters: result.blockParameters };
  if (result.status === 'invalid') return { stage, status: 'invalid', reason: result.reason, seconds: 0, ...cost };
  const { trainLoss, valLoss, valAccuracy, divergedAt, seconds, steps } = result;
  return { stage, status: result.status, trainLoss, valLoss, valAccuracy, ...(divergedAt === undefined ? {} : { divergedAt }), seconds, steps, ...cost };
}
