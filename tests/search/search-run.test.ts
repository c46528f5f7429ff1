// End-to-end searches through the CLI: a finished run's files, reproducibility, kill -9 and resume, crash supervision.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { symevo } from '../cli/run-cli.js';
import { describeGpu } from '../gpu/gpu-context.js';

const SPACE = 'tests/fixtures/spaces/tiny.json';
const root = mkdtempSync(join(tmpdir(), 'symevo-search-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

interface Line {
  readonly id: number;
  readonly program: string;
  readonly status: string;
  readonly score?: number;
  readonly cacheHit: boolean;
}

const journal = (dir: string): Line[] =>
  readFileSync(join(dir, 'events.jsonl'), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Line);

const search = (dir: string, extra: string[] = [], env: NodeJS.ProcessEnv = {}) =>
  symevo(['search', '--space', SPACE, '--out', dir, '--backend', 'cpu', '--workers', '1', ...extra], env);

describe('symevo search', () => {
  it('finishes the budget, journaling each candidate once, and writes the run files', () => {
    const dir = join(root, 'plain');
    const r = search(dir);
    expect(r.stderr).not.toMatch(/error/i);
    expect(r.code).toBe(0);
    const lines = journal(dir);
    expect(lines.map((l) => l.id)).toEqual(Array.from({ length: 24 }, (_, i) => i));
    for (const f of ['config.json', 'checkpoint.json', 'baseline.json']) expect(existsSync(join(dir, f))).toBe(true);
    expect(readdirSync(join(dir, 'best')).some((f) => f.endsWith('.dsl'))).toBe(true);
    // The warm start is the seed; its copies after the first are cache hits.
    expect(lines.slice(0, 4).every((l) => l.program === lines[0]!.program)).toBe(true);
    expect(lines.some((l) => l.cacheHit)).toBe(true);
    expect(r.stdout).toMatch(/finished: 24\/24 evaluations/);
  }, 120_000);

  it('makes the same sequence of evaluations for the same seed and worker count', () => {
    const a = join(root, 'same-a');
    const b = join(root, 'same-b');
    expect(search(a, ['--seed', '5']).code).toBe(0);
    expect(search(b, ['--seed', '5']).code).toBe(0);
    const strip = (l: Line) => [l.id, l.program, l.status, l.score];
    expect(journal(b).map(strip)).toEqual(journal(a).map(strip));
  }, 120_000);

  it('refuses a run directory that already holds a run', () => {
    const r = search(join(root, 'plain'));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/already holds a run/);
  });

  it('reports a bad space file with the field and exits 2', () => {
    const r = symevo(['search', '--space', 'tests/fixtures/spaces/missing.json', '--out', join(root, 'bad')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/missing\.json/);
  });

  it('records a candidate in flight during two engine crashes as crash, and completes the budget', () => {
    const dir = join(root, 'crash');
    const r = search(dir, [], { SYMEVO_TEST_HOOKS: '1', SYMEVO_TEST_CRASH_IDS: '9' });
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/the engine died/);
    const lines = journal(dir);
    expect(new Set(lines.map((l) => l.id)).size).toBe(24);
    expect(lines.find((l) => l.id === 9)?.status).toBe('crash');
    expect(lines.filter((l) => l.status === 'crash').map((l) => l.id)).toEqual([9]);
  }, 180_000);
});

/** Spawns a search and resolves once `lines` evaluations are journaled. */
async function startSearch(dir: string, budget: number, lines: number, env: NodeJS.ProcessEnv = {}) {
  const child = spawn(process.execPath, ['bin/symevo.js', 'search', '--space', SPACE, '--out', dir, '--backend', 'cpu', '--workers', '1', '--budget', String(budget)], {
    stdio: 'ignore',
    env: { ...process.env, ...env },
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  for (let i = 0; i < 600; i++) {
    if (existsSync(join(dir, 'events.jsonl')) && journal(dir).length >= lines) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { child, exited };
}

describe('stopping a search', () => {
  it('checkpoints and exits with 130 on SIGINT, and resume finishes the budget', async () => {
    const dir = join(root, 'interrupted');
    const { child, exited } = await startSearch(dir, 40, 6);
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    expect(existsSync(join(dir, 'checkpoint.json'))).toBe(true);
    expect(existsSync(join(dir, 'engine.lock'))).toBe(false);
    expect(symevo(['resume', dir]).code).toBe(0);
    expect(new Set(journal(dir).map((l) => l.id)).size).toBe(40);
  }, 180_000);

  it('records a batch that hangs past the timeout twice as timeout', () => {
    const dir = join(root, 'hang');
    const r = search(dir, ['--batch-timeout', '2'], { SYMEVO_TEST_HOOKS: '1', SYMEVO_TEST_HANG_IDS: '7' });
    expect(r.code).toBe(0);
    const lines = journal(dir);
    expect(lines.find((l) => l.id === 7)?.status).toBe('timeout');
    expect(new Set(lines.map((l) => l.id)).size).toBe(24);
  }, 180_000);
});

describe('symevo resume after kill -9', () => {
  it('loses no journaled evaluation and counts none twice', async () => {
    const dir = join(root, 'killed');
    // Kill the supervisor (its engine then stops on its own) once some evaluations are journaled.
    const { child } = await startSearch(dir, 40, 8);
    child.kill('SIGKILL');
    const before = journal(dir).map((l) => l.id);
    expect(before.length).toBeGreaterThanOrEqual(8);
    const r = symevo(['resume', dir]);
    expect(r.code).toBe(0);
    const ids = journal(dir).map((l) => l.id);
    expect(ids.slice(0, before.length)).toEqual(before);
    expect(new Set(ids).size).toBe(40);
    expect(ids.length).toBe(40);
  }, 180_000);
});

await describeGpu('symevo search on webgpu', () => {
  it('trains candidates in worker threads on their own devices and exits cleanly', () => {
    const dir = join(root, 'webgpu');
    const r = symevo(['search', '--space', SPACE, '--out', dir, '--backend', 'webgpu', '--workers', '2', '--budget', '15']);
    expect(r.code).toBe(0);
    expect(r.stderr).not.toMatch(/engine died/);
    const lines = journal(dir);
    expect(lines.map((l) => l.id)).toEqual(Array.from({ length: 15 }, (_, i) => i));
    expect(lines.every((l) => l.status === 'ok' || l.status === 'diverged')).toBe(true);
  }, 180_000);
});
