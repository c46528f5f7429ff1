// Real searches (cpu, tiny space) with the search-dynamics options: neutral children journaled as
// cache hits with their parent's result, lr factors recorded per candidate and folded into best/,
// and the same sequence of evaluations for the same seed.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findNamedConstant, parseOptimizer } from '../../src/dsl/index.js';
import { symevo } from '../cli/run-cli.js';

const root = mkdtempSync(join(tmpdir(), 'symevo-dynamics-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const tiny = JSON.parse(readFileSync('tests/fixtures/spaces/tiny.json', 'utf8')) as Record<string, unknown>;
const FACTORS = [0.3, 1, 3];

function space(name: string, fields: Record<string, unknown>): string {
  const file = join(root, `${name}.json`);
  writeFileSync(file, JSON.stringify({ ...tiny, name, ...fields }));
  return file;
}

interface Line {
  readonly id: number;
  readonly parentId: number | null;
  readonly program: string;
  readonly fingerprint: string;
  readonly status: string;
  readonly score?: number;
  readonly lrFactor?: number;
  readonly cacheHit: boolean;
  readonly mutation: { readonly kind: string; readonly neutral?: boolean };
}

const journal = (dir: string): Line[] =>
  readFileSync(join(dir, 'events.jsonl'), 'utf8').split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as Line);

const search = (file: string, dir: string, seed: string) =>
  symevo(['search', '--space', file, '--out', dir, '--backend', 'cpu', '--workers', '1', '--seed', seed, '--budget', '40']);

describe('search dynamics in real searches', () => {
  const file = space('dynamics', { mutation: { neutral: 'accept' }, lrFactors: FACTORS });

  it('journals neutral children with their parent’s result and the lr factor of every trained candidate', () => {
    const dir = join(root, 'a');
    const r = search(file, dir, '3');
    expect(r.code, r.stderr).toBe(0);
    const lines = journal(dir);
    const byId = new Map(lines.map((l) => [l.id, l]));
    const neutral = lines.filter((l) => l.mutation.neutral === true);
    expect(neutral.length).toBeGreaterThan(0);
    for (const child of neutral) {
      const parent = byId.get(child.parentId!)!;
      expect(child.cacheHit).toBe(true);
      expect(child.fingerprint).toBe(parent.fingerprint);
      expect(child.program).not.toBe(parent.program);
      expect([child.status, child.score, child.lrFactor]).toEqual([parent.status, parent.score, parent.lrFactor]);
    }
    const trained = lines.filter((l) => !l.cacheHit && l.status === 'ok');
    expect(trained.length).toBeGreaterThan(5);
    for (const l of trained) expect(FACTORS).toContain(l.lrFactor);
    // best/ holds each program with its factor folded into its lr constant.
    for (const name of readdirSync(join(dir, 'best'))) {
      const text = readFileSync(join(dir, 'best', name), 'utf8');
      const entry = byId.get(Number(/-id(\d+)\.dsl$/.exec(name)![1]))!;
      const written = findNamedConstant(parseOptimizer(text, name).program, 'lr');
      const own = findNamedConstant(parseOptimizer(entry.program, 'own').program, 'lr');
      if (written !== undefined && own !== undefined) expect(written.value).toBeCloseTo(own.value * entry.lrFactor!, 12);
      if (entry.lrFactor !== 1) expect(text).toContain(`# trained at ${entry.lrFactor} × the learning rate of id ${entry.id}`);
    }
  }, 180_000);

  it('makes the same sequence for the same seed', () => {
    const strip = (l: Line) => [l.id, l.program, l.status, l.score, l.lrFactor, l.mutation.neutral];
    for (const name of ['b', 'c']) {
      const r = search(file, join(root, name), '4');
      expect(r.code, r.stderr).toBe(0);
    }
    expect(journal(join(root, 'c')).map(strip)).toEqual(journal(join(root, 'b')).map(strip));
  }, 180_000);

  it('resumes to the same sequence: a run stopped at 21 and resumed to 42 equals one run to 42', () => {
    // Budgets on batch boundaries (3 candidates a batch), so stopping does not cut a batch short.
    const strip = (l: Line) => [l.id, l.program, l.status, l.score, l.lrFactor, l.mutation.neutral];
    const run = (dir: string, budget: string) =>
      symevo(['search', '--space', file, '--out', dir, '--backend', 'cpu', '--workers', '1', '--seed', '6', '--budget', budget]);
    const whole = join(root, 'whole');
    const split = join(root, 'split');
    expect(run(whole, '42').code).toBe(0);
    const first = run(split, '21');
    expect(first.code, first.stderr).toBe(0);
    const rest = symevo(['resume', split, '--budget', '42', '--backend', 'cpu', '--workers', '1']);
    expect(rest.code, rest.stderr).toBe(0);
    expect(journal(split).map(strip)).toEqual(journal(whole).map(strip));
  }, 240_000);
});
