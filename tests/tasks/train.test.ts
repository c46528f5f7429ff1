// Batched training: replicas are independent, divergence is a result, and webgpu agrees with the cpu.
import { describe, expect, it } from 'vitest';
import { parseOptimizer } from '../../src/dsl/index.js';
import { evaluatePrograms, parameterLayout, rangesFor, type CandidateEvaluation } from '../../src/tasks/index.js';
import { describeGpu } from '../gpu/gpu-context.js';
import { readFileSync } from 'node:fs';

const load = (file: string) => parseOptimizer(readFileSync(file, 'utf8'), file);
const adamw = load('dsl/optimizers/adamw.dsl');
const lion = load('dsl/optimizers/lion.dsl');
const exploding = parseOptimizer('def train(w, g, lr):\n    return g * -1e30\n', 'exploding.dsl');
const rmsNormalised = parseOptimizer('def train(w, g, lr):\n    u = g / rms(g)\n    return u * lr * 0.001\n', 'rms.dsl');

const short = { steps: 60 };
const metrics = (r: CandidateEvaluation) => (r.status === 'invalid' ? r : [r.status, r.trainLoss, r.valLoss, r.valAccuracy]);

describe('batched evaluation on the cpu', () => {
  it('trains each replica as if it were alone', async () => {
    const both = await evaluatePrograms({ task: 'mlp-teacher', programs: [adamw, lion], backend: 'cpu', overrides: short });
    const alone = await evaluatePrograms({ task: 'mlp-teacher', programs: [lion], backend: 'cpu', overrides: short });
    expect(metrics(both.results[1]!)).toEqual(metrics(alone.results[0]!));
    expect(both.results[0]!.status).toBe('ok');
  });

  it('learns: AdamW beats chance on the teacher task and on MNIST', async () => {
    const teacher = await evaluatePrograms({ task: 'mlp-teacher', programs: [adamw], backend: 'cpu', overrides: { steps: 300 } });
    const mnist = await evaluatePrograms({ task: 'mlp-mnist', programs: [adamw], backend: 'cpu', overrides: { steps: 150 } });
    for (const [report, floor] of [[teacher, 0.5], [mnist, 0.8]] as const) {
      const r = report.results[0]!;
      expect(r.status).toBe('ok');
      if (r.status !== 'invalid') expect(r.valAccuracy).toBeGreaterThan(floor);
    }
  }, 60_000);

  it('reports a diverging candidate with its step and leaves the others untouched', async () => {
    const report = await evaluatePrograms({ task: 'mlp-teacher', programs: [exploding, lion], backend: 'cpu', overrides: short });
    const alone = await evaluatePrograms({ task: 'mlp-teacher', programs: [lion], backend: 'cpu', overrides: short });
    const bad = report.results[0]!;
    expect(bad.status).toBe('diverged');
    if (bad.status === 'diverged') expect(bad.divergedAt).toBeGreaterThanOrEqual(1);
    expect(metrics(report.results[1]!)).toEqual(metrics(alone.results[0]!));
  });

  it('applies a program with reductions tensor by tensor, and an elementwise one to the whole replica', () => {
    const layout = parameterLayout([32, 64, 10]);
    expect(rangesFor(adamw, layout)).toEqual([{ offset: 0, n: layout.stride }]);
    expect(rangesFor(rmsNormalised, layout)).toEqual(layout.tensors.map((t) => ({ offset: t.offset, n: t.size })));
  });

  it('trains more programs than fit one pass in several passes, with the same results', async () => {
    const programs = [adamw, lion, rmsNormalised];
    const once = await evaluatePrograms({ task: 'mlp-teacher', programs, backend: 'cpu', overrides: short });
    const split = await evaluatePrograms({ task: 'mlp-teacher', programs, backend: 'cpu', overrides: short, maxReplicas: 2 });
    expect(split.results.map(metrics)).toEqual(once.results.map(metrics));
  });

  it('rejects a batch larger than the training set', async () => {
    await expect(evaluatePrograms({ task: 'mlp-teacher', programs: [adamw], backend: 'cpu', overrides: { steps: 1, batch: 5000 } })).rejects.toThrow(/larger than the 4096 training rows/);
  });
});

await describeGpu('webgpu agrees with the cpu', () => {
  it('on the teacher task with AdamW, Lion and a per-tensor rms program', async () => {
    const programs = [adamw, lion, rmsNormalised];
    const overrides = { steps: 100 };
    const cpu = await evaluatePrograms({ task: 'mlp-teacher', programs, backend: 'cpu', overrides });
    const webgpu = await evaluatePrograms({ task: 'mlp-teacher', programs, backend: 'webgpu', overrides });
    expect(webgpu.backend).toBe('webgpu');
    programs.forEach((_, i) => {
      const a = cpu.results[i]!;
      const b = webgpu.results[i]!;
      expect(b.status).toBe(a.status);
      if (a.status === 'invalid' || b.status === 'invalid') return;
      // Float32 sums in another order: the losses agree to 2%, the accuracies to 2 points.
      expect(Math.abs(b.valLoss - a.valLoss) / a.valLoss).toBeLessThan(0.02);
      expect(Math.abs(b.valAccuracy - a.valAccuracy)).toBeLessThan(0.02);
    });
  }, 60_000);
});
