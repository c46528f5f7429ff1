// Stages over several proxy tasks: metrics combined by mean or median, with real training on the cpu.
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseOptimizer } from '../../src/dsl/index.js';
import { parseSpace, validateTasks } from '../../src/search/space.js';
import { aggregate } from '../../src/tasks/multi-task.js';
import { evaluatePrograms, runFunnel, TASK_NAMES } from '../../src/tasks/index.js';

const text = (name: string) => readFileSync(`dsl/optimizers/${name}.dsl`, 'utf8');

describe('aggregate', () => {
  it('gives a mean between the extremes and a median that is a middle value', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 9 }), (xs) => {
        const mean = aggregate(xs, 'mean');
        const median = aggregate(xs, 'median');
        const lo = Math.min(...xs);
        const hi = Math.max(...xs);
        expect(mean).toBeGreaterThanOrEqual(lo - 1e-6);
        expect(mean).toBeLessThanOrEqual(hi + 1e-6);
        const below = xs.filter((x) => x < median).length;
        const above = xs.filter((x) => x > median).length;
        expect(below).toBeLessThanOrEqual(xs.length / 2);
        expect(above).toBeLessThanOrEqual(xs.length / 2);
      }),
    );
    expect(aggregate([3, 1, 100], 'median')).toBe(3);
    expect(aggregate([1, 2, 3, 100], 'median')).toBe(2.5);
  });
});

describe('a funnel stage over two tasks', () => {
  it('scores each program by the mean of its metrics on both tasks', async () => {
    const programs = [{ id: 1, text: text('adamw') }, { id: 2, text: text('lion') }];
    const [outcome] = await runFunnel({
      stages: [{ task: 'mlp-teacher', tasks: ['mlp-teacher', 'mlp-mnist'], aggregate: 'mean', steps: 20 }],
      thresholds: [],
      metric: 'valLoss',
      lowerIsBetter: true,
      programs,
      backend: 'cpu',
    });
    const alone = await Promise.all(
      ['mlp-teacher', 'mlp-mnist'].map((task) =>
        evaluatePrograms({ task, programs: programs.map((p) => parseOptimizer(p.text, 'p.dsl')), overrides: { steps: 20 }, backend: 'cpu' }),
      ),
    );
    const losses = alone.map((r) => (r.results[0]!.status === 'invalid' ? NaN : r.results[0]!.valLoss));
    expect(outcome!.stages[0]!.valLoss).toBeCloseTo((losses[0]! + losses[1]!) / 2, 6);
    expect(losses[0]).not.toBeCloseTo(losses[1]!, 2);
  }, 120_000);
});

describe('several tasks in a space file', () => {
  const space = (stage: Record<string, unknown>) =>
    JSON.stringify({ seeds: ['dsl/optimizers/adamw.dsl'], funnel: [stage, { task: 'mlp-teacher', steps: 10 }] });

  it('reads a list of tasks as the stage’s tasks, combined by the mean unless told', () => {
    const s = parseSpace(space({ task: ['mlp-teacher', 'mlp-mnist'], steps: 10 }), 'x.json');
    expect(s.funnel[0]).toMatchObject({ task: 'mlp-teacher', tasks: ['mlp-teacher', 'mlp-mnist'], aggregate: 'mean' });
    const median = parseSpace(space({ task: ['mlp-teacher', 'mlp-mnist'], aggregate: 'median', steps: 10 }), 'x.json');
    expect(median.funnel[0]!.aggregate).toBe('median');
    expect(parseSpace(space({ task: 'mlp-teacher', steps: 10 }), 'x.json').funnel[0]!.tasks).toBeUndefined();
  });

  it('reports aggregate without several tasks, a task listed twice and an unknown task, with the field', () => {
    expect(() => parseSpace(space({ task: 'mlp-teacher', aggregate: 'median', steps: 10 }), 'x.json')).toThrow(
      'x.json: funnel[0].aggregate: combines the metrics of several tasks; list them in task',
    );
    expect(() => parseSpace(space({ task: ['mlp-teacher', 'mlp-teacher'], steps: 10 }), 'x.json')).toThrow('task "mlp-teacher" is listed twice');
    const s = parseSpace(space({ task: ['mlp-teacher', 'mlp-nope'], steps: 10 }), 'x.json');
    expect(() => validateTasks(s, TASK_NAMES)).toThrow('x.json: funnel[0].task[1]: unknown task "mlp-nope"');
  });
});
