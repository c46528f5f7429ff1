// A candidate's evaluated fitness and the one ordering the search uses to compare candidates.

/** Metric values of one funnel stage, keyed by metric name (valLoss, valAccuracy, trainLoss, ...). */
export type StageMetrics = Readonly<Record<string, number>>;

/** Ways an evaluation can end without a usable score; all rank below every usable score. */
export type FailureStatus = 'diverged' | 'invalid' | 'failed' | 'crash' | 'timeout';

export type FitnessResult =
  | {
      readonly status: 'ok';
      /** 0-based index of the highest funnel stage the candidate was evaluated on. */
      readonly stageReached: number;
      /** The search metric at `stageReached`. */
      readonly score: number;
      /** Metrics of each stage evaluated, index = stage. */
      readonly metrics: readonly StageMetrics[];
      /** With `lrFactors`: the multiple of the program's own learning rate it scored best at. */
      readonly lrFactor?: number;
    }
  | {
      readonly status: FailureStatus;
      readonly reason: string;
      /** Metrics of the stages that finished before the failure, if any. */
      readonly metrics?: readonly StageMetrics[];
    };

export const FAILURE_STATUSES: readonly FailureStatus[] = ['diverged', 'invalid', 'failed', 'crash', 'timeout'];

/**
 * Whether a result can win a comparison: evaluated, with a finite score. A NaN or infinite score
 * counts as a failure, so it can never become a parent by merit nor the best of a run.
 */
export function isUsable(r: FitnessResult): r is Extract<FitnessResult, { status: 'ok' }> {
  return r.status === 'ok' && Number.isFinite(r.score);
}

/**
 * Orders two results: negative when `a` is better, positive when `b` is, 0 when neither is (so
 * `results.sort((a, b) => compareFitness(a, b, lowerIsBetter))` puts the best first).
 * A higher funnel stage wins, then the better score; unusable results are all equally worst.
 */
export function compareFitness(a: FitnessResult, b: FitnessResult, lowerIsBetter: boolean): number {
  const aUsable = isUsable(a);
  const bUsable = isUsable(b);
  if (!aUsable || !bUsable) return aUsable ? -1 : bUsable ? 1 : 0;
  if (a.stageReached !== b.stageReached) return b.stageReached - a.stageReached;
  if (a.score === b.score) return 0;
  return (a.score < b.score) === lowerIsBetter ? -1 : 1;
}

/** Whether `a` is strictly better than `b`. */
export function isBetter(a: FitnessResult, b: FitnessResult, lowerIsBetter: boolean): boolean {
  return compareFitness(a, b, lowerIsBetter) < 0;
}

/** Whether an evaluation with this outcome would end the same way if repeated (so may be cached). */
export function isRepeatable(r: FitnessResult): boolean {
  // A crash or timeout may come from the machine (a driver fault, a busy device), not the program.
  return r.status !== 'crash' && r.status !== 'timeout';
}

/** A short text for logs and file headers, e.g. "stage 1 valLoss 0.1234" or "diverged: NaN weight". */
export function describeFitness(r: FitnessResult, metricName = 'score'): string {
  if (r.status !== 'ok') return `${r.status}: ${r.reason}`;
  return `stage ${r.stageReached} ${metricName} ${r.score}`;
}
