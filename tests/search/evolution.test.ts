// Regularized evolution: warm start, tournament selection, aging, restarts, steady-state tells,
// improvement on a toy fitness, and checkpoints that continue exactly as if never taken.
import { describe, expect, test } from 'vitest';
import { printProgram, Rng } from '../../src/dsl/index.js';
import type { Candidate } from '../../src/search/candidate.js';
import {
  ask,
  initEvolution,
  isFinished,
  tell,
  type EvolutionConfig,
  type EvolutionState,
  type MutateFn,
} from '../../src/search/evolution.js';
import type { FitnessResult } from '../../src/search/fitness.js';
import { fromJson, toJson } from '../../src/search/json-values.js';
import { textMutator } from '../../src/search/mutate.js';
import { ADAMW, LION_CONTEXT, toyFitness } from './fixtures.js';

const ADAMW_TEXT = printProgram(ADAMW.program);
const CONFIG: EvolutionConfig = { population: 10, tournamentSize: 3, budget: 200, restartAfter: 0, lowerIsBetter: true, keepBest: 5 };

/** A mutation that needs no parsing: appends a marker line to the parent text. */
const tagMutator: MutateFn = (parent, rng) => ({ ok: true, program: `${parent}# ${rng.int(1000)}\n`, mutation: { kind: 'insert', detail: 'tag' } });

/**
 * The engine's discipline: keep `workers` candidates in flight, tell results in candidate-id order
 * (the oldest pending first), ask one more after each tell. `between` sees the state after each tell.
 */
function drive(
  state: EvolutionState,
  evaluations: number,
  options: { workers: number; mutateFn: MutateFn; fitness: (c: Candidate) => FitnessResult; between?: (s: EvolutionState) => EvolutionState },
): { state: EvolutionState; asked: Candidate[] } {
  const asked: Candidate[] = [];
  const refill = () => {
    const r = ask(state, options.workers - state.pending.length, options.mutateFn);
    state = r.state;
    asked.push(...r.candidates);
  };
  refill();
  for (let i = 0; i < evaluations && state.pending.length > 0; i++) {
    const c = state.pending[0]!;
    state = tell(state, [{ id: c.id, fitness: options.fitness(c), fingerprint: c.program }]);
    if (options.between) state = options.between(state);
    refill();
  }
  return { state, asked };
}

const ok = (score: number): FitnessResult => ({ status: 'ok', stageReached: 0, score, metrics: [] });
const byScore = (scores: Record<number, number>) => (c: Candidate) => ok(scores[c.id] ?? 100);

