// The funnel: candidates trained on the cheapest stage first, and on costlier stages only while they beat a threshold there.
import { parseOptimizer, type CheckedOptimizer } from '../dsl/index.js';
import type { BackendChoice } from '../gpu/index.js';
import { evaluatePrograms, type CandidateEvaluation } from './evaluate.js';
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
