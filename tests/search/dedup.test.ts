// The dedup cache: keys by behaviour, live-statement counts, hit rate, LRU bound, and what is cached.
import { describe, expect, test } from 'vitest';
import { parseOptimizer, printProgram, Rng } from '../../src/dsl/index.js';
import { candidateKey, redundantFraction } from '../../src/search/candidate-key.js';
import { DedupCache } from '../../src/search/dedup-cache.js';
import type { FitnessResult } from '../../src/search/fitness.js';
import { mutate } from '../../src/search/mutate.js';
import { ADAMW, LION_CONTEXT } from './fixtures.js';

const ok = (score: number): FitnessResult => ({ status: 'ok', stageReached: 0, score, metrics: [{ valLoss: score }] });

/** AdamW with statements renamed and reordered, plus two dead statements. */
const ADAMW_VARIANT = parseOptimizer(`def train(w, g, m, v, lr):
    decay = w * 0.01
    m = interp(g, m, 0.9)
    junk = exp(g)
    sq = square(g)
    v = interp(sq, v, 0.999)
    junk = junk * decay
    denominator = sqrt(v)
    step_dir = m / denominator
    step_dir = step_dir + decay
    scale = lr * 0.001
    update = step_dir * scale
    return update, m, v
`);

describe('candidateKey', () => {
  test('AdamW: nine statements, all live', () => {
    const key = candidateKey(ADAMW);
    expect(key).toMatchObject({ statements: 9, liveStatements: 9 });
    expect(redundantFraction(key)).toBe(0);
    expect(parseOptimizer(key.simplifiedText).program.body.length).toBeLessThanOrEqual(9);
  });

  test('renaming, reordering and dead code keep the key; the dead statements count as redundant', () => {
    const key = candidateKey(ADAMW_VARIANT);
    expect(key.fingerprint).toBe(candidateKey(ADAMW).fingerprint);
    expect(key.simplifiedText).toBe(candidateKey(ADAMW).simplifiedText);
    expect(key).toMatchObject({ statements: 11, liveStatements: 9 });
    expect(redundantFraction(key)).toBeCloseTo(2 / 11);
  });

  test('a changed constant changes the key', () => {
    const other = parseOptimizer(printProgram(ADAMW.program).replace('0.999', '0.99'));
    expect(candidateKey(other).fingerprint).not.toBe(candidateKey(ADAMW).fingerprint);
  });

  test('a slot written but never read in the next step is dead (Program 4 writes m = cosh(update))', () => {
    const key = candidateKey(
      parseOptimizer(`def train(w, g, m, v, lr):
    update = sign(g)
    m = cosh(update)
    v = interp(g, v, 0.99)
    update = update * lr
    return update, m, v
`),
    );
    expect(key).toMatchObject({ statements: 4, liveStatements: 2 });
  });

  test('mutants of AdamW: every key is well formed', () => {
    const rng = Rng.fromSeed(9);
    let program = ADAMW.program;
    for (let i = 0; i < 40; i++) {
      const result = mutate(program, rng, LION_CONTEXT);
      if (!result.ok) continue;
      const key = candidateKey(result.checked);
      expect(key.liveStatements).toBeLessThanOrEqual(key.statements);
      expect(key.fingerprint).toMatch(/^[0-9a-f]{16}$/);
      expect(() => parseOptimizer(key.simplifiedText)).not.toThrow();
      program = result.child;
    }
  });
});

describe('DedupCache', () => {
  test('an equivalent program hits; counts and hit rate follow', () => {
    const cache = new DedupCache(100);
    const key = candidateKey(ADAMW);
    expect(cache.lookup(key)).toBeUndefined();
    cache.store(key.fingerprint, ok(0.5));
    expect(cache.lookup(candidateKey(ADAMW_VARIANT))).toEqual(ok(0.5));
    expect(cache.lookup(key)).toEqual(ok(0.5));
    expect(cache.stats()).toEqual({ hits: 2, misses: 1, hitRate: 2 / 3, entries: 1, redundantFraction: 2 / 29 });
  });

  test('the least recently used entry goes when the cache is full', () => {
    const cache = new DedupCache(2);
    const key = (fingerprint: string) => ({ fingerprint, simplifiedText: '', statements: 1, liveStatements: 1 });
    cache.store('a', ok(1));
    cache.store('b', ok(2));
    cache.lookup(key('a')); // a is now more recent than b
    cache.store('c', ok(3));
    expect(cache.lookup(key('b'))).toBeUndefined();
    expect(cache.lookup(key('a'))).toEqual(ok(1));
    expect(cache.stats().entries).toBe(2);
  });

  test('crashes and timeouts are not cached; divergence is', () => {
    const cache = new DedupCache(10);
    cache.store('crash', { status: 'crash', reason: 'worker died' });
    cache.store('slow', { status: 'timeout', reason: 'over 60 s' });
    cache.store('nan', { status: 'diverged', reason: 'non-finite weight' });
    expect(cache.stats().entries).toBe(1);
  });

  test('refuses a size that is not a positive integer', () => {
    expect(() => new DedupCache(0)).toThrow(RangeError);
  });
});
