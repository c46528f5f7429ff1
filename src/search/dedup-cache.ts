// Equivalent programs are evaluated once: results cached under the behavioural fingerprint of the
// simplified program (candidate-key.ts), in a bounded LRU, with the hit rate and redundant-statement
// fraction the Lion paper reports (89% hits, 70% redundant statements over a search).
import { LRUCache } from 'lru-cache';
import type { CandidateKey } from './candidate-key.js';
import { isRepeatable, type FitnessResult } from './fitness.js';

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
