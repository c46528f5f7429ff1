// Fingerprints (behaviour) and shape keys (structure up to constants) on hand-picked programs.
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ErrorSink,
  checkOptimizer,
  compareOptimizers,
  fingerprint,
  parseOptimizer,
  printProgram,
  probeUpdates,
  shapeKey,
  type Program,
} from '../../src/dsl/index.js';
import { arbEquivalentRewrite, arbNonEquivalentMutation, arbOptimizer } from './arbitraries.js';

const seedText = (name: string) => readFileSync(`dsl/optimizers/${name}.dsl`, 'utf8');
const load = (text: string) => parseOptimizer(text, 'test.dsl');
const seed = (name: string) => load(seedText(name));

const LION_RENAMED = `def train(w, g, momentum, lr):
    c = interp(g, momentum, 0.9)
    lr = lr * 0.0003
    decay = w * 0.1
    momentum = interp(g, momentum, 0.99)
    unused = cosh(decay)
    direction = c / abs(c)
    return (direction + decay) * lr, momentum
`;

describe('fingerprint', () => {
  it('is the same for a renamed, reordered Lion with dead code and sign written as x / |x|', () => {
    expect(fingerprint(load(LION_RENAMED))).toBe(fingerprint(seed('lion')));
    expect(compareOptimizers(load(LION_RENAMED), seed('lion'))).toBe('equivalent');
  });

  it('changes when a constant changes', () => {
    const other = seedText('lion').replace('interp(g, m, 0.99)', 'interp(g, m, 0.98)');
    expect(fingerprint(load(other))).not.toBe(fingerprint(seed('lion')));
  });

  it('tells the seed optimizers apart', () => {
    const names = ['sgd', 'momentum', 'rmsprop', 'adam', 'adamw', 'adafactor', 'signum', 'lion', 'lion-program4'];
    const prints = new Set(names.map((n) => fingerprint(seed(n))));
    expect(prints.size).toBe(names.length);
  });

  it('is a fixed string for a fixed program, so caches survive restarts', () => {
    expect(fingerprint(seed('lion'))).toMatch(/^[0-9a-f]{16}$/);
    expect(fingerprint(seed('lion'))).toBe(fingerprint(seed('lion')));
  });
});

describe('shape key and relation', () => {
  it('Lion with other constants is the same up to constants', () => {
    const other = seedText('lion').replace('interp(g, m, 0.99)', 'interp(g, m, 0.98)').replace('w * 0.1', 'w * 0.5');
    expect(shapeKey(load(other))).toBe(shapeKey(seed('lion')));
    expect(compareOptimizers(load(other), seed('lion'))).toBe('same-up-to-constants');
  });

  it('Program 4 differs from Lion: it clips the gradient to ±lr and applies arcsin', () => {
    expect(compareOptimizers(seed('lion-program4'), seed('lion'))).toBe('different');
  });

  it('Program 4 without clip and arcsin is Lion up to constants', () => {
    const trimmed = seedText('lion-program4').replace(/^\s*g = clip\(g, lr\)\n/m, '').replace(/^\s*g = arcsin\(g\)\n/m, '');
    expect(trimmed).not.toContain('arcsin');
    expect(compareOptimizers(load(trimmed), seed('lion'))).toBe('same-up-to-constants');
  });

  it('AdamW and Lion are different', () => {
    expect(compareOptimizers(seed('adamw'), seed('lion'))).toBe('different');
  });

  it('Signum is Lion with beta1 = beta2: the same up to constants, not equivalent', () => {
    expect(compareOptimizers(seed('signum'), seed('lion'))).toBe('same-up-to-constants');
  });

  it('ignores the order of commutative operands', () => {
    const a = load('def f(w, g, lr):\n    u = g * lr + w * 0.1\n    return u\n');
    const b = load('def f(w, g, lr):\n    u = 0.2 * w + lr * g\n    return u\n');
    expect(shapeKey(a)).toBe(shapeKey(b));
    expect(compareOptimizers(a, b)).toBe('same-up-to-constants');
  });
});

describe('fingerprint laws on random programs', () => {
  const checked = (p: Program) => checkOptimizer(p, new ErrorSink('<random>', printProgram(p)));

  it('agrees for renamed, reordered and dead-code variants', () => {
    fc.assert(
      fc.property(
        arbOptimizer({ statements: [2, 12] }).chain((p) => fc.tuple(fc.constant(p), arbEquivalentRewrite(p))),
        ([p, rewritten]) => {
          expect(fingerprint(checked(rewritten.program)), rewritten.kind).toBe(fingerprint(checked(p)));
          expect(shapeKey(checked(rewritten.program)), rewritten.kind).toBe(shapeKey(checked(p)));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('differs for a change of the update wherever the update is finite on the probe', () => {
    fc.assert(
      fc.property(
        arbOptimizer({ statements: [2, 12] }).chain((p) => fc.tuple(fc.constant(p), arbNonEquivalentMutation(p))),
        ([p, mutated]) => {
          const original = checked(p);
          fc.pre(probeUpdates(original).some((u) => u.some(Number.isFinite)));
          expect(fingerprint(checked(mutated))).not.toBe(fingerprint(original));
        },
      ),
      { numRuns: 300 },
    );
  });
});
