// Sweeps of named constants with real training on the cpu backend: each cell is the program with
// that constant, trained as one replica among all of them.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseOptimizer, printProgram, setNamedConstant } from '../../src/dsl/index.js';
import { bestAtEdge, bestCell, evaluatePrograms, parseSweepAxis, sweepPrograms, sweepVariants, type SweepAxis } from '../../src/tasks/index.js';

const seed = (name: string) => parseOptimizer(readFileSync(`dsl/optimizers/${name}.dsl`, 'utf8'), `${name}.dsl`);
const train = (programs: readonly ReturnType<typeof seed>[]) =>
  evaluatePrograms({ task: 'mlp-teacher', programs, backend: 'cpu', overrides: { steps: 30 } });

describe('parseSweepAxis', () => {
  it('reads NAME=v1,v2 and refuses what is not that', () => {
    expect(parseSweepAxis('wd=0.01, 0.1')).toEqual({ name: 'wd', values: [0.01, 0.1] });
    expect(parseSweepAxis('lr=1e-4,3e-4')).toEqual({ name: 'lr', values: [1e-4, 3e-4] });
    expect(() => parseSweepAxis('0.01,0.1')).toThrow(/expected NAME=VALUE,VALUE/);
    expect(() => parseSweepAxis('1x=0.1')).toThrow(/expected a constant name/);
    expect(() => parseSweepAxis('wd=0.1,abc')).toThrow(/got 'abc'/);
    expect(() => parseSweepAxis('wd=0.1,,0.2')).toThrow(/got ''/);
    expect(() => parseSweepAxis('wd=0.1,0.1')).toThrow(/listed twice/);
  });
});

describe('sweepVariants', () => {
  it('makes the grid of the axes a program has, first axis slowest, and names the others', () => {
    const axes: SweepAxis[] = [{ name: 'lr', values: [1e-3, 1e-2] }, { name: 'wd', values: [0, 0.1, 0.5] }];
    const adamw = sweepVariants(seed('adamw'), axes);
    expect(adamw.variants.map((v) => v.setting)).toEqual([
      { lr: 1e-3, wd: 0 }, { lr: 1e-3, wd: 0.1 }, { lr: 1e-3, wd: 0.5 },
      { lr: 1e-2, wd: 0 }, { lr: 1e-2, wd: 0.1 }, { lr: 1e-2, wd: 0.5 },
    ]);
    expect(printProgram(adamw.variants[5]!.checked.program)).toContain('lr = lr * 0.01');
    expect(printProgram(adamw.variants[5]!.checked.program)).toContain('wd = w * 0.5');
    const sgd = sweepVariants(seed('sgd'), axes);
    expect(sgd.variants.map((v) => v.setting)).toEqual([{ lr: 1e-3 }, { lr: 1e-2 }]);
    expect(sgd.skipped).toEqual([{ name: 'wd', reason: expect.stringContaining('no constant wd') }]);
  });
});

describe('sweepPrograms with real training', () => {
  it('gives each cell the result of training the edited program, and picks the best by val loss', async () => {
    const axes: SweepAxis[] = [{ name: 'lr', values: [1e-4, 1e-3, 1e-2] }];
    let passes = 0;
    const sweeps = await sweepPrograms([seed('adamw'), seed('lion')], axes, async (programs) => {
      passes++;
      return (await train(programs)).results;
    });
    expect(passes).toBe(1); // every program at every setting: replicas of one evaluation
    expect(sweeps.map((s) => s.cells.length)).toEqual([3, 3]);
    // Lion at lr 1e-3, trained alone from a hand-edited program, matches its cell.
    const edited = setNamedConstant(seed('lion').program, 'lr', 1e-3);
    if (!edited.ok) throw new Error(edited.reason);
    const alone = (await train([parseOptimizer(printProgram(edited.program), 'lion-1e-3.dsl')])).results[0]!;
    const cell = sweeps[1]!.cells[1]!;
    expect(cell.setting).toEqual({ lr: 1e-3 });
    expect(cell.result.status).toBe('ok');
    if (cell.result.status !== 'invalid' && alone.status !== 'invalid') expect(cell.result.valLoss).toBeCloseTo(alone.valLoss, 5);
    for (const s of sweeps) {
      const losses = s.cells.map((c) => (c.result.status === 'ok' ? c.result.valLoss : Infinity));
      expect(s.best).toBe(losses.indexOf(Math.min(...losses)));
      // The settings give different training runs.
      expect(new Set(losses).size).toBe(3);
    }
    expect(bestAtEdge(sweeps[0]!, axes)).toEqual(sweeps[0]!.best === 1 ? [] : ['lr']);
  }, 120_000);

  it('never picks a diverged or invalid cell', () => {
    const ok = (valLoss: number) => ({ status: 'ok' as const, valLoss, trainLoss: valLoss, valAccuracy: 0.5 });
    const cells = [
      { setting: { lr: 1 }, result: { status: 'diverged' as const, valLoss: 0.1, trainLoss: 0.1, valAccuracy: 0.9, divergedAt: 3 } },
      { setting: { lr: 2 }, result: { status: 'invalid' as const, reason: 'x' } },
      { setting: { lr: 3 }, result: ok(0.7) },
      { setting: { lr: 4 }, result: ok(0.5) },
      { setting: { lr: 5 }, result: ok(NaN) },
    ];
    expect(bestCell(cells, 'valLoss', true)).toBe(3);
    expect(bestCell(cells, 'valAccuracy', false)).toBe(2);
    expect(bestCell(cells.slice(0, 2), 'valLoss', true)).toBeUndefined();
  });
});
