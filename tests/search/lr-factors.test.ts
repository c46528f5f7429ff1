// Learning-rate robustness: variants of a candidate at multiples of its lr, trained as replicas of
// one funnel pass (real training on the cpu backend), competing so that only the best goes on.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { findNamedConstant, parseOptimizer, printProgram } from '../../src/dsl/index.js';
import { collapseOutcomes, expandJob, scaleLearningRate, scaleLearningRateText } from '../../src/search/lr-factors.js';
import { fitnessOf } from '../../src/search/outcome.js';
import { runFunnel, type FunnelJob } from '../../src/tasks/index.js';

const text = (name: string) => printProgram(parseOptimizer(readFileSync(`dsl/optimizers/${name}.dsl`, 'utf8'), name).program);

describe('scaleLearningRate', () => {
  it('multiplies the lr constant, or prepends lr = lr * factor when there is no single one', () => {
    const adamw = parseOptimizer(scaleLearningRateText(text('adamw'), 3), 'x').program;
    expect(findNamedConstant(adamw, 'lr')!.value).toBeCloseTo(0.003, 12);
    const adafactor = scaleLearningRateText(text('adafactor'), 0.5);
    expect(adafactor.split('\n')[1]).toBe('    lr = lr * 0.5');
    expect(scaleLearningRate(parseOptimizer(text('lion'), 'x').program, 1)).toEqual(parseOptimizer(text('lion'), 'x').program);
  });
});

describe('expandJob and collapseOutcomes around a real funnel', () => {
  const job: FunnelJob = {
    stages: [{ task: 'mlp-teacher', steps: 40 }, { task: 'mlp-teacher', steps: 60 }],
    thresholds: [undefined],
    metric: 'valLoss',
    lowerIsBetter: true,
    programs: [{ id: 7, text: text('lion') }, { id: 9, text: text('adamw') }],
    backend: 'cpu',
  };
  const factors = [0.1, 1, 10];

  it('trains every variant at the first stage, only the best of each program later, and reports that one', async () => {
    const expanded = expandJob(job, factors);
    expect(expanded.programs.map((p) => p.group)).toEqual([7, 7, 7, 9, 9, 9]);
    const outcomes = await runFunnel(expanded);
    // Stage 0 for all six; stage 1 for exactly one variant of each program: its best at stage 0.
    for (const group of [7, 9]) {
      const mine = outcomes.filter((o) => expanded.programs.find((p) => p.id === o.id)!.group === group);
      const stage0 = mine.map((o) => o.stages[0]!.valLoss!);
      const onward = mine.filter((o) => o.stages.length === 2);
      expect(onward).toHaveLength(1);
      expect(onward[0]!.stages[0]!.valLoss).toBe(Math.min(...stage0));
    }
    const { outcomes: collapsed, factors: chosen } = collapseOutcomes(outcomes, factors, 'valLoss', true);
    expect(collapsed.map((o) => o.id).sort()).toEqual([7, 9]);
    for (const o of collapsed) {
      expect(o.stages).toHaveLength(2);
      expect(factors).toContain(chosen.get(o.id));
      // The reported outcome is the variant trained at the chosen factor.
      const variant = outcomes[expanded.programs.findIndex((p) => p.group === o.id && p.id % 16 === factors.indexOf(chosen.get(o.id)!))]!;
      expect(fitnessOf(o, 'valLoss')).toEqual(fitnessOf(variant, 'valLoss'));
    }
  }, 120_000);

  it('leaves a job alone with the factor list [1]', () => {
    expect(expandJob(job, [1])).toBe(job);
  });
});
