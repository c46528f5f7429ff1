// The relation "same up to constants": constant factors and unused state slots are constants, not structure.
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ErrorSink, NO_POS, checkOptimizer, compareOptimizers, parseOptimizer, printProgram, shapeKey, type Expr, type Program,
} from '../../src/dsl/index.js';
import { arbOptimizer } from './arbitraries.js';

const seedText = (name: string) => readFileSync(`dsl/optimizers/${name}.dsl`, 'utf8');
const load = (text: string) => parseOptimizer(text, 'test.dsl');
const seed = (name: string) => load(seedText(name));

const LION_PLAIN_LR = `def train(w, g, m, lr):
    update = sign(interp(g, m, 0.9))
    m = interp(g, m, 0.99)
    return (update + w * 0.1) * lr, m
`;

const LION_SPARE_SLOT = `def train(w, g, m, v, lr):
    update = sign(interp(g, m, 0.9))
    m = interp(g, m, 0.99)
    update = (update + w * 0.5) * (lr * 0.001)
    return update, m, v
`;

describe('compare: constant factors', () => {
  it('Lion without a learning-rate multiplier is Lion up to constants', () => {
    expect(compareOptimizers(load(LION_PLAIN_LR), seed('lion'))).toBe('same-up-to-constants');
    expect(compareOptimizers(seed('lion'), load(LION_PLAIN_LR))).toBe('same-up-to-constants');
  });

  it('a factor written as a division counts the same as a product', () => {
    const divided = LION_PLAIN_LR.replace('* lr, m', '* lr / 3000, m');
    expect(compareOptimizers(load(divided), seed('lion'))).toBe('same-up-to-constants');
  });

  it('keeps the factor when asked to (the Lion classifier reads constants off the exact shape)', () => {
    expect(shapeKey(load(LION_PLAIN_LR), { keepFactors: true })).not.toBe(shapeKey(seed('lion'), { keepFactors: true }));
  });

  it('an additive term is structure: Adam (no weight decay) and AdamW stay different', () => {
    expect(compareOptimizers(seed('adam'), seed('adamw'))).toBe('different');
  });

  it('AdamW and Lion stay different, with or without multipliers', () => {
    expect(compareOptimizers(seed('adamw'), seed('lion'))).toBe('different');
    const adamwPlain = seedText('adamw').replace('    lr = lr * 0.001\n', '');
    expect(compareOptimizers(load(adamwPlain), load(LION_PLAIN_LR))).toBe('different');
  });

  it('a constant divided by a value is not a factor: 0.5 / g differs from g', () => {
    const a = load('def f(w, g, lr):\n    return (0.5 / g) * lr\n');
    const b = load('def f(w, g, lr):\n    return g * lr\n');
    expect(compareOptimizers(a, b)).toBe('different');
  });
});

describe('compare: unused state slots', () => {
  it('Lion with a spare slot and other constants is Lion up to constants', () => {
    expect(compareOptimizers(load(LION_SPARE_SLOT), seed('lion'))).toBe('same-up-to-constants');
  });

  it('Lion with a spare slot and the same constants is equivalent', () => {
    const spare = seedText('lion').replace('def train(w, g, m, lr):', 'def train(w, g, m, v, lr):').replace('return update, m', 'return update, m, v');
    expect(compareOptimizers(load(spare), seed('lion'))).toBe('equivalent');
  });
});

describe('shape key law', () => {
  const checked = (p: Program) => checkOptimizer(p, new ErrorSink('<random>', printProgram(p)));
  const scaled = (p: Program, c: number, op: '*' | '/'): Program => {
    const [update, ...slots] = p.ret.values;
    const value: Expr = { kind: 'binary', op, left: update!, right: { kind: 'number', value: c, pos: NO_POS }, pos: NO_POS };
    return { ...p, ret: { ...p.ret, values: [value, ...slots] } };
  };

  it('scaling the update by a constant keeps the shape key', () => {
    fc.assert(
      fc.property(
        arbOptimizer({ statements: [1, 10] }),
        fc.double({ min: 0.001, max: 1000, noNaN: true }),
        fc.constantFrom('*' as const, '/' as const),
        (p, c, op) => {
          expect(shapeKey(checked(scaled(p, c, op)))).toBe(shapeKey(checked(p)));
        },
      ),
      { numRuns: 200 },
    );
  });
});
