// End-to-end `symevo inspect runs/NAME` on a run made by a real search, and `inspect --compare` on constants.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cutRunCopy, journalLines, searchRun } from '../report/make-run.js';
import { symevo } from './run-cli.js';

const root = mkdtempSync(join(tmpdir(), 'symevo-inspect-run-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let run: string;
let best: Row;
beforeAll(() => {
  run = searchRun(join(root, 'run'), 30);
  best = json<{ leaderboard: Row[] }>(['inspect', run, '--top', '1', '--json']).leaderboard[0]!;
}, 120_000);

/** Runs the command, expects exit 0, and parses its output. */
function json<T>(args: string[]): T {
  const r = symevo(args);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as T;
}

interface Row {
  rank: number;
  id: number;
  stageReached: number;
  stageScores: (number | null)[];
  statements: { before: number; after: number };
  relation: string;
  kinship: { relations: { name: string; relation: string }[]; closest: { name: string } };
}

describe('symevo inspect runs/NAME', () => {
  it('prints the totals and a leaderboard with scores per stage, sizes and relations', () => {
    const r = symevo(['inspect', run, '--top', '3']);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe(`run ${run}: space tiny, seed 0, backend cpu, not running`);
    expect(r.stdout).toMatch(/^30\/30 evaluations, \d+ trained, cache hit rate [\d.]+%, redundant statements [\d.]+%, wall time [\d.]+s, [\d.]+ evaluations\/min, \d+ diverged, \d+ failed$/m);
    const header = lines.findIndex((l) => /^rank\s+id\s+reached\s+stage 0\s+stage 1\s+statements\s+relation$/.test(l));
    expect(header).toBeGreaterThan(0);
    const rows = lines.slice(header + 1).filter((l) => l.trim() !== '');
    expect(rows).toHaveLength(3);
    expect(rows[0]).toMatch(/^\s*1\s+#\d+\s+[01]\s+[\d.]+\s+([\d.]+|-)\s+\d+→\d+\s+(equivalent to|different \(closest|\S+ up to constants)/);
  });

  it('gives the same leaderboard as one JSON document, with the relation to every known optimizer', () => {
    const doc = json<{ totals: { evaluations: number }; leaderboard: Row[]; run: { running: boolean } }>(['inspect', run, '--top', '4', '--json']);
    expect(doc.totals.evaluations).toBe(30);
    expect(doc.run.running).toBe(false);
    expect(doc.leaderboard.map((row) => row.rank)).toEqual([1, 2, 3, 4]);
    const names = doc.leaderboard[0]!.kinship.relations.map((k) => k.name);
    expect(names).toEqual(['adafactor', 'adam', 'adamw', 'lion-program4', 'lion', 'momentum', 'rmsprop', 'sgd', 'signum']);
    expect(doc.leaderboard[0]!.stageScores).toHaveLength(2);
    // The warm start copies AdamW: wherever a copy ranks, it is called AdamW's equivalent.
    const journal = journalLines(run).map((l) => JSON.parse(l) as { id: number; parentId: number | null });
    for (const row of doc.leaderboard.filter((x) => journal.find((e) => e.id === x.id)?.parentId === null)) {
      expect(row.relation).toBe('equivalent to adamw');
    }
  });

  it('--id shows the program, its metrics per stage and its lineage back to a seed with diffs', () => {
    const r = symevo(['inspect', run, '--id', String(best.id)]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`#${best.id}: stage ${best.stageReached} valLoss `);
    expect(r.stdout).toMatch(/ {2}as evolved:\n {4}def train\(w, g, m, v, lr\):/);
    expect(r.stdout).toMatch(/ {2}simplified:\n {4}def train/);
    expect(r.stdout).toMatch(/ {4}stage 0 \(mlp-teacher 20 steps\): seconds [\d.]+, trainLoss/);
    expect(r.stdout).toMatch(/lineage \(\d+ steps back to a seed\):/);
    expect(r.stdout).toMatch(/ {4}#\d+ ← seed: seed: copy of seed 1 of 1 \| stage \d valLoss/);
    expect(r.stdout).toMatch(/ {6}--- #\d+\n {6}\+\+\+ #\d+\n {6}@@ -\d+,\d+ \+\d+,\d+ @@\n/);
  });

  it('--id --json: each lineage step is the parent of the one before, ending at a seed', () => {
    type Detail = { program: { lineage: { id: number; parentId: number | null }[]; stages: unknown[] } };
    const { program } = json<Detail>(['inspect', run, '--id', String(best.id), '--json']);
    expect(program.lineage[0]!.id).toBe(best.id);
    program.lineage.slice(0, -1).forEach((s, i) => expect(s.parentId).toBe(program.lineage[i + 1]!.id));
    expect(program.lineage.at(-1)!.parentId).toBeNull();
    expect(program.stages).toHaveLength(best.stageReached + 1);
  });

  it('reads a run cut off by kill -9 in the middle of a journal line', () => {
    const cut = cutRunCopy(run, join(root, 'cut'));
    const doc = json<{ totals: { evaluations: number }; run: { notes: string[] } }>(['inspect', cut, '--json']);
    expect(doc.totals.evaluations).toBe(29);
    expect(doc.run.notes[0]).toMatch(/^ignored a partial last line of events\.jsonl/);
    expect(symevo(['inspect', cut]).stdout).toContain('note: ignored a partial last line');
  });

  it('exits 2 with a clear message for an unknown id and for a directory that is not a run', () => {
    const unknown = symevo(['inspect', run, '--id', '9999']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toBe(`symevo: ${run}: no evaluation with id 9999 in the journal (30 evaluations)\n`);
    const notRun = symevo(['inspect', root]);
    expect(notRun.code, notRun.stderr).toBe(2);
    expect(notRun.stderr).toBe(`symevo: ${root} is not a run directory (no config.json)\n`);
  });
});

describe('symevo inspect --compare on constants', () => {
  it('Lion with another learning-rate multiplier and a spare slot is Lion up to constants', () => {
    const file = join(root, 'lion-other-lr.dsl');
    writeFileSync(file, 'def train(w, g, m, v, lr):\n    u = sign(interp(g, m, 0.9))\n    m = interp(g, m, 0.99)\n    return (u + w * 0.1) * lr, m, v\n');
    expect(json<{ relation: string }>(['inspect', file, '--compare', 'dsl/optimizers/lion.dsl', '--json']).relation).toBe('same-up-to-constants');
  });

  it('AdamW and Lion stay different', () => {
    const r = symevo(['inspect', 'dsl/optimizers/adamw.dsl', '--compare', 'dsl/optimizers/lion.dsl']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('relation: different');
  });
});
