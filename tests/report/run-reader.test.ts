// Reading real run directories: a finished run, one cut off mid-write, and one still being written.
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareFitness, entryFitness } from '../../src/search/index.js';
import { leaderboard, lineage, readRun, reportHtml, runSeries, runTotals, type RunRead } from '../../src/report/index.js';
import { cutRunCopy, journalLines, searchRun, startSearch } from './make-run.js';

const root = mkdtempSync(join(tmpdir(), 'symevo-report-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

let done: RunRead;
beforeAll(() => {
  const read = readRun(searchRun(join(root, 'done'), 30));
  if (!read.ok) throw new Error(read.reason);
  done = read.run;
}, 120_000);

describe('a finished run', () => {
  it('reads every journaled evaluation, the checkpoint and the space', () => {
    expect(done.entries.map((e) => e.id)).toEqual(Array.from({ length: 30 }, (_, i) => i));
    expect(done.checkpoint?.evaluations).toBe(30);
    expect(done.space).toMatchObject({ name: 'tiny', population: 4, metric: { name: 'valLoss', lowerIsBetter: true } });
    expect(done.space.funnel.map((s) => s.steps)).toEqual([20, 40]);
    expect(done.runningPid).toBeUndefined();
    expect(done.notes).toEqual([]);
  });

  it('totals agree with the journal', () => {
    const t = runTotals(done);
    const hits = done.entries.filter((e) => e.cacheHit).length;
    expect(t).toMatchObject({ evaluations: 30, budget: 30, trained: 30 - hits });
    expect(t.cacheHitRate).toBeCloseTo(hits / 30, 12);
    expect(t.ok + t.diverged + t.failed).toBe(30);
    expect(t.redundantFraction).toBeGreaterThanOrEqual(0);
    expect(t.redundantFraction).toBeLessThan(1);
    expect(t.wallSeconds).toBeGreaterThan(0);
    expect(t.evaluationsPerMinute).toBeCloseTo(30 / (t.wallSeconds / 60), 6);
  });

  it('the series has one point per evaluation, never more behaviours than members, and a best that only improves', () => {
    const s = runSeries(done);
    expect(s.map((p) => p.evaluation)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    expect(s.every((p) => p.distinct >= 1 && p.distinct <= 4)).toBe(true);
    const bests = s.flatMap((p) => (p.best === undefined ? [] : [p.best]));
    expect(bests.every((b, i) => i === 0 || b <= bests[i - 1]!)).toBe(true);
    expect(s.at(-1)!.cacheHitRate).toBeCloseTo(runTotals(done).cacheHitRate, 12);
  });

  it('the leaderboard is ranked as the search ranks, one program per behaviour, and its first is the checkpoint\'s best', () => {
    const rows = leaderboard(done, 5);
    expect(rows.length).toBeGreaterThan(1);
    expect(rows.map((r) => r.rank)).toEqual(rows.map((_, i) => i + 1));
    expect(new Set(rows.map((r) => r.fingerprint)).size).toBe(rows.length);
    const byId = new Map(done.entries.map((e) => [e.id, e]));
    for (let i = 1; i < rows.length; i++) {
      const order = compareFitness(entryFitness(byId.get(rows[i - 1]!.id)!), entryFitness(byId.get(rows[i]!.id)!), true);
      expect(order).toBeLessThanOrEqual(0);
    }
    expect(rows[0]!.id).toBe(done.checkpoint!.best[0]!.id);
    expect(rows.every((r) => r.statements.after <= r.statements.before)).toBe(true);
    expect(rows[0]!.kinship.relations.map((k) => k.name)).toContain('adamw');
  });

  it('the best program\'s lineage follows parent ids back to a seed copy', () => {
    const best = leaderboard(done, 1)[0]!;
    const { steps, broken } = lineage(done, best.id);
    expect(broken).toBeUndefined();
    expect(steps.length).toBeGreaterThan(1);
    expect(steps[0]!.id).toBe(best.id);
    steps.slice(0, -1).forEach((s, i) => expect(s.parentId).toBe(steps[i + 1]!.id));
    expect(steps.at(-1)).toMatchObject({ parentId: null, diff: '', mutation: { kind: 'seed' } });
    const changed = steps.filter((s) => s.mutation.kind !== 'seed');
    expect(changed.every((s) => s.diff.startsWith(`--- #${s.parentId}\n+++ #${s.id}\n@@ `))).toBe(true);
  });

  it('a restart refills the population with copies of the best: one behaviour right after it', () => {
    const bestId = done.entries[5]!.id;
    const restarted: RunRead = { ...done, checkpoint: { ...done.checkpoint!, events: [{ kind: 'restart', evaluation: 12, bestId }] } };
    const s = runSeries(restarted);
    expect(s[11]!.distinct).toBe(1);
    expect(s[11]!.median).toBe(done.entries[5]!.metrics![0]!['valLoss']);
    expect(s[12]!.distinct).toBeLessThanOrEqual(2);
  });
});

describe('a run that has journaled nothing yet', () => {
  it('reads as empty, and its report says so', () => {
    const dir = join(root, 'fresh');
    mkdirSync(dir);
    copyFileSync(join(done.dir, 'config.json'), join(dir, 'config.json'));
    const read = readRun(dir);
    expect(read.ok).toBe(true);
    if (!read.ok) return;
    expect(runTotals(read.run)).toMatchObject({ evaluations: 0, trained: 0, cacheHitRate: 0, wallSeconds: 0 });
    expect(leaderboard(read.run, 5)).toEqual([]);
    expect(runSeries(read.run)).toEqual([]);
    const html = reportHtml(read.run, { top: 5 });
    expect(html).toContain('<p>No program has a usable score yet.</p>');
    expect(html).toContain('<p>No best program yet.</p>');
  });
});

describe('a run cut off in the middle of a journal write', () => {
  it('reads up to the last complete line and says what it ignored', () => {
    const dir = cutRunCopy(done.dir, join(root, 'cut'));
    const read = readRun(dir);
    expect(read.ok).toBe(true);
    if (!read.ok) return;
    expect(read.run.entries.map((e) => e.id)).toEqual(done.entries.slice(0, -1).map((e) => e.id));
    expect(read.run.notes.join('\n')).toMatch(/ignored a partial last line of events\.jsonl/);
    expect(runTotals(read.run).evaluations).toBe(29);
  });

  it('reads a run whose checkpoint was never written, from the journal alone', () => {
    const dir = cutRunCopy(done.dir, join(root, 'no-checkpoint'));
    rmSync(join(dir, 'checkpoint.json'));
    const read = readRun(dir);
    expect(read.ok && read.run.checkpoint === undefined && leaderboard(read.run, 3).length > 0).toBe(true);
  });

  it('refuses a directory that is not a run', () => {
    const read = readRun(root);
    expect(read).toEqual({ ok: false, reason: `${root} is not a run directory (no config.json)` });
  });

  it('names the file of an unreadable configuration', () => {
    const dir = cutRunCopy(done.dir, join(root, 'bad-config'));
    writeFileSync(join(dir, 'config.json'), '{"name": "x", ');
    const read = readRun(dir);
    expect(read.ok).toBe(false);
    if (!read.ok) expect(read.reason).toContain(join(dir, 'config.json'));
  });
});

describe('a run still being written', () => {
  it('is read while the engine holds its lock, and the lock is left alone', async () => {
    const dir = join(root, 'live');
    const { child, exited } = await startSearch(dir, 400, 6);
    try {
      const lock = readFileSync(join(dir, 'engine.lock'), 'utf8');
      const read = readRun(dir);
      expect(read.ok).toBe(true);
      if (!read.ok) return;
      expect(read.run.runningPid).toBe(Number(lock.trim()));
      expect(read.run.entries.length).toBeGreaterThanOrEqual(6);
      expect(leaderboard(read.run, 3).length).toBeGreaterThan(0);
      expect(readFileSync(join(dir, 'engine.lock'), 'utf8')).toBe(lock);
      expect(journalLines(dir).length).toBeGreaterThanOrEqual(read.run.entries.length);
    } finally {
      child.kill('SIGINT');
      await exited;
    }
    expect(existsSync(join(dir, 'engine.lock'))).toBe(false);
  }, 120_000);
});
