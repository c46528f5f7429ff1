// Thinning a long series for plotting keeps its order, its last point and every change of the best.
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { thinSeries, type SeriesPoint } from '../../src/report/index.js';

const arbSeries = fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 400 }).map((drops) => {
  let best = 100;
  return drops.map((d, i): SeriesPoint => {
    best -= d === 3 ? 1 : 0; // a new best now and then
    return { evaluation: i + 1, seconds: i, best, cacheHitRate: 0, distinct: 1 };
  });
});

it('keeps order, the last point and every change of the best, within the limit plus those changes', () => {
  fc.assert(
    fc.property(arbSeries, fc.integer({ min: 1, max: 50 }), (series, most) => {
      const thin = thinSeries(series, most);
      const kept = thin.map((p) => p.evaluation);
      expect(kept).toEqual([...kept].sort((a, b) => a - b));
      if (series.length > 0) expect(thin.at(-1)).toBe(series.at(-1));
      const changes = series.filter((p, i) => i > 0 && p.best !== series[i - 1]!.best);
      for (const p of changes) expect(thin).toContain(p);
      if (series.length <= most) expect(thin).toEqual(series);
      else expect(thin.length).toBeLessThanOrEqual(most + 1 + changes.length);
    }),
    { numRuns: 300 },
  );
});
