// Side files of a run directory beside the journal: the baseline's scores, crash counts and meta-validation.
import { appendFileSync, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from './atomic-file.js';
import { fromJson, toJson } from './json-values.js';

export const BASELINE_FILE = 'baseline.json';
export const CRASHES_FILE = 'crashes.json';
export const META_FILE = 'meta.jsonl';

export interface BaselineRecord {
  readonly program: string;
  /** The baseline's metric at each funnel stage (undefined where it did not finish finite). */
  readonly scores: readonly (number | null)[];
  readonly metrics: readonly Readonly<Record<string, number>>[];
}

export function readBaseline(dir: string): BaselineRecord | undefined {
  const path = join(dir, BASELINE_FILE);
  return existsSync(path) ? (fromJson(readFileSync(path, 'utf8')) as BaselineRecord) : undefined;
}

export function writeBaseline(dir: string, record: BaselineRecord): void {
  writeFileAtomic(join(dir, BASELINE_FILE), toJson(record, 2) + '\n');
}

/** How many engine crashes each candidate id was in flight for. */
export function readCrashes(dir: string): Map<number, number> {
  const path = join(dir, CRASHES_FILE);
  if (!existsSync(path)) return new Map();
  const counts = JSON.parse(readFileSync(path, 'utf8')) as Record<string, number>;
  return new Map(Object.entries(counts).map(([id, n]) => [Number(id), n]));
}

export function writeCrashes(dir: string, counts: ReadonlyMap<number, number>): void {
  writeFileAtomic(join(dir, CRASHES_FILE), JSON.stringify(Object.fromEntries(counts), null, 2) + '\n');
}

export interface MetaRecord {
  /** Evaluations told when the best programs were measured. */
  readonly evaluation: number;
  readonly id: number;
  readonly fingerprint: string;
  readonly searchScore: number;
  readonly task: string;
  readonly steps: number;
  readonly status: string;
  readonly metrics: Readonly<Record<string, number>>;
}

export function appendMeta(dir: string, records: readonly MetaRecord[]): void {
  if (records.length > 0) appendFileSync(join(dir, META_FILE), records.map((r) => toJson(r) + '\n').join(''));
}

export function readMeta(dir: string): MetaRecord[] {
  const path = join(dir, META_FILE);
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .flatMap((line) => {
      try {
        return [fromJson(line) as MetaRecord];
      } catch {
        return [];
      }
    });
}

export const INFLIGHT_FILE = 'inflight.json';

/** Ids of the candidates handed to workers and not yet journaled: the suspects if the engine dies. */
export function writeInflight(dir: string, ids: readonly number[]): void {
  // Read only after the engine process dies, not the machine: the page cache suffices, no fsync.
  const path = join(dir, INFLIGHT_FILE);
  writeFileSync(`${path}.tmp`, JSON.stringify(ids) + '\n');
  renameSync(`${path}.tmp`, path);
}

export function readInflight(dir: string): number[] {
  const path = join(dir, INFLIGHT_FILE);
  if (!existsSync(path)) return [];
  try {
    const ids = JSON.parse(readFileSync(path, 'utf8')) as unknown;
    return Array.isArray(ids) ? ids.filter((id): id is number => Number.isInteger(id)) : [];
  } catch {
    return [];
  }
}
