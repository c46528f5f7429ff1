// `symevo eval`: one row per program, JSON fields, and bad input as exit code 2 with the place.
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { symevo } from './run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'symevo-eval-'));

describe('symevo eval', () => {
  it('prints a JSON array with the documented fields, one object per file in order', () => {
    const r = symevo(['eval', 'dsl/optimizers/adamw.dsl', 'dsl/optimizers/sgd.dsl', '--task', 'mlp-teacher', '--steps', '40', '--backend', 'cpu', '--json']);
    expect(r.code).toBe(0);
    const rows = JSON.parse(r.stdout) as Record<string, unknown>[];
    expect(rows.map((row) => row['file'])).toEqual(['dsl/optimizers/adamw.dsl', 'dsl/optimizers/sgd.dsl']);
    for (const row of rows) {
      for (const field of ['file', 'task', 'steps', 'trainLoss', 'valLoss', 'valAccuracy', 'diverged', 'seconds']) expect(row).toHaveProperty(field);
      expect(row['task']).toBe('mlp-teacher');
      expect(row['steps']).toBe(40);
      expect(row['diverged']).toBe(false);
      expect(row['valAccuracy']).toBeGreaterThan(0);
    }
  }, 60_000);

  it('prints a table when not asked for JSON, and nothing else on a piped stdout', () => {
    const r = symevo(['eval', 'dsl/optimizers/lion.dsl', '--task', 'mlp-teacher', '--steps', '20', '--backend', 'cpu']);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^mlp-teacher: 20 steps, batch 64, hidden 64 relu, constant lr 1, cpu/);
    expect(lines[1]).toMatch(/train loss\s+val loss\s+val acc\s+diverged\s+seconds\s+steps\/s/);
    expect(lines[2]).toMatch(/^dsl\/optimizers\/lion\.dsl\s+\d/);
    expect(lines).toHaveLength(3);
  }, 60_000);

  it('reports a diverging program as a result, not a failure', () => {
    const file = join(dir, 'explode.dsl');
    writeFileSync(file, 'def train(w, g, lr):\n    return g * -1e30\n');
    const r = symevo(['eval', file, '--task', 'mlp-teacher', '--steps', '20', '--backend', 'cpu', '--json']);
    expect(r.code).toBe(0);
    const [row] = JSON.parse(r.stdout) as { diverged: boolean; divergedAt: number; valLoss: number | null }[];
    expect(row!.diverged).toBe(true);
    expect(row!.divergedAt).toBeGreaterThanOrEqual(1);
  }, 60_000);

  it('rejects a malformed program with file:line:col and exit code 2', () => {
    const file = join(dir, 'bad.dsl');
    writeFileSync(file, 'def train(w, g, lr):\n    u = g *\n    return u\n');
    const r = symevo(['eval', file, '--backend', 'cpu']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${file}:2:`);
    expect(r.stdout).toBe('');
  });

  it('rejects bad option values with exit code 2', () => {
    expect(symevo(['eval', 'dsl/optimizers/sgd.dsl', '--steps', 'ten']).code).toBe(2);
    expect(symevo(['eval', 'dsl/optimizers/sgd.dsl', '--task', 'imagenet']).code).toBe(2);
    expect(symevo(['eval', 'dsl/optimizers/sgd.dsl', '--backend', 'tpu']).code).toBe(2);
  });
});
