// A funnel stage over several proxy tasks: every program trained on each task, and its metrics
// combined by mean or median, so that a rule is not selected for one task's quirks.
import type { CandidateEvaluation, EvaluationReport } from './evaluate.js';

export type TaskAggregate = 'mean' | 'median';

const METRICS = ['trainLoss', 'valLoss', 'valAccuracy', 'bitsPerChar'] as const;

export function aggregate(values: readonly number[], how: TaskAggregate): number {
  if (values.length === 0) return NaN;
  if (how === 'mean') return values.reduce((a, b) => a + b, 0) / values.length;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * Evaluates on every task (one after the other, each a pass of replicas) and combines each
 * program's results: invalid if invalid anywhere, diverged if diverged anywhere (at its earliest
 * step), and each metric the mean or median over the tasks. One task returns its report unchanged.
 */
export async function evaluateTasks(
  tasks: readonly string[],
  how: TaskAggregate,
  evaluate: (task: string) => Promise<EvaluationReport>,
): Promise<EvaluationReport> {
  const reports: EvaluationReport[] = [];
  for (const task of tasks) reports.push(await evaluate(task));
  if (reports.length === 1) return reports[0]!;
  const first = reports[0]!;
  const results = first.results.map((_, i) => combine(reports.map((r) => r.results[i]!), how));
  const seconds = reports.reduce((s, r) => s + r.seconds, 0);
  return { ...first, task: tasks.join('+'), results, seconds, modelStepsPerSecond: reports.reduce((s, r) => s + r.modelStepsPerSecond * r.seconds, 0) / seconds };
}

function combine(results: readonly CandidateEvaluation[], how: TaskAggregate): CandidateEvaluation {
  const invalid = results.find((r) => r.status === 'invalid');
  if (invalid !== undefined) return invalid;
  const trained = results as readonly Exclude<CandidateEvaluation, { status: 'invalid' }>[];
  const diverged = trained.filter((r) => r.status === 'diverged');
  const metric = (key: (typeof METRICS)[number]) => {
    const values = trained.map((r) => r[key]);
    return values.every((v): v is number => v !== undefined) ? aggregate(values, how) : undefined;
  };
  const [trainLoss, valLoss, valAccuracy, bitsPerChar] = METRICS.map(metric);
  return {
    status: diverged.length > 0 ? 'diverged' : 'ok',
    trainLoss: trainLoss!,
    valLoss: valLoss!,
    valAccuracy: valAccuracy!,
    ...(bitsPerChar === undefined ? {} : { bitsPerChar }),
    ...(diverged.length > 0 ? { divergedAt: Math.min(...diverged.map((r) => r.divergedAt ?? Infinity)) } : {}),
  };
}
