// The loaded form of a search-space file: plain data that mutation, evolution and the funnel read.
import type { OpName } from '../dsl/index.js';

export interface ConstantSettings {
  /** New constants are drawn from N(mean, std). */
  readonly initial: { readonly mean: number; readonly std: number };
  /** A mutated constant is replaced by a fresh draw with this probability, else multiplied by 2^N(0, scaleLog2Std). */
  readonly perturb: { readonly replaceProbability: number; readonly scaleLog2Std: number };
  /** Constants are clamped to ±limit. */
  readonly limit: number;
}

export type MutationMode = 'evolve' | 'constants-only' | 'random';

/**
 * What happens to a child that differs from its parent as a program but not in behaviour (same
 * fingerprint): 'accept' adds it to the population with its parent's cached result, untrained;
 * 'retry' proposes another child. A child identical in text is always retried.
 */
export type NeutralPolicy = 'accept' | 'retry';

export interface MutationSettings {
  readonly mode: MutationMode;
  readonly weights: { readonly insert: number; readonly delete: number; readonly modify: number };
  /** Attempts at a child that checks and behaves differently from its parent before giving up. */
  readonly maxRetries: number;
  /** Absent (a run recorded before the option existed): 'retry'. */
  readonly neutral?: NeutralPolicy;
}

export interface EvolutionSettings {
  readonly population: number;
  readonly tournamentSize: number;
  /** Evaluations in the whole run. */
  readonly budget: number;
  /** Candidates sent to a worker at once (batched evaluation). */
  readonly batchSize: number;
  /** Restart from the best program after this many evaluations without improvement; 0 = never. */
  readonly restartAfter: number;
}

export type Promotion =
  | { readonly kind: 'beatBaseline' }
  | { readonly kind: 'topFraction'; readonly fraction: number }
  | { readonly kind: 'threshold'; readonly value: number };

export interface FunnelStage {
  /** The stage's task; the first of `tasks` when there are several. */
  readonly task: string;
  /** Several tasks: a candidate trains on each, and its metrics are combined by `aggregate`. */
  readonly tasks?: readonly string[];
  readonly aggregate?: 'mean' | 'median';
  readonly steps: number;
  readonly batch?: number;
  /** Base learning rate of the task's schedule. */
  readonly lr?: number;
  readonly seed?: number;
  /** The Transformer's sizes on the charlm task; the task's defaults when absent. */
  readonly width?: number;
  readonly heads?: number;
  readonly layers?: number;
  readonly context?: number;
  readonly act?: 'relu' | 'sqrelu';
  readonly dconv?: boolean;
  /**
   * Block spaces: 'flops' gives each candidate the steps that spend what the baseline block spends
   * in `steps` steps (fewer for a costlier block); 'steps' (or absent) trains every block `steps` steps.
   */
  readonly compute?: 'steps' | 'flops';
  /** How a candidate moves on to the next stage; absent on the last stage. */
  readonly promote?: Promotion;
}

export interface SeedProgram {
  readonly file: string;
  readonly source: string;
  /** Canonical text (the printer's), as the search keeps programs. */
  readonly text: string;
}

export type DialectName = 'optimizer' | 'block';

/** What a block space adds: the fixed optimizer blocks train with, and the choices its mutations draw from. */
export interface BlockSpaceSettings {
  readonly optimizer: { readonly file: string; readonly source: string };
  readonly widths: readonly number[];
  readonly dconvTaps: readonly number[];
  readonly heads: readonly number[];
  /**
   * Blocks of about the baseline's size only: a child whose forward FLOPs per token (of the block,
   * at the first stage's width and context) fall outside [low, high] × the baseline's is refused.
   */
  readonly flopsRange?: readonly [number, number];
}

export type MetricName = 'valLoss' | 'valAccuracy' | 'trainLoss';

export interface SearchSpace {
  /** Path the space was loaded from. */
  readonly file: string;
  readonly name: string;
  readonly description: string;
  readonly dialect: DialectName;
  /** Present exactly when `dialect` is 'block'. */
  readonly block?: BlockSpaceSettings;
  /** Optimizer spaces: the state slots and functions; empty and unused in a block space. */
  readonly slots: readonly string[];
  readonly functions: readonly OpName[];
  readonly constants: ConstantSettings;
  readonly maxStatements: number;
  readonly seeds: readonly SeedProgram[];
  readonly baseline: SeedProgram;
  readonly funnel: readonly FunnelStage[];
  readonly metaValidation?: { readonly task: string; readonly steps: number; readonly every: number; readonly top: number };
  readonly mutation: MutationSettings;
  readonly evolution: EvolutionSettings;
  readonly metric: { readonly name: MetricName; readonly lowerIsBetter: boolean };
  /**
   * Multiples of each candidate's own learning rate it is trained at, as replicas of one pass; it
   * is scored at its best. Absent (a run recorded before the option existed) or [1]: off.
   */
  readonly lrFactors?: readonly number[];
}
