// The best programs of a run so far, one per behaviour (fingerprint), best first.
import { isBetter, isUsable, type FitnessResult } from './fitness.js';

export interface HallOfFameEntry {
  readonly id: number;
  readonly program: string;
  readonly fingerprint: string;
  readonly fitness: FitnessResult;
}

/**
 * Adds an evaluated program to the ranking, keeping at most `size` entries. Equivalent programs
 * (same fingerprint) hold one place: the earliest keeps it unless a later one scores strictly
 * better, so cache hits of a good program do not crowd out everything else. Unusable results
 * (failed, NaN) never enter.
 */
export function updateHallOfFame(
  entries: readonly HallOfFameEntry[],
  entry: HallOfFameEntry,
  size: number,
  lowerIsBetter: boolean,
): readonly HallOfFameEntry[] {
  if (!isUsable(entry.fitness) || size <= 0) return entries;
  const same = entries.find((e) => e.fingerprint === entry.fingerprint);
  if (same !== undefined && !isBetter(entry.fitness, same.fitness, lowerIsBetter)) return entries;
  const others = entries.filter((e) => e.fingerprint !== entry.fingerprint);
  // After every entry at least as good: ties keep the earlier program ahead.
  const at = others.findIndex((e) => isBetter(entry.fitness, e.fitness, lowerIsBetter));
  const ranked = at < 0 ? [...others, entry] : [...others.slice(0, at), entry, ...others.slice(at)];
  return ranked.slice(0, size);
}
