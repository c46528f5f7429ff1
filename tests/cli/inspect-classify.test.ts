// End-to-end test of `symevo inspect --classify` through the built command.
import { describe, expect, it } from 'vitest';
import { symevo } from './run-cli.js';

describe('symevo inspect --classify', () => {
  it('prints every test and the verdict for Program 4', () => {
    const r = symevo(['inspect', 'dsl/optimizers/lion-program4.dsl', '--classify']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('  classification: lion-like\n');
    const lines = r.stdout.split('\n').filter((l) => /^ {4}(pass|FAIL) {2}/.test(l));
    expect(lines.map((l) => l.trim().split(/\s+/).slice(0, 2).join(' '))).toEqual([
      'FAIL structural',
      'pass behavioural',
      'pass scale-invariance',
      'pass constant-magnitude',
      'pass live-state',
    ]);
  });

  it('calls Lion with β2 = 0.999 in AdamW’s signature lion-like', () => {
    const r = symevo(['inspect', 'tests/fixtures/optimizers/lion-beta2-0999.dsl', '--classify', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.classification.verdict).toBe('lion-like');
    const pass = Object.fromEntries(doc.classification.tests.map((t: { name: string; pass: boolean }) => [t.name, t.pass]));
    expect(pass).toMatchObject({ structural: true, behavioural: true });
  });

  it('adds the classification to the JSON document', () => {
    const r = symevo(['inspect', 'dsl/optimizers/adamw.dsl', '--classify', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.classification.verdict).toBe('not-lion-like');
    expect(doc.classification.tests.find((t: { name: string }) => t.name === 'live-state')).toEqual({
      name: 'live-state',
      pass: false,
      detail: '2 live state slots (m, v)',
    });
  });

  it('leaves the plain inspection without a classification', () => {
    const r = symevo(['inspect', 'dsl/optimizers/lion.dsl', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).classification).toBeUndefined();
  });
});
