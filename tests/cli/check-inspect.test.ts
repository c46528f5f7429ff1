// End-to-end tests of `symevo check` and `symevo inspect` through the built command.
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { symevo } from './run-cli.js';

const seeds = readdirSync('dsl/optimizers')
  .filter((f) => f.endsWith('.dsl'))
  .map((f) => `dsl/optimizers/${f}`);
const dir = mkdtempSync(join(tmpdir(), 'symevo-cli-'));
const file = (name: string, content: string | Buffer) => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};

describe('symevo check', () => {
  it('accepts every seed program', () => {
    const r = symevo(['check', ...seeds]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim().split('\n')).toHaveLength(seeds.length);
  });

  it('reports a bad program with file:line:col and a caret, exit 2, no stack trace', () => {
    const bad = file('bad.dsl', 'def train(w, g, m, lr):\n    u = sgn(g)\n    return u, m\n');
    const r = symevo(['check', seeds[0]!, bad]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${bad}:2:9: unknown function 'sgn'; did you mean 'sign'?`);
    expect(r.stderr).toContain('        u = sgn(g)\n            ^');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('rejects binary garbage, empty files and missing files with exit 2', () => {
    const garbage = file('garbage.dsl', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0xff, 0x0a, 0x1a]));
    const empty = file('empty.dsl', '');
    for (const path of [garbage, empty, join(dir, 'missing.dsl')]) {
      const r = symevo(['check', path]);
      expect(r.code, path).toBe(2);
      expect(r.stderr, path).toContain(path);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
  });

  it('prints one JSON document with --json', () => {
    const bad = file('bad2.dsl', 'def train(w, g, lr):\n    return (g\n');
    const r = symevo(['check', '--json', seeds[0]!, bad]);
    expect(r.code).toBe(2);
    const results = JSON.parse(r.stdout) as { ok: boolean; error?: { line: number; col: number } }[];
    expect(results.map((x) => x.ok)).toEqual([true, false]);
    expect(results[1]!.error).toMatchObject({ line: 2, col: 12 });
  });
});

describe('symevo inspect', () => {
  it('shows canonical and simplified text, fingerprint and shape key', () => {
    const r = symevo(['inspect', 'dsl/optimizers/lion-program4.dsl', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.statements).toEqual({ before: 12, after: 3 });
    expect(doc.carriedState).toEqual(['v']);
    expect(doc.fingerprint).toMatch(/^[0-9a-f]{16}$/);
    expect(doc.simplified).toContain('v = interp(g, v, 0.996991)');
  });

  it('compares Lion with the Lion search Program 4', () => {
    const r = symevo(['inspect', 'dsl/optimizers/lion.dsl', '--compare', 'dsl/optimizers/lion-program4.dsl', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).relation).toBe('different');
  });

  it('says equivalent for a renamed copy, in words without --json', () => {
    const renamed = file(
      'renamed.dsl',
      'def train(w, g, mom, lr):\n    d = sign(interp(g, mom, 0.9))\n    mom = interp(g, mom, 0.99)\n    return (d + w * 0.1) * (lr * 0.0003), mom\n',
    );
    const r = symevo(['inspect', renamed, '--compare', 'dsl/optimizers/lion.dsl']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('relation: equivalent');
  });

  it('exits 2 on an invalid program', () => {
    const bad = file('bad3.dsl', 'def train(w, g, m, v, lr):\n    return g, m\n');
    const r = symevo(['inspect', bad]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${bad}:2:5: return omits state slot 'v'`);
  });
});

describe('symevo usage', () => {
  it.each([[['--help']], [['check', '--help']], [['inspect', '--help']]])('%s exits 0', (args) => {
    const r = symevo(args);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Usage:');
  });

  it('rejects an unknown command with exit 2', () => {
    expect(symevo(['frobnicate']).code).toBe(2);
  });
});
