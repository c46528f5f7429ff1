// `symevo eval --task charlm`: bits per character per program, the Transformer's size options, and bad options as exit code 2.
import { describe, expect, it } from 'vitest';
import { symevo } from './run-cli.js';

const tiny = ['--task', 'charlm', '--width', '16', '--heads', '2', '--layers', '1', '--context', '16', '--batch', '4', '--steps', '4', '--backend', 'cpu'];

describe('symevo eval --task charlm', () => {
  it('prints bitsPerChar beside the validation loss, one object per file', () => {
    const r = symevo(['eval', 'dsl/optimizers/adamw.dsl', 'dsl/optimizers/lion.dsl', ...tiny, '--act', 'sqrelu', '--dconv', '--json']);
    expect(r.code).toBe(0);
    const rows = JSON.parse(r.stdout) as Record<string, number | string | boolean>[];
    expect(rows.map((row) => row['file'])).toEqual(['dsl/optimizers/adamw.dsl', 'dsl/optimizers/lion.dsl']);
    for (const row of rows) {
      expect(row['task']).toBe('charlm');
      expect(row['diverged']).toBe(false);
      // Near log2(83) = 6.4 after 4 steps from random weights.
      expect(row['bitsPerChar']).toBeGreaterThan(5);
      expect(row['bitsPerChar']).toBeLessThan(8);
      expect(row['bitsPerChar'] as number).toBeCloseTo((row['valLoss'] as number) / Math.LN2, 10);
      for (const field of ['seconds', 'stepsPerSecond']) expect(row[field]).toBeGreaterThan(0);
    }
  }, 60_000);

  it('prints a table headed by the model\'s sizes', () => {
    const r = symevo(['eval', 'dsl/optimizers/adamw.dsl', ...tiny]);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^charlm: 4 steps, batch 4, width 16, 2 heads, 1 layers, context 16, relu, cosine-floor lr 1, cpu/);
    expect(lines[1]).toMatch(/val bits\/char\s+val loss\s+diverged\s+seconds\s+steps\/s/);
    expect(lines[2]).toMatch(/^dsl\/optimizers\/adamw\.dsl\s+\d\.\d{4}\s+\d\.\d{4}\s+no/);
  }, 60_000);

  it.each([
    [['--width', '30'], /width 30 is not a multiple of heads 4/],
    [['--heads', '0'], /--heads.*expected a positive integer, got '0'/],
    [['--act', 'gelu'], /'gelu' is invalid\. Allowed choices are relu, sqrelu/],
    [['--hidden', '32'], /--hidden sets MLP widths; task 'charlm' is a Transformer/],
    [['--activation', 'tanh'], /task 'charlm' takes --act relu\|sqrelu/],
  ])('rejects %j with exit code 2', (extra, message) => {
    const r = symevo(['eval', 'dsl/optimizers/adamw.dsl', '--task', 'charlm', '--steps', '1', '--backend', 'cpu', ...extra]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('rejects a Transformer size on an MLP task', () => {
    const r = symevo(['eval', 'dsl/optimizers/adamw.dsl', '--task', 'mlp-teacher', '--dconv']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--dconv sets a Transformer size; task 'mlp-teacher' is an MLP/);
  });
});
