// Turns what the funnel reports for a candidate into the search's fitness.
import type { FunnelOutcome, StageOutcome } from '../tasks/index.js';
import type { FitnessResult, StageMetrics } from './fitness.js';
import type { MetricName } from './space-types.js';

function stageMetrics(s: StageOutcome): StageMetrics {
  const out: Record<string, number> = { seconds: s.seconds };
  for (const key of ['trainLoss', 'valLoss', 'valAccuracy', 'divergedAt', 'steps', 'flopsPerToken', 'blockParameters'] as const) {
    const v = s[key];
    if (v !== undefined) out[key] = v;
  }
  return out;
}

/**
 * The highest stage that ended with a finite metric is the fitness; a candidate that fails its
 * first stage is `invalid` (it did not compile) or `diverged` (non-finite loss or weights).
 */
export function fitnessOf(outcome: FunnelOutcome, metric: MetricName): FitnessResult {
  const metrics = outcome.stages.map(stageMetrics);
  if (outcome.reason !== undefined) return { status: 'invalid', reason: outcome.reason };
  let reached = -1;
  outcome.stages.forEach((s, i) => {
    if (s.status === 'ok' && Number.isFinite(s[metric] ?? NaN)) reached = i;
  });
  if (reached < 0) {
    const first = outcome.stages[0];
    if (first === undefined) return { status: 'failed', reason: 'no stage was run' };
    if (first.status === 'invalid') return { status: 'invalid', reason: first.reason ?? 'did not compile', metrics };
    const at = first.divergedAt === undefined ? '' : ` at step ${first.divergedAt}`;
    return { status: 'diverged', reason: `non-finite loss or weights${at} of stage 0 (${metric} ${first[metric]})`, metrics };
  }
  return { status: 'ok', stageReached: reached, score: outcome.stages[reached]![metric]!, metrics };
}
