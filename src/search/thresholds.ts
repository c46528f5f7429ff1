// The score a candidate must beat at each funnel stage to be promoted to the next.
import type { FunnelStage, Promotion } from './space-types.js';

/** Finite scores seen at each stage so far, for `topFraction` promotion. */
export class StageScores {
  readonly #scores: number[][];

  constructor(stages: number) {
    this.#scores = Array.from({ length: stages }, () => []);
  }

  add(stage: number, score: number): void {
    if (Number.isFinite(score)) this.#scores[stage]?.push(score);
  }

  /** The score at the top `fraction` of those seen, or undefined while fewer than `minimum` are known. */
  quantile(stage: number, fraction: number, lowerIsBetter: boolean, minimum = 10): number | undefined {
    const seen = this.#scores[stage] ?? [];
    if (seen.length < minimum) return undefined;
    const sorted = [...seen].sort((a, b) => (lowerIsBetter ? a - b : b - a));
    return sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))];
  }
}

/**
 * One threshold per stage but the last. `beatBaseline` uses the baseline program's own score at
 * that stage; `topFraction` promotes everything until ten scores are known there.
 */
export function promotionThresholds(
  funnel: readonly FunnelStage[],
  baseline: readonly (number | undefined)[],
  scores: StageScores,
  lowerIsBetter: boolean,
): (number | undefined)[] {
  return funnel.slice(0, -1).map((stage, i) => threshold(stage.promote, i, baseline, scores, lowerIsBetter));
}

function threshold(
  promote: Promotion | undefined,
  stage: number,
  baseline: readonly (number | undefined)[],
  scores: StageScores,
  lowerIsBetter: boolean,
): number | undefined {
  switch (promote?.kind) {
    case undefined:
      return undefined;
    case 'beatBaseline':
      return baseline[stage];
    case 'threshold':
      return promote.value;
    case 'topFraction':
      return scores.quantile(stage, promote.fraction, lowerIsBetter);
  }
}
