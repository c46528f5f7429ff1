// The defaults of a search-space file, in one place, each with its reason; and the Lion search's
// function set as far as the op catalogue has it.
import type { OpName } from '../dsl/index.js';
import type { MetricName } from './space-types.js';

/**
 * The Lion search's functions (Hero's `get_math_fns` plus + − × ÷, max, min) that the op catalogue
 * has: Hero's `invert` has no counterpart; `norm` stands for `global_norm` and `clip_by_norm` for
 * `clip_by_global_norm` (both per tensor here); `clip` is added because Program 4 calls `clip(g, lr)`.
 */
export const LION_FUNCTIONS: readonly OpName[] = [
  'pi', 'e', 'eps',
  'add', 'sub', 'mul', 'div', 'max', 'min', 'power', 'negative',
  'abs', 'sign', 'square', 'sqrt', 'cube', 'cbrt', 'reciprocal',
  'exp', 'exp2', 'exp10', 'expm1', 'log', 'log2', 'log10', 'log1p',
  'sin', 'cos', 'tan', 'arcsin', 'arccos', 'arctan',
  'sinh', 'cosh', 'tanh', 'arcsinh', 'arccosh', 'arctanh',
  'interp', 'clip', 'norm', 'dot', 'cosine_sim', 'clip_by_norm',
];

export const SPACE_DEFAULTS = {
  // name: the file name without .json, since a space is known by its file.
  description: '',
  // The Lion search's kind of space; "block" evolves Transformer blocks.
  dialect: 'optimizer' as 'optimizer' | 'block',
  block: {
    // Primer's search trained every block with AdamW (Adafactor at scale); the seed optimizer of this package.
    optimizer: 'dsl/optimizers/adamw.dsl',
    // dense() widths, dconv taps and head counts a block mutation may choose: Primer's search's
    // widths and taps that fit the charlm width, and heads that divide them (the block generator's defaults).
    widths: [0.5, 1, 2, 4],
    dconvTaps: [3, 7, 15, 31],
    heads: [1, 2, 4],
  },
  // AdamW's signature, as in the Lion search: a found program never needs more memory than AdamW.
  slots: ['m', 'v'],
  // The Lion search's function set.
  functions: LION_FUNCTIONS,
  constants: {
    // New constants ~ N(0, 1), as in the Lion search.
    initial: { mean: 0, std: 1 },
    // A mutated constant is either redrawn or scaled by 2^N(0, 1); the paper gives no split, so even odds.
    perturb: { replaceProbability: 0.5, scaleLog2Std: 1 },
    // Hero clamps constants to ±1e10.
    limit: 1e10,
  },
  // About 3× AdamW's 9 statements: the Lion search found ~70% of statements redundant, and they are stepping stones.
  maxStatements: 30,
  // baseline: the first seed, since the program a search starts from is the one to beat (AdamW in the Lion search).
  mutation: {
    mode: 'evolve',
    // Insert, delete and modify with equal weight, as in Hero.
    weights: { insert: 1, delete: 1, modify: 1 },
    // Hero's mutate_function_until tries up to 1000 times for a child that differs from its parent.
    maxRetries: 1000,
    // Behaviour-neutral children join the population (with their parent's cached result, so they
    // cost no training): the Lion search's hash allowed them and AutoML-Zero keeps functional
    // duplicates, because they mutate differently later. Lion itself is reached from AdamW through
    // such a child (v's statement changed while v no longer reaches the update).
    neutral: 'accept',
  },
  evolution: {
    // The paper's 1000 is for 100 TPU chips; 100 keeps a generation affordable on one machine.
    population: 100,
    // The paper's tournament size.
    tournamentSize: 2,
    // Evaluations in a run: enough for a population of 100 to turn over ten times.
    budget: 1000,
    // Candidates per worker batch: several model replicas train in one pass.
    batchSize: 8,
    // Never restart unless asked: restarting from the best is a choice about a plateau the user sees.
    restartAfter: 0,
  },
  // A non-last funnel stage without `promote` promotes programs that beat the baseline, as the Lion funnel does.
  promote: { kind: 'beatBaseline' },
  // Validation loss: defined for every task, unlike accuracy.
  metric: 'valLoss',
  // A stage over several tasks scores their mean: every task counts. The median ignores one task
  // that is far off, at the price of ignoring it also when it is right.
  aggregate: 'mean',
  // Each candidate at its own learning rate only: every further factor is another replica of every
  // candidate at the first stage, which on a CPU costs as much as another candidate.
  lrFactors: [1],
} as const;

/** Whether lower is better for each metric (`metric.lowerIsBetter` may be left out, and must agree if given). */
export const LOWER_IS_BETTER: Readonly<Record<MetricName, boolean>> = {
  valLoss: true,
  trainLoss: true,
  valAccuracy: false,
};
