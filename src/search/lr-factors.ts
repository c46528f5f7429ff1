// Learning-rate robustness: each candidate trained at a few multiples of its own learning rate, as
// replicas of the same funnel pass, and scored at the best. A rule is then judged by what it can
// do, not by whether its constants happen to suit the lr its parent carried (a sign update needs an
// lr several times smaller than AdamW's).
import {
  findNamedConstant, NO_POS, parseOptimizer, printProgram, withConstantAt, type Assign, type Program,
} from '../dsl/index.js';
import type { FunnelJob, FunnelOutcome } from '../tasks/index.js';
import { compareFitness, type FitnessResult } from './fitness.js';
import { fitnessOf } from './outcome.js';
import type { MetricName } from './space-types.js';

/** Factors per candidate are at most this many, so variant ids stay distinct. */
export const MAX_LR_FACTORS = 8;
const STRIDE = 16;

/**
 * The program with its learning rate scaled by `factor`: its lr constant (the one number of
 * `lr = lr * c`, or of a product with lr) multiplied, or `lr = lr * factor` prepended when it has
 * no single one. Factor 1 leaves it as it is.
 */
export function scaleLearningRate(program: Program, factor: number): Program {
  if (factor === 1) return program;
  const site = findNamedConstant(program, 'lr');
  if (site !== undefined) return withConstantAt(program, site, site.value * factor);
  const scale: Assign = {
    kind: 'assign',
    target: 'lr',
    value: { kind: 'binary', op: '*', left: { kind: 'name', id: 'lr', pos: NO_POS }, right: { kind: 'number', value: factor, pos: NO_POS }, pos: NO_POS },
    pos: NO_POS,
  };
  return { ...program, body: [scale, ...program.body] };
}

/** Canonical text of `scaleLearningRate` on canonical text. */
export function scaleLearningRateText(text: string, factor: number): string {
  if (factor === 1) return text;
  return printProgram(scaleLearningRate(parseOptimizer(text, '<lr variant>').program, factor));
}

/** The job with every program replaced by one variant per factor, grouped by the program's id. */
export function expandJob(job: FunnelJob, factors: readonly number[]): FunnelJob {
  if (factors.length <= 1 && (factors[0] ?? 1) === 1) return job;
  const programs = job.programs.flatMap(({ id, text }) =>
    factors.map((factor, i) => {
      let variant: string;
      try {
        variant = scaleLearningRateText(text, factor);
      } catch {
        variant = text; // an unreadable program fails the same way in every variant
      }
      return { id: id * STRIDE + i, text: variant, group: id };
    }),
  );
  return { ...job, programs };
}

/** One outcome per program of the original job: its best variant's, with the factor it used. */
export function collapseOutcomes(
  outcomes: readonly FunnelOutcome[],
  factors: readonly number[],
  metric: MetricName,
  lowerIsBetter: boolean,
): { outcomes: FunnelOutcome[]; factors: Map<number, number> } {
  if (factors.length <= 1 && (factors[0] ?? 1) === 1) return { outcomes: [...outcomes], factors: new Map() };
  const best = new Map<number, { outcome: FunnelOutcome; fitness: FitnessResult; factor: number }>();
  for (const outcome of outcomes) {
    const id = Math.floor(outcome.id / STRIDE);
    const factor = factors[outcome.id - id * STRIDE]!;
    const fitness = fitnessOf(outcome, metric);
    const held = best.get(id);
    if (held === undefined || compareFitness(fitness, held.fitness, lowerIsBetter) < 0) best.set(id, { outcome, fitness, factor });
  }
  return {
    outcomes: [...best].map(([id, b]) => ({ ...b.outcome, id })),
    factors: new Map([...best].map(([id, b]) => [id, b.factor])),
  };
}

/** The fitness with the factor it was reached at (absent for factor 1 when no factors are set). */
export function withLrFactor(fitness: FitnessResult, factor: number | undefined): FitnessResult {
  return fitness.status === 'ok' && factor !== undefined ? { ...fitness, lrFactor: factor } : fitness;
}
