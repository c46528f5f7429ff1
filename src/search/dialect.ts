// What the engine needs of a program language, so that one engine (evolution, dedup, funnel, journal,
// resume, supervisor, distribution) searches optimizers and Transformer blocks alike. The optimizer
// dialect is below (optimizer-dialect.ts); the block dialect is src/nas's plug-in.
import type { CandidateKey } from './candidate-key.js';
import type { MutateFn } from './evolution.js';
import type { DialectName, SearchSpace } from './space-types.js';

export interface SearchDialect {
  readonly name: DialectName;
  /**
   * The cache key of canonical program text: the behavioural fingerprint of its simplified form and
   * its statement counts. Throws a DslError for text that does not parse or check.
   */
  key(text: string, file: string): CandidateKey;
  /** Mutation over canonical text for a space; told each child's key so it is not computed twice. */
  mutator(space: SearchSpace, onChild?: (program: string, key: CandidateKey) => void): MutateFn;
  /** One line that tells programs apart in progress displays. */
  summary(text: string): string;
}

/** The dialects an engine can run, by the name a space gives. */
export type DialectTable = Readonly<Partial<Record<DialectName, SearchDialect>>>;

/** The space's dialect from the table, or an error that names what is missing. */
export function dialectFor(space: Pick<SearchSpace, 'dialect'>, table: DialectTable): SearchDialect {
  const dialect = table[space.dialect];
  if (dialect === undefined) throw new Error(`this engine cannot search the "${space.dialect}" dialect (it has: ${Object.keys(table).join(', ')})`);
  return dialect;
}

/**
 * What a funnel job of the space says beyond its programs: for blocks, the optimizer they train with
 * and the baseline block, whose cost sets the steps of an equal-compute stage.
 */
export function dialectJobFields(space: Pick<SearchSpace, 'dialect' | 'block' | 'baseline'>): { blocks?: { optimizer: string; reference: string } } {
  if (space.dialect !== 'block' || space.block === undefined) return {};
  return { blocks: { optimizer: space.block.optimizer.source, reference: space.baseline.text } };
}
