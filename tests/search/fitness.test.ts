// The fitness ordering: higher funnel stage first, then the better score; failures and NaN last.
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { compareFitness, describeFitness, isBetter, isRepeatable, type FitnessResult } from '../../src/search/fitness.js';

const ok = (stageReached: number, score: number): FitnessResult => ({ status: 'ok', stageReached, score, metrics: [] });
const failed = (status: 'diverged' | 'crash' | 'timeout' = 'diverged'): FitnessResult => ({ status, reason: 'test' });

const arbResult: fc.Arbitrary<FitnessResult> = fc.oneof(
  fc.record({
    status: fc.constant('ok' as const),
    stageReached: fc.nat(3),
    score: fc.oneof(fc.double(), fc.constantFrom(NaN, Infinity, -Infinity, 0, 1)),
    metrics: fc.constant([]),
  }),
  fc.record({ status: fc.constantFrom('diverged' as const, 'invalid' as const, 'failed' as const, 'crash' as const, 'timeout' as const), reason: fc.string() }),
);

describe('compareFitness', () => {
  test('a higher stage wins over a better score', () => {
    expect(isBetter(ok(2, 5), ok(1, 0.1), true)).toBe(true);
    expect(isBetter(ok(1, 0.1), ok(2, 5), true)).toBe(false);
  });

  test('on the same stage the better score wins, in the metric direction', () => {
    expect(isBetter(ok(0, 0.1), ok(0, 0.2), true)).toBe(true);
    expect(isBetter(ok(0, 0.2), ok(0, 0.1), false)).toBe(true);
    expect(compareFitness(ok(0, 0.5), ok(0, 0.5), true)).toBe(0);
  });

  test('anything not ok is worst, and all failures tie', () => {
    expect(isBetter(ok(0, 1e9), failed(), true)).toBe(true);
    expect(isBetter(failed(), ok(0, 1e9), true)).toBe(false);
    expect(compareFitness(failed('crash'), failed('timeout'), true)).toBe(0);
  });

  test('NaN (or an infinite score) can never win', () => {
    for (const bad of [NaN, Infinity, -Infinity]) {
      expect(isBetter(ok(3, bad), ok(0, 100), true)).toBe(false);
      expect(isBetter(ok(3, bad), failed(), false)).toBe(false);
      expect(isBetter(ok(0, 100), ok(3, bad), true)).toBe(true);
    }
  });

  test('it is a consistent ordering: antisymmetric and transitive', () => {
    fc.assert(
      fc.property(arbResult, arbResult, arbResult, fc.boolean(), (a, b, c, lower) => {
        const cmp = (x: FitnessResult, y: FitnessResult) => Math.sign(compareFitness(x, y, lower));
        expect(cmp(a, b)).toBe(-cmp(b, a) || 0);
        if (cmp(a, b) <= 0 && cmp(b, c) <= 0) expect(cmp(a, c)).toBeLessThanOrEqual(0);
      }),
      { numRuns: 2000 },
    );
  });

  test('sorting puts the best first and the unusable last', () => {
    const results = [failed(), ok(0, NaN), ok(1, 0.3), ok(0, 0.1), ok(1, 0.2)];
    const sorted = [...results].sort((a, b) => compareFitness(a, b, true));
    expect(sorted.slice(0, 3)).toEqual([ok(1, 0.2), ok(1, 0.3), ok(0, 0.1)]);
  });
});

test('crashes and timeouts are not repeatable; other outcomes are', () => {
  expect(isRepeatable(failed('crash'))).toBe(false);
  expect(isRepeatable(failed('timeout'))).toBe(false);
  expect(isRepeatable(failed('diverged'))).toBe(true);
  expect(isRepeatable(ok(0, 1))).toBe(true);
});

test('describeFitness', () => {
  expect(describeFitness(ok(1, 0.25), 'valLoss')).toBe('stage 1 valLoss 0.25');
  expect(describeFitness({ status: 'diverged', reason: 'non-finite weight' })).toBe('diverged: non-finite weight');
});
