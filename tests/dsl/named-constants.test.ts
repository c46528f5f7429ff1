// Named constants: where the lr multiplier, the weight decay and statement constants are found, and setting them.
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findNamedConstant, namedConstantSites, parseOptimizer, printProgram, setNamedConstant, type Program } from '../../src/dsl/index.js';

const file = (path: string) => parseOptimizer(readFileSync(path, 'utf8'), path).program;
const seed = (name: string) => file(`dsl/optimizers/${name}.dsl`);
const text = (src: string) => parseOptimizer(src, 'test.dsl').program;
const value = (p: Program, name: string) => findNamedConstant(p, name)?.value;

describe('findNamedConstant', () => {
  it('finds the lr multiplier and the weight decay of the seeds by their statements', () => {
    expect(value(seed('adamw'), 'lr')).toBe(0.001);
    expect(value(seed('adamw'), 'wd')).toBe(0.01);
    expect(value(seed('lion'), 'lr')).toBe(0.0003);
    expect(value(seed('lion'), 'wd')).toBe(0.1);
    expect(value(seed('lion-program4'), 'lr')).toBe(0.0002);
  });

  it('finds them as factors of products in simplified programs', () => {
    const p = file('tests/fixtures/optimizers/lion-beta2-0999.dsl');
    expect(value(p, 'lr')).toBe(0.001);
    expect(value(p, 'wd')).toBe(0.01);
    expect(value(seed('sgd'), 'lr')).toBe(0.1); // update = g * lr * 0.1
  });

  it('finds none where none or several numbers could be meant', () => {
    expect(value(seed('sgd'), 'wd')).toBeUndefined();
    expect(value(seed('adafactor'), 'lr')).toBeUndefined(); // lr = lr * rho * scale
    const two = text('def train(w, g, lr):\n    u = g * lr * 0.1\n    v = w * lr * 0.2\n    return u + v\n');
    expect(namedConstantSites(two, 'lr')).toHaveLength(2);
    expect(findNamedConstant(two, 'lr')).toBeUndefined();
    expect(setNamedConstant(two, 'lr', 0.5)).toMatchObject({ ok: false, reason: expect.stringContaining('2 numbers could be the constant lr') });
  });

  it('prepends lr = lr * VALUE to a program that applies the plain lr', () => {
    const set = setNamedConstant(seed('adafactor'), 'lr', 0.3);
    expect(set.ok).toBe(true);
    if (set.ok) expect(printProgram(set.program).split('\n')[1]).toBe('    lr = lr * 0.3');
  });

  it('reads back what it sets, for any value, and changes nothing else', () => {
    fc.assert(
      fc.property(fc.constantFrom('adamw', 'lion', 'signum', 'lion-program4'), fc.constantFrom('lr', 'wd'), fc.double({ min: 1e-6, max: 10, noNaN: true }), (name, constant, v) => {
        const before = seed(name);
        const set = setNamedConstant(before, constant, v);
        if (!set.ok) return false;
        const after = parseOptimizer(printProgram(set.program), 'set.dsl').program;
        const back = findNamedConstant(after, constant)!.value;
        const untouched = setNamedConstant(after, constant, findNamedConstant(before, constant)!.value);
        return Math.fround(back) === Math.fround(v) && untouched.ok && printProgram(untouched.program) === printProgram(before);
      }),
      { numRuns: 60 },
    );
  });
});
