// `symevo eval --lr-sweep / --sweep`: each program at its best setting, the grid in --json, bad input as exit 2.
import { describe, expect, it } from 'vitest';
import { symevo } from './run-cli.js';

const base = ['eval', 'dsl/optimizers/adamw.dsl', 'dsl/optimizers/lion.dsl', '--task', 'mlp-teacher', '--steps', '30', '--backend', 'cpu'];

describe('symevo eval with a sweep', () => {
  it('reports each program at its best setting with the whole grid in --json', () => {
    const r = symevo([...base, '--lr-sweep', '1e-4,1e-3,1e-2', '--sweep', 'wd=0.01,0.1', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const rows = JSON.parse(r.stdout) as {
      file: string;
      best: { setting: Record<string, number>; valLoss: number };
      grid: { setting: Record<string, number>; valLoss: number | null; diverged: boolean }[];
      skipped: unknown[];
    }[];
    expect(rows.map((row) => row.file)).toEqual(['dsl/optimizers/adamw.dsl', 'dsl/optimizers/lion.dsl']);
    for (const row of rows) {
      expect(row.grid.map((c) => c.setting)).toEqual([
        { lr: 1e-4, wd: 0.01 }, { lr: 1e-4, wd: 0.1 }, { lr: 1e-3, wd: 0.01 }, { lr: 1e-3, wd: 0.1 }, { lr: 1e-2, wd: 0.01 }, { lr: 1e-2, wd: 0.1 },
      ]);
      expect(row.skipped).toEqual([]);
      const losses = row.grid.map((c) => c.valLoss ?? Infinity);
      expect(row.best.valLoss).toBe(Math.min(...losses));
      expect(row.grid[losses.indexOf(Math.min(...losses))]!.setting).toEqual(row.best.setting);
    }
  }, 60_000);

  it('prints the best setting and the grid as a table', () => {
    const r = symevo([...base, '--lr-sweep', '1e-3,3e-3']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^mlp-teacher: 30 steps, .*4 replicas in .* sweep lr ∈ \{0\.001, 0\.003\}/);
    expect(r.stdout).toMatch(/file\s+best setting\s+train loss\s+val loss\s+val acc/);
    expect(r.stdout).toMatch(/dsl\/optimizers\/lion\.dsl\s+lr=0\.00[13]/);
    expect(r.stdout).toContain('    lr=0.003: ');
  }, 60_000);

  it('refuses bad sweeps with exit code 2 and the reason', () => {
    const bad = symevo([...base, '--sweep', 'wd=0.1,x']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("expected comma-separated numbers, got 'x'");
    expect(bad.stderr).not.toMatch(/\n\s+at /);
    const twice = symevo([...base, '--lr-sweep', '1e-3', '--sweep', 'lr=1e-2']);
    expect(twice.code).toBe(2);
    expect(twice.stderr).toContain('the constant lr is swept twice');
    expect(twice.stderr).not.toMatch(/\n\s+at /);
  }, 60_000);
});
