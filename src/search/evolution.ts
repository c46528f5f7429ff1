// Regularized (aging) evolution, Real et al. 2019 as used by the Lion search, as init / ask / tell
// over explicit state that is plain JSON data: a checkpoint is the state.
//
//   population ← `population` copies of the seed programs (the warm start)
//   repeat: sample `tournamentSize` members with replacement; the best is the parent;
//           its mutated child is evaluated, appended to the population, and the oldest removed
//   if `restartAfter` evaluations pass without a new best, refill the population with the best
//
// Steady state: ask may be called while earlier candidates are still being evaluated, and results
// may be told in any order. Determinism: every draw comes from the RNG in the state, so for a fixed
// seed the candidates depend only on the sequence of ask and tell calls. An engine that keeps W
// candidates in flight, tells results in candidate-id order (holding a result back until every
// earlier id is told) and asks one candidate after each tell makes the same sequence for the same
// seed and W however long each evaluation takes.
import { Rng, type RngState } from '../dsl/index.js';
import type { Candidate, MutationRecord } from './candidate.js';
import { compareFitness, isBetter, isUsable, type FitnessResult } from './fitness.js';
import { updateHallOfFame, type HallOfFameEntry } from './hall-of-fame.js';
import type { SearchSpace } from './space-types.js';

export type MutateOutcome =
  | { readonly ok: true; readonly program: string; readonly mutation: MutationRecord }
  | { readonly ok: false; readonly reason: string };

/** Makes a child of a parent's canonical text, drawing only from `rng`. */
export type MutateFn = (parentProgram: string, rng: Rng) => MutateOutcome;

export interface EvolutionConfig {
  readonly population: number;
  readonly tournamentSize: number;
  /** Candidates issued in the whole run, the warm start included. */
  readonly budget: number;
  /** Evaluations without a new best before a restart from the best; 0 = never. */
  readonly restartAfter: number;
  readonly lowerIsBetter: boolean;
  /** Programs kept in the ranking of the best (distinct behaviours). */
  readonly keepBest: number;
}

export interface Member {
  readonly id: number;
  readonly program: string;
  readonly fitness: FitnessResult;
}

export type EvolutionEvent = {
  readonly kind: 'restart';
  /** Evaluations told when it happened. */
  readonly evaluation: number;
  readonly bestId: number;
};

export interface EvolutionState {
  readonly version: 1;
  readonly config: EvolutionConfig;
  /** Canonical texts of the seed programs, copied in turn by the warm start. */
  readonly seeds: readonly string[];
  readonly rng: RngState;
  /** Id of the next candidate asked for; ids below it were issued (or skipped in recovery). */
  readonly nextId: number;
  /** Results told so far. */
  readonly evaluations: number;
  /** Oldest first. */
  readonly population: readonly Member[];
  /** Candidates asked for and not yet told, in id order. */
  readonly pending: readonly Candidate[];
  /** The best programs so far, best first; `best[0]` is the run's best. */
  readonly best: readonly HallOfFameEntry[];
  readonly sinceImprovement: number;
  /** Parents whose mutation gave up (maxRetries proposals without a valid, different child). */
  readonly mutationFailures: number;
  readonly events: readonly EvolutionEvent[];
}

/** One evaluated candidate; the fingerprint lets equivalent programs share one place among the best. */
export interface Evaluated {
  readonly id: number;
  readonly fitness: FitnessResult;
  readonly fingerprint: string;
}

/** The evolution settings of a search space. */
export function evolutionConfig(space: Pick<SearchSpace, 'evolution' | 'metric'>, keepBest = 10): EvolutionConfig {
  const { population, tournamentSize, budget, restartAfter } = space.evolution;
  return { population, tournamentSize, budget, restartAfter, lowerIsBetter: space.metric.lowerIsBetter, keepBest };
}

export function initEvolution(config: EvolutionConfig, seeds: readonly string[], rng: Rng): EvolutionState {
  if (seeds.length === 0) throw new RangeError('evolution needs at least one seed program');
  for (const key of ['population', 'tournamentSize'] as const) {
    if (!(Number.isInteger(config[key]) && config[key] >= 1)) throw new RangeError(`${key} must be a positive integer`);
  }
  return {
    version: 1,
    config,
    seeds: [...seeds],
    rng: rng.state(),
    nextId: 0,
    evaluations: 0,
    population: [],
    pending: [],
    best: [],
    sinceImprovement: 0,
    mutationFailures: 0,
    events: [],
  };
}

