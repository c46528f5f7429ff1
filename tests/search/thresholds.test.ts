// Promotion thresholds: the baseline's score, a fixed value, or a percentile of the scores seen at
// the stage (the hurdles of AutoML-Zero and Primer), which promote everything until ten are known.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { promotionThresholds, StageScores } from '../../src/search/thresholds.js';
import type { FunnelStage } from '../../src/search/space-types.js';

describe('topFraction hurdles', () => {
  it('let through at most the given fraction of the scores seen, in the metric’s direction', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 10, noNaN: true }), { minLength: 10, maxLength: 200 }),
        fc.double({ min: 0.05, max: 1, noNaN: true }),
        fc.boolean(),
        (seen, fraction, lowerIsBetter) => {
          const scores = new StageScores(2);
          seen.forEach((s) => scores.add(0, s));
          const hurdle = scores.quantile(0, fraction, lowerIsBetter)!;
          const passing = seen.filter((s) => (lowerIsBetter ? s < hurdle : s > hurdle)).length;
          expect(passing).toBeLessThanOrEqual(Math.ceil(fraction * seen.length));
        },
      ),
    );
  });

  it('promote everything until ten scores are known, and ignore non-finite ones', () => {
    const scores = new StageScores(2);
    for (let i = 0; i < 9; i++) scores.add(0, i);
    scores.add(0, NaN);
    const funnel: FunnelStage[] = [{ task: 'a', steps: 1, promote: { kind: 'topFraction', fraction: 0.5 } }, { task: 'b', steps: 1 }];
    expect(promotionThresholds(funnel, [5], scores, true)).toEqual([undefined]);
    scores.add(0, 9);
    expect(promotionThresholds(funnel, [5], scores, true)).toEqual([5]);
    const baseline: FunnelStage[] = [{ ...funnel[0]!, promote: { kind: 'beatBaseline' } }, funnel[1]!];
    expect(promotionThresholds(baseline, [1.25], scores, true)).toEqual([1.25]);
  });
});
