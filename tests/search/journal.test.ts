// The journal: whole-line appends, non-finite numbers, a partial last line after a kill, duplicates.
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import type { Candidate } from '../../src/search/candidate.js';
import type { FitnessResult } from '../../src/search/fitness.js';
import { JOURNAL_FILE, JournalWriter, entryCandidate, entryFitness, journalEntry, readJournal, type JournalEntry } from '../../src/search/journal.js';
import { toJson } from '../../src/search/json-values.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'symevo-journal-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const candidate = (id: number): Candidate => ({
  id,
  parentId: id === 0 ? null : id - 1,
  program: `def train(w, g, lr):\n    update = g * ${id}\n    return update\n`,
  mutation: { kind: id === 0 ? 'seed' : 'modify-constant', line: 2, detail: `step ${id}` },
});

function entry(id: number, fitness: FitnessResult = { status: 'ok', stageReached: 1, score: id / 10, metrics: [{ valLoss: 1 }, { valLoss: id / 10 }] }): JournalEntry {
  return journalEntry(candidate(id), fitness, { fingerprint: `fp${id}`, cacheHit: id % 2 === 1, timings: { total: 12.5 }, time: '2025-01-01T00:00:00.000Z' });
}

describe('JournalWriter and readJournal', () => {
  test('entries read back as written, one line each, NaN included', () => {
    const writer = JournalWriter.open(dir);
    const diverged: FitnessResult = { status: 'diverged', reason: 'non-finite weight', metrics: [{ valLoss: NaN, trainLoss: Infinity }] };
    writer.append([entry(0), entry(1)]);
    writer.append([entry(2, diverged)]);
    writer.close();
    const text = readFileSync(join(dir, JOURNAL_FILE), 'utf8');
    expect(text.split('\n')).toHaveLength(4); // three lines and the final newline
    const read = readJournal(dir);
    expect(read.entries).toEqual([entry(0), entry(1), entry(2, diverged)]);
    expect(read.partialLine).toBeUndefined();
    expect(entryFitness(read.entries[2]!)).toEqual(diverged);
    expect(entryFitness(read.entries[1]!)).toEqual({ status: 'ok', stageReached: 1, score: 0.1, metrics: [{ valLoss: 1 }, { valLoss: 0.1 }] });
    expect(entryCandidate(read.entries[1]!)).toEqual(candidate(1));
  });

  test('a missing journal is empty', () => {
    expect(readJournal(dir)).toEqual({ entries: [], duplicates: [], badLines: [] });
  });

  test('a partial last line (a kill mid-write) is ignored and reported, then cut off on reopening', () => {
    const writer = JournalWriter.open(dir);
    writer.append([entry(0), entry(1)]);
    writer.close();
    const line = toJson(entry(2));
    appendFileSync(join(dir, JOURNAL_FILE), line.slice(0, 40));
    const read = readJournal(dir);
    expect(read.entries.map((e) => e.id)).toEqual([0, 1]);
    expect(read.partialLine).toBe(line.slice(0, 40));

    const reopened = JournalWriter.open(dir);
    reopened.append([entry(2)]);
    reopened.close();
    const after = readJournal(dir);
    expect(after.entries.map((e) => e.id)).toEqual([0, 1, 2]);
    expect(after.partialLine).toBeUndefined();
    expect(after.badLines).toEqual([]);
  });

  test('a journal that is all partial line is cut to nothing', () => {
    writeFileSync(join(dir, JOURNAL_FILE), '{"id":0,"par');
    JournalWriter.open(dir).close();
    expect(readFileSync(join(dir, JOURNAL_FILE), 'utf8')).toBe('');
  });

  test('an id seen twice keeps its first line and is reported', () => {
    const writer = JournalWriter.open(dir);
    writer.append([entry(0), entry(1), { ...entry(1), fingerprint: 'second' }, entry(2)]);
    writer.close();
    const read = readJournal(dir);
    expect(read.entries.map((e) => [e.id, e.fingerprint])).toEqual([
      [0, 'fp0'],
      [1, 'fp1'],
      [2, 'fp2'],
    ]);
    expect(read.duplicates).toEqual([1]);
  });

  test('complete lines that are not entries are skipped and reported with their line number', () => {
    writeFileSync(join(dir, JOURNAL_FILE), `${toJson(entry(0))}\nnot json\n{"id":5}\n${toJson(entry(1))}\n`);
    const read = readJournal(dir);
    expect(read.entries.map((e) => e.id)).toEqual([0, 1]);
    expect(read.badLines).toEqual(['line 2: not valid JSON', 'line 3: no program or fingerprint']);
  });

  test('appending after close is refused', () => {
    const writer = JournalWriter.open(dir);
    writer.close();
    expect(() => writer.append([entry(0)])).toThrow(/closed/);
  });
});