/**
 * Up to `n` new candidates: the first `population` of a run are copies of the seeds; later ones
 * are mutated tournament winners. Fewer come back when the budget runs out, when nothing has been
 * told yet to select a parent from, or when a mutation gives up.
 */
export function ask(state: EvolutionState, n: number, mutateFn: MutateFn): { state: EvolutionState; candidates: Candidate[] } {
  const { config } = state;
  const rng = Rng.fromState(state.rng);
  const candidates: Candidate[] = [];
  let { nextId, mutationFailures } = state;
  for (let slot = 0; slot < n && nextId < config.budget; slot++) {
    if (nextId < config.population) {
      candidates.push(seedCopy(state.seeds, nextId++));
      continue;
    }
    if (state.population.length === 0) break;
    const stream = rng.split(); // one stream per child, so a child's draws do not shift the next one's
    const parent = tournament(state.population, config, stream);
    const outcome = mutateFn(parent.program, stream);
    if (!outcome.ok) {
      mutationFailures++;
      continue;
    }
    candidates.push({ id: nextId++, parentId: parent.id, program: outcome.program, mutation: outcome.mutation });
  }
  const pending = [...state.pending, ...candidates];
  return { state: { ...state, rng: rng.state(), nextId, mutationFailures, pending }, candidates };
}

/** Appends each evaluated candidate to the population, ages out the oldest, tracks the best, restarts. */
export function tell(state: EvolutionState, results: readonly Evaluated[]): EvolutionState {
  const { config } = state;
  const waiting = new Map(state.pending.map((c) => [c.id, c]));
  let population = [...state.population];
  let { best, sinceImprovement, evaluations } = state;
  const events = [...state.events];
  for (const { id, fitness, fingerprint } of results) {
    const candidate = waiting.get(id);
    if (candidate === undefined) throw new RangeError(`candidate ${id} is not awaiting a result`);
    waiting.delete(id);
    evaluations++;
    population.push({ id, program: candidate.program, fitness });
    if (population.length > config.population) population.shift(); // aging: the oldest dies

    const improved = isUsable(fitness) && (best[0] === undefined || isBetter(fitness, best[0].fitness, config.lowerIsBetter));
    best = updateHallOfFame(best, { id, program: candidate.program, fingerprint, fitness }, config.keepBest, config.lowerIsBetter);
    sinceImprovement = improved ? 0 : sinceImprovement + 1;

    const top = best[0];
    if (config.restartAfter > 0 && sinceImprovement >= config.restartAfter && top !== undefined) {
      population = Array.from({ length: config.population }, () => ({ id: top.id, program: top.program, fitness: top.fitness }));
      events.push({ kind: 'restart', evaluation: evaluations, bestId: top.id });
      sinceImprovement = 0;
    }
  }
  const pending = state.pending.filter((c) => waiting.has(c.id));
  return { ...state, population, pending, best, sinceImprovement, evaluations, events };
}

/**
 * Makes candidates the state never issued (asked after its checkpoint, found in the journal)
 * pending, so their results can be told; ids advance past them. The RNG is not rewound or advanced.
 */
export function adopt(state: EvolutionState, candidates: readonly Candidate[]): EvolutionState {
  const known = new Set(state.pending.map((c) => c.id));
  const fresh = candidates.filter((c) => c.id >= state.nextId && !known.has(c.id));
  if (fresh.length === 0) return state;
  const pending = [...state.pending, ...fresh].sort((a, b) => a.id - b.id);
  const nextId = Math.max(state.nextId, ...fresh.map((c) => c.id + 1));
  return { ...state, pending, nextId };
}

/** Whether a result for this id has already been told to the state. */
export function wasTold(state: EvolutionState, id: number): boolean {
  return id < state.nextId && !state.pending.some((c) => c.id === id);
}

/** Whether the budget is spent and every candidate has been told. */
export function isFinished(state: EvolutionState): boolean {
  return state.nextId >= state.config.budget && state.pending.length === 0;
}

/** The best of `tournamentSize` members drawn uniformly with replacement (ties: the first drawn). */
function tournament(population: readonly Member[], config: EvolutionConfig, rng: Rng): Member {
  let winner = rng.pick(population);
  for (let i = 1; i < config.tournamentSize; i++) {
    const contender = rng.pick(population);
    if (compareFitness(contender.fitness, winner.fitness, config.lowerIsBetter) < 0) winner = contender;
  }
  return winner;
}

function seedCopy(seeds: readonly string[], id: number): Candidate {
  const index = id % seeds.length;
  const detail = `copy of seed ${index + 1} of ${seeds.length}`;
  return { id, parentId: null, program: seeds[index]!, mutation: { kind: 'seed', detail } };
}
