// The run's append-only journal, events.jsonl: one JSON line per finished evaluation.
//
// Durability: each append is one write of whole lines to a file opened in append mode, then one
// fsync. An evaluation takes seconds and an fsync milliseconds, so syncing every batch costs little,
// and a finished evaluation is never lost to a crash once `append` returns. The checkpoint is
// written after the journal lines it accounts for, so the journal is never behind it.
// A kill mid-write can leave a partial last line: readers ignore it, and opening the journal for
// appending cuts it off so the next line starts clean.
import { closeSync, existsSync, fsyncSync, ftruncateSync, openSync, readFileSync, readSync, fstatSync } from 'node:fs';
import { join } from 'node:path';
import { writeFully } from './atomic-file.js';
import type { Candidate, MutationRecord } from './candidate.js';
import type { EvaluatorInfo } from './evaluator.js';
import { FAILURE_STATUSES, type FitnessResult } from './fitness.js';
import { fromJson, toJson } from './json-values.js';

export const JOURNAL_FILE = 'events.jsonl';

export interface JournalEntryBase {
  readonly id: number;
  readonly parentId: number | null;
  readonly mutation: MutationRecord;
  readonly program: string;
  /** Cache key (fingerprint of the simplified program). */
  readonly fingerprint: string;
  /** The result was reused from an equivalent program's evaluation. */
  readonly cacheHit: boolean;
  /** Milliseconds per phase, e.g. { compile, train, total }. */
  readonly timings: Readonly<Record<string, number>>;
  /** ISO 8601 time the evaluation finished. */
  readonly time: string;
  /** Who trained it (machine, worker, device); absent for results known without training. */
  readonly evaluator?: EvaluatorInfo;
}

/** A journal line: the candidate, how it was evaluated, and its fitness fields (status, score, ...). */
export type JournalEntry = JournalEntryBase & FitnessResult;

export function journalEntry(candidate: Candidate, fitness: FitnessResult, facts: Omit<JournalEntryBase, keyof Candidate>): JournalEntry {
  const { id, parentId, mutation, program } = candidate;
  return { id, parentId, mutation, program, ...facts, ...fitness };
}

export function entryFitness(entry: JournalEntry): FitnessResult {
  if (entry.status === 'ok') {
    const { stageReached, score, metrics, lrFactor } = entry;
    return { status: 'ok', stageReached, score, metrics, ...(lrFactor === undefined ? {} : { lrFactor }) };
  }
  return { status: entry.status, reason: entry.reason, ...(entry.metrics ? { metrics: entry.metrics } : {}) };
}

export function entryCandidate(entry: JournalEntry): Candidate {
  return { id: entry.id, parentId: entry.parentId, program: entry.program, mutation: entry.mutation };
}

export class JournalWriter {
  private constructor(private fd: number | undefined) {}

  /** Opens `dir/events.jsonl` for appending, creating it, and cuts off a partial last line. */
  static open(dir: string): JournalWriter {
    const fd = openSync(join(dir, JOURNAL_FILE), 'a+');
    const size = fstatSync(fd).size;
    const keep = completeLength(fd, size);
    if (keep < size) {
      ftruncateSync(fd, keep);
      fsyncSync(fd);
    }
    return new JournalWriter(fd);
  }

  /** Appends entries as whole lines in one write, then syncs them to disk. */
  append(entries: readonly JournalEntry[]): void {
    if (this.fd === undefined) throw new Error('the journal is closed');
    if (entries.length === 0) return;
    writeFully(this.fd, Buffer.from(entries.map((e) => toJson(e) + '\n').join(''), 'utf8'));
    fsyncSync(this.fd);
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}

/** Length of the file up to and including its last newline (0 when it has none). */
function completeLength(fd: number, size: number): number {
  const chunk = Buffer.alloc(64 * 1024);
  for (let end = size; end > 0; ) {
    const start = Math.max(0, end - chunk.length);
    const read = readSync(fd, chunk, 0, end - start, start);
    const at = chunk.subarray(0, read).lastIndexOf(0x0a);
    if (at >= 0) return start + at + 1;
    end = start;
  }
  return 0;
}

export interface JournalRead {
  /** Entries in file order, each id once (its first line). */
  readonly entries: readonly JournalEntry[];
  /** Text of an unterminated last line (a write cut short by a crash), ignored. */
  readonly partialLine?: string;
  /** Ids that appeared more than once; only the first line of each was kept. */
  readonly duplicates: readonly number[];
  /** Complete lines that were not valid entries (line number and why), skipped. */
  readonly badLines: readonly string[];
}

/** Reads `dir/events.jsonl`; a missing file is an empty journal. Never throws on bad content. */
export function readJournal(dir: string): JournalRead {
  const path = join(dir, JOURNAL_FILE);
  if (!existsSync(path)) return { entries: [], duplicates: [], badLines: [] };
  const lines = readFileSync(path, 'utf8').split('\n');
  const last = lines.pop()!; // text after the final newline: '' for a complete file
  const entries: JournalEntry[] = [];
  const seen = new Set<number>();
  const duplicates: number[] = [];
  const badLines: string[] = [];
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    const parsed = parseEntry(line);
    if (typeof parsed === 'string') badLines.push(`line ${i + 1}: ${parsed}`);
    else if (seen.has(parsed.id)) duplicates.push(parsed.id);
    else {
      seen.add(parsed.id);
      entries.push(parsed);
    }
  });
  return { entries, duplicates, badLines, ...(last === '' ? {} : { partialLine: last }) };
}

type EntryField = keyof JournalEntryBase | 'status' | 'score' | 'stageReached' | 'metrics' | 'reason';

/** An entry, or why the line is not one. */
function parseEntry(line: string): JournalEntry | string {
  let value: unknown;
  try {
    value = fromJson(line);
  } catch {
    return 'not valid JSON';
  }
  const e = value as Partial<Record<EntryField, unknown>>;
  if (typeof value !== 'object' || value === null) return 'not an object';
  if (!(Number.isSafeInteger(e.id) && (e.id as number) >= 0)) return 'no candidate id';
  if (typeof e.program !== 'string' || typeof e.fingerprint !== 'string') return 'no program or fingerprint';
  if (typeof e.mutation !== 'object' || e.mutation === null) return 'no mutation record';
  const okShape = e.status === 'ok' && typeof e.score === 'number' && typeof e.stageReached === 'number' && Array.isArray(e.metrics);
  const failShape = FAILURE_STATUSES.includes(e.status as never) && typeof e.reason === 'string';
  if (!okShape && !failShape) return `no valid fitness (status ${String(e.status)})`;
  return value as JournalEntry;
}
