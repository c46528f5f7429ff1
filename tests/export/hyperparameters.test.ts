// Which constants become hyperparameters, under which names, for the seed programs and by rule.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseOptimizer } from '../../src/dsl/index.js';
import { exportOptimizer, planHyperparameters } from '../../src/export/index.js';

const seed = (name: string) => parseOptimizer(readFileSync(`dsl/optimizers/${name}.dsl`, 'utf8'), name);
const plan = (name: string) => {
  const p = planHyperparameters(seed(name));
  return { lr: p.lr.folded ? p.lr.value : 'input', ...Object.fromEntries(p.list.map((h) => [h.name, h.value])) };
};
const planOf = (text: string) => {
  const p = planHyperparameters(parseOptimizer(text));
  return { lr: p.lr.folded ? p.lr.value : 'input', ...Object.fromEntries(p.list.map((h) => [h.name, h.value])) };
};

describe('hyperparameters', () => {
  it('names the seed programs\' constants', () => {
    expect(plan('lion')).toEqual({ lr: 0.0003, beta1: 0.9, beta2: 0.99, weight_decay: 0.1 });
    expect(plan('adamw')).toEqual({ lr: 0.001, beta1: 0.9, beta2: 0.999, weight_decay: 0.01 });
    expect(plan('adam')).toEqual({ lr: 0.001, beta1: 0.9, beta2: 0.999, eps: 1e-8 });
    expect(plan('rmsprop')).toEqual({ lr: 0.001, beta: 0.9, eps: 1e-8 });
    expect(plan('momentum')).toEqual({ lr: 0.01, momentum: 0.9 });
    expect(plan('signum')).toEqual({ lr: 0.0003, beta: 0.9, weight_decay: 0.1 });
    // g * lr * 0.1 is (g * lr) * 0.1: folding 0.1 into lr would round differently, so lr stays the input.
    expect(plan('sgd')).toEqual({ lr: 'input', lr_scale: 0.1 });
    // Program 4 also reads the input lr in clip(g, lr), so the multiplier is not folded.
    expect(plan('lion-program4')).toEqual({ lr: 'input', beta1: 0.899, beta2: 1.109, weight_decay: 0.4602, lr_scale: 0.0002 });
    expect(plan('adafactor')).toEqual({ lr: 'input' });
  });

  it("gives Adam's bias correction the beta it corrects", () => {
    const text = exportOptimizer(seed('adam'), 'numpy', { name: 'adam' });
    expect(text).toContain('m_hat = div(m, f32(1.0) - power(beta1, step))');
    expect(text).toContain('v_hat = div(v, f32(1.0) - power(beta2, step))');
  });

  it('reads roles only from inputs: a reassigned w or lr is no longer the input', () => {
    expect(planOf('def f(w, g, lr):\n    w = g * 2\n    u = w * 0.5\n    return u * lr\n')).toEqual({ lr: 'input' });
    expect(planOf('def f(w, g, lr):\n    lr = g * lr\n    u = lr * 0.5\n    return u\n')).toEqual({ lr: 'input' });
    expect(planOf('def f(w, g, lr):\n    u = g * (0.5 * lr)\n    return u\n')).toEqual({ lr: 0.5 });
    expect(planOf('def f(w, g, lr):\n    u = w * 0.1 + w * 0.2\n    return u * lr\n')).toEqual({ lr: 'input', weight_decay: 0.1, weight_decay_2: 0.2 });
  });

  it('puts every hyperparameter in the exported signature with the program value as default', () => {
    const text = exportOptimizer(seed('lion-program4'), 'pytorch', { name: 'lion-program4' });
    expect(text).toContain('self, params, lr=1.0, beta1=0.899, beta2=1.109, weight_decay=0.4602, lr_scale=0.0002\n    ):');
    expect(text).toContain('class LionProgram4(torch.optim.Optimizer):');
    expect(text).toContain('        g = clip(g, lr)');
  });
});
