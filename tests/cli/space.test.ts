// End-to-end tests of `symevo space init` and `symevo space validate` through the built command.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { symevo } from './run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'symevo-space-cli-'));

describe('symevo space validate', () => {
  it.each(['lion', 'random', 'constants-only'])('accepts search-spaces/%s.json with a summary', (name) => {
    const r = symevo(['space', 'validate', `search-spaces/${name}.json`]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`search-spaces/${name}.json: ok`);
    expect(r.stdout).toContain(`  name:       ${name}\n`);
    expect(r.stdout).toContain('  functions:  44\n');
    expect(r.stdout).toContain('  seeds:      dsl/optimizers/adamw.dsl\n');
    expect(r.stdout).toContain('  funnel:     3 stages\n    1. mlp-teacher, 100 steps, promote if it beats the baseline\n');
  });

  it('prints a JSON summary with --json', () => {
    const r = symevo(['space', 'validate', '--json', 'search-spaces/lion.json']);
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc).toMatchObject({ ok: true, name: 'lion', functions: 44, seeds: ['dsl/optimizers/adamw.dsl'] });
    expect(doc.funnel.map((s: { task: string }) => s.task)).toEqual(['mlp-teacher', 'mlp-teacher', 'mlp-mnist']);
  });

  it('prints the field path and exits 2 for a bad field, with no stack trace', () => {
    const file = join(dir, 'bad.json');
    writeFileSync(file, JSON.stringify({ seeds: ['dsl/optimizers/adamw.dsl'], funnel: [{ task: 'mlp-teacher', steps: 10 }], evolution: { population: 'ten' } }));
    const r = symevo(['space', 'validate', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`${file}: evolution.population: expected a positive integer, got "ten"\n`);
    expect(r.stdout).toBe('');
  });

  it('checks task names against the task registry', () => {
    const file = join(dir, 'task.json');
    writeFileSync(file, JSON.stringify({ seeds: ['dsl/optimizers/adamw.dsl'], funnel: [{ task: 'mlp-teacher', steps: 10, promote: { topFraction: 0.5 } }, { task: 'cifar', steps: 10 }] }));
    const r = symevo(['space', 'validate', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`funnel\\[1\\]\\.task: unknown task "cifar" \\(known: .*mlp-teacher.*\\)`));
  });

  it('reports a seed error with the seed file:line:col and a caret', () => {
    const seed = join(dir, 'bad-seed.dsl');
    writeFileSync(seed, 'def train(w, g, m, lr):\n    u = sgn(g)\n    return u, m\n');
    const file = join(dir, 'seed.json');
    writeFileSync(file, JSON.stringify({ seeds: ['bad-seed.dsl'], funnel: [{ task: 'mlp-teacher', steps: 10 }] }));
    const r = symevo(['space', 'validate', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`${file}: seeds[0]: ${seed}:2:9: unknown function 'sgn'; did you mean 'sign'?\n        u = sgn(g)\n            ^\n`);
  });

  it('reports invalid JSON at line:col and a missing file, exit 2', () => {
    const file = join(dir, 'syntax.json');
    writeFileSync(file, '{\n  "seeds": [\n}\n');
    const r = symevo(['space', 'validate', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`${file}:3:1: invalid JSON: expected a value, found '}'\n`);
    const missing = symevo(['space', 'validate', join(dir, 'none.json')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe(`${join(dir, 'none.json')}: cannot read: no such file\n`);
  });
});

describe('symevo space init', () => {
  it('writes a space and its seed that validate, and refuses to overwrite without --force', () => {
    const out = join(dir, 'init');
    const r = symevo(['space', 'init', 'mine', '--dir', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(join(out, 'mine.json'))).toBe(true);
    expect(readFileSync(join(out, 'mine-seed.dsl'), 'utf8')).toContain('def train(w, g, m, v, lr):');
    const space = JSON.parse(readFileSync(join(out, 'mine.json'), 'utf8'));
    expect(space).toMatchObject({ name: 'mine', seeds: ['mine-seed.dsl'], baseline: 'mine-seed.dsl' });
    expect(space.$comment).toBeDefined();

    const v = symevo(['space', 'validate', join(out, 'mine.json')]);
    expect(v.code, v.stderr).toBe(0);
    expect(v.stdout).toContain(`  seeds:      ${join(out, 'mine-seed.dsl')}\n`);

    writeFileSync(join(out, 'mine.json'), '{}');
    const again = symevo(['space', 'init', 'mine', '--dir', out]);
    expect(again.code).toBe(2);
    expect(again.stderr).toBe(`symevo: ${join(out, 'mine.json')} already exists; pass --force to overwrite it\n`);
    expect(readFileSync(join(out, 'mine.json'), 'utf8')).toBe('{}');

    const forced = symevo(['space', 'init', 'mine', '--dir', out, '--force']);
    expect(forced.code, forced.stderr).toBe(0);
    expect(JSON.parse(readFileSync(join(out, 'mine.json'), 'utf8')).name).toBe('mine');
  });

  it('refuses a name that is not a plain file name', () => {
    for (const name of ['../up', 'a b', 'x.json']) {
      const r = symevo(['space', 'init', name, '--dir', join(dir, 'names')]);
      expect(r.code, name).toBe(2);
      expect(r.stderr, name).toContain('is not a usable space name');
    }
    expect(existsSync(join(dir, 'names'))).toBe(false);
  });
});