describe('warm start and selection', () => {
  test('the first `population` candidates are copies of the seeds, in turn', () => {
    const state = initEvolution(CONFIG, ['seed A\n', 'seed B\n'], Rng.fromSeed(1));
    const { state: after, candidates } = ask(state, 25, tagMutator);
    expect(candidates).toHaveLength(10); // nothing told yet: no parent to mutate
    expect(candidates.map((c) => c.id)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(candidates.every((c) => c.parentId === null && c.mutation.kind === 'seed')).toBe(true);
    expect(candidates.map((c) => c.program)).toEqual(Array.from({ length: 10 }, (_, i) => (i % 2 === 0 ? 'seed A\n' : 'seed B\n')));
    expect(after.pending).toHaveLength(10);
  });

  test('steady state: a child can be asked for as soon as one result is in', () => {
    let state = ask(initEvolution(CONFIG, ['s\n'], Rng.fromSeed(1)), 10, tagMutator).state;
    state = tell(state, [{ id: 4, fitness: ok(1), fingerprint: 'f' }]);
    const { candidates } = ask(state, 2, tagMutator);
    expect(candidates.map((c) => [c.id, c.parentId])).toEqual([
      [10, 4],
      [11, 4],
    ]);
  });

  test('the tournament parent is the best of its sample', () => {
    const config = { ...CONFIG, population: 4, tournamentSize: 64 }; // (3/4)^64: the best is all but surely drawn
    let state = ask(initEvolution(config, ['s\n'], Rng.fromSeed(3)), 4, tagMutator).state;
    state = tell(state, [3, 0.5, 2, 9].map((score, id) => ({ id, fitness: ok(score), fingerprint: `f${id}` })));
    const { candidates } = ask(state, 20, tagMutator);
    expect(candidates.map((c) => c.parentId)).toEqual(Array(20).fill(1));
    const random = ask({ ...state, config: { ...config, tournamentSize: 1 } }, 40, tagMutator).candidates;
    expect(new Set(random.map((c) => c.parentId)).size).toBeGreaterThan(1); // size 1 is random selection
  });
});

describe('tell', () => {
  test('aging: the population keeps the newest `population` members', () => {
    const config = { ...CONFIG, population: 3 };
    const { state } = drive(initEvolution(config, ['s\n'], Rng.fromSeed(2)), 7, { workers: 1, mutateFn: tagMutator, fitness: () => ok(1) });
    expect(state.population.map((m) => m.id)).toEqual([4, 5, 6]);
    expect(state.evaluations).toBe(7);
  });

  test('results may arrive in any order; an unknown id is refused', () => {
    let state = ask(initEvolution(CONFIG, ['s\n'], Rng.fromSeed(1)), 3, tagMutator).state;
    state = tell(state, [2, 0, 1].map((id) => ({ id, fitness: ok(id), fingerprint: `f${id}` })));
    expect(state.population.map((m) => m.id)).toEqual([2, 0, 1]);
    expect(state.pending).toEqual([]);
    expect(state.best.map((b) => b.id)).toEqual([0, 1, 2]);
    expect(() => tell(state, [{ id: 1, fitness: ok(0), fingerprint: 'f' }])).toThrow(/not awaiting/);
  });

  test('NaN and failures never become the best; equivalent programs share one place among the best', () => {
    let state = ask(initEvolution(CONFIG, ['s\n'], Rng.fromSeed(1)), 5, tagMutator).state;
    state = tell(state, [
      { id: 0, fitness: ok(NaN), fingerprint: 'a' },
      { id: 1, fitness: { status: 'diverged', reason: 'inf' }, fingerprint: 'b' },
      { id: 2, fitness: ok(0.7), fingerprint: 'c' },
      { id: 3, fitness: ok(0.7), fingerprint: 'c' },
      { id: 4, fitness: ok(0.9), fingerprint: 'd' },
    ]);
    expect(state.best.map((b) => b.id)).toEqual([2, 4]);
  });

  test('a restart refills the population with the best after `restartAfter` evaluations without improvement', () => {
    const config = { ...CONFIG, population: 5, restartAfter: 10, budget: 40 };
    const scores = { 3: 0.1 };
    const { state } = drive(initEvolution(config, ['s\n'], Rng.fromSeed(4)), 14, { workers: 2, mutateFn: tagMutator, fitness: byScore(scores) });
    // Evaluation 1 (id 0) sets a best, 4 (id 3) improves it, 14 is the 10th without improvement.
    expect(state.events).toEqual([{ kind: 'restart', evaluation: 14, bestId: 3 }]);
    expect(state.population.every((m) => m.id === 3)).toBe(true);
    expect(state.population).toHaveLength(5);
    expect(state.sinceImprovement).toBe(0);
  });

  test('the budget bounds the candidates issued, and the run finishes', () => {
    const config = { ...CONFIG, budget: 30 };
    const { state, asked } = drive(initEvolution(config, ['s\n'], Rng.fromSeed(5)), 1000, { workers: 4, mutateFn: tagMutator, fitness: () => ok(1) });
    expect(asked.map((c) => c.id)).toEqual(Array.from({ length: 30 }, (_, i) => i));
    expect(isFinished(state)).toBe(true);
  });
});

describe('on a toy fitness (distance of the constants sum from 5)', () => {
  const config: EvolutionConfig = { population: 20, tournamentSize: 5, budget: 300, restartAfter: 0, lowerIsBetter: true, keepBest: 5 };
  const fitness = (c: Candidate) => toyFitness(c.program);

  test('evolution improves on the warm start', () => {
    const warm = toyFitness(ADAMW_TEXT);
    const { state } = drive(initEvolution(config, [ADAMW_TEXT], Rng.fromSeed(11)), 300, { workers: 4, mutateFn: textMutator(LION_CONTEXT), fitness });
    const best = state.best[0]!.fitness;
    expect(best.status === 'ok' && warm.status === 'ok' && best.score < warm.score / 2).toBe(true);
    expect(state.evaluations).toBe(300);
  });

  test('a state round-tripped through JSON continues with the same candidates', () => {
    const run = (between?: (s: EvolutionState) => EvolutionState) =>
      drive(initEvolution(config, [ADAMW_TEXT], Rng.fromSeed(12)), 120, { workers: 3, mutateFn: textMutator(LION_CONTEXT), fitness, ...(between ? { between } : {}) });
    const plain = run();
    const checkpointed = run((s) => fromJson(toJson(s)) as EvolutionState);
    expect(checkpointed.asked).toEqual(plain.asked);
    expect(checkpointed.state).toEqual(plain.state);
    expect(plain.asked.some((c) => c.mutation.kind !== 'seed')).toBe(true);
  });
});
