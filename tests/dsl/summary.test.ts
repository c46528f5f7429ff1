import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { oneLineSummary, parseOptimizer } from '../../src/dsl/index.js';

const seed = (name: string) => parseOptimizer(readFileSync(`dsl/optimizers/${name}.dsl`, 'utf8'), name);

describe('oneLineSummary', () => {
  it('writes the simplified update and each live slot on one line', () => {
    expect(oneLineSummary(seed('lion'))).toBe('update = (sign(interp(g, m, 0.9)) + w * 0.1) * (lr * 0.0003); m <- interp(g, m, 0.99)');
    expect(oneLineSummary(seed('sgd'))).toBe('update = g * lr * 0.1');
  });

  it('reads the same for a program with renamed temporaries, dead code and a dead slot', () => {
    const variant = parseOptimizer([
      'def train(w, g, m, v, lr):',
      '    c = interp(g, m, 0.9)',
      '    unused = exp(c)',
      '    v = v + g',
      '    s = sign(c)',
      '    d = w * 0.1',
      '    s = s + d',
      '    r = lr * 0.0003',
      '    s = s * r',
      '    m = interp(g, m, 0.99)',
      '    return s, m, v',
      '',
    ].join('\n'), 'variant');
    expect(oneLineSummary(variant)).toBe(oneLineSummary(seed('lion')));
  });
});
