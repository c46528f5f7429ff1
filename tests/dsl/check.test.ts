// The optimizer checker on valid programs: signatures, types, and which programs it accepts.
import { describe, expect, test } from 'vitest';
import { DslError } from '../../src/dsl/errors.js';
import { parseOptimizer } from '../../src/dsl/load.js';
import { CALLABLE_OPS, OPS, resultType } from '../../src/dsl/ops.js';

const program = (params: string, ...body: string[]) => `def train(${params}):\n${body.map((l) => `    ${l}\n`).join('')}`;

describe('signature', () => {
  test('AdamW: two slots in parameter order, no step, a tensor update', () => {
    const checked = parseOptimizer(program('w, g, m, v, lr', 'm = interp(g, m, 0.9)', 'update = m / sqrt(v)', 'return update, m, v'));
    expect(checked.signature).toEqual({ params: ['w', 'g', 'm', 'v', 'lr'], slots: ['m', 'v'], usesStep: false });
    expect(checked.updateType).toBe('tensor');
  });

  test('parameters in any order; step is a role, not a slot', () => {
    const checked = parseOptimizer(program('lr, v, step, g, w, m', 'return g * lr, v, m'));
    expect(checked.signature).toEqual({ params: ['lr', 'v', 'step', 'g', 'w', 'm'], slots: ['v', 'm'], usesStep: true });
  });

  test('a scalar update is allowed (it is broadcast)', () => {
    expect(parseOptimizer(program('w, g, lr', 'return lr')).updateType).toBe('scalar');
    expect(parseOptimizer(program('w, g, lr', 'return norm(g) * lr')).updateType).toBe('scalar');
  });

  test('slots may carry names that objects inherit, such as constructor or __proto__', () => {
    for (const slot of ['constructor', 'toString', '__proto__', 'hasOwnProperty', 'valueOf']) {
      const checked = parseOptimizer(program(`w, g, ${slot}, lr`, `u = norm(${slot}) * g`, `${slot} = g`, `return u, ${slot}`));
      expect(checked.signature.slots).toEqual([slot]);
    }
  });
});

describe('types', () => {
  test('a variable takes the type of its latest assignment', () => {
    expect(() => parseOptimizer(program('w, g, lr', 'x = lr', 'x = g', 'u = norm(x)', 'return u'))).not.toThrow();
    expect(() => parseOptimizer(program('w, g, lr', 'x = g', 'x = norm(x)', 'u = norm(x)', 'return u'))).toThrow(/norm\(\) reduces a tensor/);
  });

  test('parameters may be reassigned, role parameters included', () => {
    const checked = parseOptimizer(program('w, g, m, lr', 'g = clip(g, lr)', 'lr = lr * 0.001', 'm = interp(g, m, 0.9)', 'w = w * 2', 'return m * lr, m'));
    expect(checked.updateType).toBe('tensor');
  });

  test('a slot may hold a scalar when returned', () => {
    expect(() => parseOptimizer(program('w, g, m, lr', 'm = mean(g)', 'return g, m'))).not.toThrow();
  });

  test('step and lr are scalars', () => {
    expect(() => parseOptimizer(program('w, g, lr, step', 'return g / norm(step)'))).toThrow(/norm\(\) reduces a tensor/);
    expect(() => parseOptimizer(program('w, g, lr, step', 'return g / mean(lr)'))).toThrow(/mean\(\) reduces a tensor/);
  });

  test('every callable function checks with tensor arguments, with the type resultType gives', () => {
    for (const fn of CALLABLE_OPS) {
      const arity = OPS[fn].arity;
      const args = Array.from({ length: arity }, (_, i) => (fn === 'clip_by_norm' && i === 1 ? 'lr' : 'g'));
      const checked = parseOptimizer(program('w, g, lr', `u = ${fn}(${args.join(', ')})`, 'return u'));
      expect(checked.updateType, fn).toBe(resultType(fn, args.map((a) => (a === 'lr' ? 'scalar' : 'tensor'))));
    }
  });

  test('elementwise functions of scalars are scalars; reductions of scalars are errors', () => {
    for (const fn of CALLABLE_OPS) {
      const spec = OPS[fn];
      const source = program('w, g, lr', `u = ${fn}(${Array.from({ length: spec.arity }, () => 'lr').join(', ')})`, 'return u');
      if (spec.kind === 'map' || spec.kind === 'constant') expect(parseOptimizer(source).updateType, fn).toBe('scalar');
      else expect(() => parseOptimizer(source), fn).toThrow(DslError);
    }
  });

  test('the arithmetic ops are written as operators, not called', () => {
    for (const fn of ['add', 'sub', 'mul', 'div']) {
      expect(() => parseOptimizer(program('w, g, lr', `u = ${fn}(g, g)`, 'return u'))).toThrow(new RegExp(`unknown function '${fn}'`));
    }
    expect(parseOptimizer(program('w, g, lr', 'u = power(g, 2) + negative(g)', 'return u')).updateType).toBe('tensor');
  });

  test('variables and functions live in separate namespaces', () => {
    expect(() => parseOptimizer(program('w, g, lr', 'sign = sign(g)', 'norm = norm(sign)', 'return sign * norm'))).not.toThrow();
  });
});
