// Equivalent programs are evaluated once: results cached under the behavioural fingerprint of the
// simplified program, in a bounded LRU, with the hit rate and redundant-statement fraction the
// Lion paper reports (89% hits, 70% redundant statements over a search).
import { LRUCache } from 'lru-cache';
import { fingerprint, namesRead, printProgram, simplifyOptimizer, type CheckedOptimizer, type Program } from '../dsl/index.js';
import { isRepeatable, type FitnessResult } from './fitness.js';

export interface CandidateKey {
  /** Behavioural fingerprint of the simplified program: the cache key. */
  readonly fingerprint: string;
  /** Canonical text of the simplified program (dead code removed, constants folded). */
  readonly simplifiedText: string;
  /** Statements of the program as written. */
  readonly statements: number;
  /** Statements the returned update or a carried state slot depends on. */
  readonly liveStatements: number;
}

/**
 * The key and size facts of a checked candidate. Measured on AdamW-sized programs (about 10
 * statements) it takes well under a millisecond; most of it is the fingerprint's 12 probe steps.
 */
export function candidateKey(checked: CheckedOptimizer): CandidateKey {
  const simplified = simplifyOptimizer(checked);
  return {
    fingerprint: fingerprint(simplified.checked),
    simplifiedText: printProgram(simplified.checked.program),
    statements: checked.program.body.length,
    liveStatements: liveStatementCount(checked.program, checked.signature.slots, simplified.carried),
  };
}

/** Fraction of a program's statements that simplification removes as dead (0 for an empty body). */
export function redundantFraction(key: CandidateKey): number {
  return key.statements === 0 ? 0 : (key.statements - key.liveStatements) / key.statements;
}

/**
 * Statements whose value reaches the update or a carried slot, by backward liveness over the body
 * (the Lion search's dependency tracking). A slot nothing reads in the next step is not an output.
 */
function liveStatementCount(program: Program, slots: readonly string[], carried: readonly boolean[]): number {
  const live = new Set<string>(namesRead(program.ret.values[0]!));
  slots.forEach((slot, i) => {
    if (carried[i]) live.add(slot);
  });
  let count = 0;
  for (let i = program.body.length - 1; i >= 0; i--) {
    const s = program.body[i]!;
    if (!live.has(s.target)) continue;
    count++;
    live.delete(s.target);
    for (const name of namesRead(s.value)) live.add(name);
  }
  return count;
}

export interface CacheStats {
  readonly hits: number;
  readonly misses: number;
  /** hits / (hits + misses); 0 before any lookup. */
  readonly hitRate: number;
  readonly entries: number;
  /** Redundant statements / statements, summed over every candidate looked up. */
  readonly redundantFraction: number;
}

export class DedupCache {
  private readonly cache: LRUCache<string, FitnessResult>;
  private hits = 0;
  private misses = 0;
  private statements = 0;
  private redundant = 0;

  constructor(maxEntries: number) {
    if (!(Number.isInteger(maxEntries) && maxEntries >= 1)) throw new RangeError('maxEntries must be a positive integer');
    this.cache = new LRUCache({ max: maxEntries });
  }

  /** The stored result of an equivalent program, counting a hit or a miss and the candidate's size. */
  lookup(key: CandidateKey): FitnessResult | undefined {
    this.statements += key.statements;
    this.redundant += key.statements - key.liveStatements;
    const found = this.cache.get(key.fingerprint);
    if (found === undefined) this.misses++;
    else this.hits++;
    return found;
  }

  /** Stores a result, unless it may not repeat (a crash or timeout may be the machine's fault). */
  store(fingerprint: string, result: FitnessResult): void {
    if (isRepeatable(result)) this.cache.set(fingerprint, result);
  }

  stats(): CacheStats {
    const lookups = this.hits + this.misses;
    return {
      hits: this.hits,
      misses: this.misses,
      hitRate: lookups === 0 ? 0 : this.hits / lookups,
      entries: this.cache.size,
      redundantFraction: this.statements === 0 ? 0 : this.redundant / this.statements,
    };
  }
}
