// The reference interpreter: float32 semantics at the edges, reductions, broadcasting, and whole
// optimizer steps (AdamW, Lion) against float64 computations by hand.
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { checkOptimizer } from '../../src/dsl/check.js';
import { ErrorSink } from '../../src/dsl/errors.js';
import { runStep, type StepInputs } from '../../src/dsl/interpret.js';
import { parseOptimizer } from '../../src/dsl/load.js';
import { printProgram } from '../../src/dsl/printer.js';
import { arbInputs, arbOptimizer } from './arbitraries.js';

const f = Math.fround;
const F = (xs: readonly number[]) => Float32Array.from(xs);

interface Given {
  readonly w?: readonly number[];
  readonly g?: readonly number[];
  readonly lr?: number;
  readonly step?: number;
}

/** The update of `def f(w, g, lr, step): update = <expression>; return update`. */
function run(expression: string, { w, g, lr = 0.1, step = 1 }: Given = {}): number[] {
  const checked = parseOptimizer(`def f(w, g, lr, step):\n    update = ${expression}\n    return update\n`);
  const n = (w ?? g ?? [0]).length;
  const inputs = { w: F(w ?? new Array<number>(n).fill(1)), g: F(g ?? new Array<number>(n).fill(1)), lr, step, slots: [] };
  return [...runStep(checked, inputs).update];
}

/** Element-wise equality where NaN equals NaN and -0 differs from 0. */
function expectSame(actual: readonly number[], expected: readonly number[]): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((x, i) => expect(Object.is(x, expected[i]), `element ${i}: ${x} vs ${expected[i]}`).toBe(true));
}

describe('float32 arithmetic', () => {
  test('literals, inputs and every result are rounded to float32', () => {
    expectSame(run('0.1 + 0.2 + g * 0', { g: [1] }), [0.30000001192092896]);
    expectSame(run('g + 1e-8', { g: [1] }), [1]);
    expectSame(run('g * 1e-50', { g: [1] }), [0]);
    expectSame(run('lr + g * 0', { g: [1], lr: 0.1 }), [f(0.1)]);
    expectSame(run('g * 3e38', { g: [2] }), [Infinity]);
  });

  test('interp(a, b, t) is (1 - t) * a + t * b, rounded after each operation in that order', () => {
    // 1 - f(0.9) = 0.10000002384185791 exactly, not 0.1.
    expectSame(run('interp(g, w, 0.9)', { g: [1], w: [0] }), [0.10000002384185791]);
    // (1 - 0.7f) * 2 = 0.6000000238418579; 0.7f * 3 rounds to 2.0999999046325684; their sum lies
    // halfway between two float32 values and rounds to the even one, 2.6999998092651367. The form
    // a + t * (b - a) would give 2.700000047683716.
    expectSame(run('interp(g, w, 0.7)', { g: [2], w: [3] }), [2.6999998092651367]);
    expectSame(run('interp(g, w, 0.25)', { g: [1], w: [3] }), [1.5]);
  });

  test('division by zero gives 0, whatever the numerator', () => {
    expectSame(run('g / w', { g: [3, 0, -1, NaN, Infinity, 1], w: [0, 0, -0, 0, -0, 2] }), [0, 0, 0, 0, 0, 0.5]);
    expectSame(run('reciprocal(g)', { g: [0, -0, 4] }), [0, 0, 0.25]);
    expectSame(run('g / abs(g)', { g: [-3, 0, 2] }), [-1, 0, 1]);
    expectSame(run('g / w', { g: [1, Infinity], w: [Infinity, Infinity] }), [0, NaN]);
  });

  test('sqrt, log, log2, log10 act on |x|; log1p(x) is log|1 + x|', () => {
    expectSame(run('sqrt(g)', { g: [-4, 4, -0] }), [2, 2, 0]);
    expectSame(run('log2(g)', { g: [-8, 0] }), [3, -Infinity]);
    expectSame(run('log10(g)', { g: [-100] }), [2]);
    expectSame(run('log(g)', { g: [-1] }), [0]);
    expectSame(run('log1p(g)', { g: [-3, -1, 0] }), [f(Math.log(2)), -Infinity, 0]);
  });

  test('x ** y is |x| ** y', () => {
    expectSame(run('g ** 3', { g: [-2] }), [8]);
    expectSame(run('g ** 2', { g: [-3] }), [9]);
    expectSame(run('-g ** 2', { g: [3] }), [-9]);
    expectSame(run('(-g) ** 2', { g: [3] }), [9]);
    expectSame(run('2 ** -g', { g: [3] }), [0.125]);
    expectSame(run('g ** -1', { g: [0] }), [Infinity]);
    expectSame(run('g ** 0', { g: [NaN] }), [1]);
    expectSame(run('power(g, 0.5)', { g: [-16] }), [4]);
  });

  test('min, max and clip propagate NaN; clip bounds by |c|', () => {
    expectSame(run('max(g, w)', { g: [NaN, 1, 2], w: [1, NaN, -2] }), [NaN, NaN, 2]);
    expectSame(run('min(g, w)', { g: [NaN, 1, 2], w: [1, NaN, -2] }), [NaN, NaN, -2]);
    expectSame(run('clip(g, 1)', { g: [NaN, 5, -5, 0.5] }), [NaN, 1, -1, 0.5]);
    expectSame(run('clip(g, -2)', { g: [5, -5] }), [2, -2]);
    expectSame(run('clip(g, w)', { g: [1], w: [NaN] }), [NaN]);
  });

  test('sign gives -1, 0 or 1; sign(-0) is 0 and sign(NaN) is NaN', () => {
    expectSame(run('sign(g)', { g: [NaN, -0, 0, -3, 5, -Infinity] }), [NaN, 0, 0, -1, 1, -1]);
  });

  test('IEEE elsewhere: domains give NaN, overflow gives Inf', () => {
    expectSame(run('arcsin(g)', { g: [2, 1] }), [NaN, f(Math.PI / 2)]);
    expectSame(run('arccos(g)', { g: [-2] }), [NaN]);
    expectSame(run('arccosh(g)', { g: [0.5, 1] }), [NaN, 0]);
    expectSame(run('arctanh(g)', { g: [2] }), [NaN]);
    expectSame(run('exp(g)', { g: [100, -200] }), [Infinity, 0]);
    expectSame(run('cosh(g)', { g: [100] }), [Infinity]);
    expectSame(run('tanh(g)', { g: [NaN, Infinity] }), [NaN, 1]);
    expectSame(run('cube(g)', { g: [-3] }), [-27]);
  });

  test('constants', () => {
    expectSame(run('pi() + e() * 0', { g: [1] }), [f(Math.PI)]);
    expectSame(run('eps()', { g: [1] }), [f(1e-8)]);
  });
});

describe('reductions', () => {
  test('norm, mean and dot', () => {
    expectSame(run('norm(g)', { g: [3, 4] }), [5, 5]);
    expectSame(run('mean(g)', { g: [1, 2, 3, 4] }), [2.5, 2.5, 2.5, 2.5]);
    expectSame(run('dot(g, w)', { g: [1, 2, 3], w: [4, 5, 6] }), [32, 32, 32]);
    expectSame(run('norm(g)', { g: [3, NaN] }), [NaN, NaN]);
  });

  test('rms, cosine_sim and clip_by_norm as their definitions say', () => {
    expectSame(run('rms(g)', { g: [3, 4] }), [3.535533905029297, 3.535533905029297]); // sqrt(12.5)
    expectSame(run('cosine_sim(g, w)', { g: [1, 0], w: [0, 1] }), [0, 0]);
    expectSame(run('cosine_sim(g, w)', { g: [3, 4], w: [3, 4] }), [1, 1]);
    expectSame(run('cosine_sim(g, w)', { g: [0, 0], w: [3, 4] }), [0, 0]); // 0 / 0 is 0
    // 1 / 5 rounds to 0.2f; 3 * 0.2f and 4 * 0.2f round again.
    expectSame(run('clip_by_norm(g, 1)', { g: [3, 4] }), [0.6000000238418579, 0.800000011920929]);
    expectSame(run('clip_by_norm(g, -1)', { g: [3, 4] }), [0.6000000238418579, 0.800000011920929]);
    expectSame(run('clip_by_norm(g, 10)', { g: [3, 4] }), [3, 4]);
    expectSame(run('clip_by_norm(g, 1)', { g: [0, 0] }), [0, 0]);
  });
});

describe('steps', () => {
  test('a scalar update is broadcast to the parameter shape', () => {
    expectSame(run('lr * 2', { g: [1, 2, 3, 4, 5], lr: 0.25 }), [0.5, 0.5, 0.5, 0.5, 0.5]);
    expectSame(run('step', { g: [9], step: 7 }), [7]);
  });

  test('a slot the program leaves alone keeps its state; inputs are not modified', () => {
    const checked = parseOptimizer('def f(w, g, m, v, lr):\n    m = interp(g, m, 0.5)\n    return m, m, v\n');
    const inputs: StepInputs = { w: F([1, 2]), g: F([2, 4]), lr: 0.1, step: 1, slots: [F([0, 2]), F([5, 6])] };
    const out = runStep(checked, inputs);
    expectSame([...out.update], [1, 3]);
    expectSame([...out.slots[0]!], [1, 3]);
    expectSame([...out.slots[1]!], [5, 6]);
    expectSame([...inputs.slots[0]!], [0, 2]);
    expectSame([...inputs.g], [2, 4]);
  });

  test('AdamW (Program 3 of the Lion paper) over several steps matches float64 by hand within 1e-6', () => {
    const checked = parseOptimizer(ADAMW);
    const n = 5;
    const w = F([0.5, 1, 1.5, 2, 2.5]);
    let m: Float32Array = F([0, 0.01, 0.02, 0.03, 0.04]);
    let v: Float32Array = F([0, 1e-4, 2e-4, 3e-4, 4e-4]);
    // The language's constants are float32, so the float64 reference uses the same rounded values.
    const [b1, b2, wd, scale] = [f(0.9), f(0.999), f(0.01), f(0.001)];
    let m64 = Array.from(m, Number);
    let v64 = Array.from(v, Number);
    for (let step = 1; step <= 5; step++) {
      const g = F(Array.from({ length: n }, (_, i) => 0.1 * (i + 1) + 0.05 * step));
      const lr = f(0.5);
      const out = runStep(checked, { w, g, lr, step, slots: [m, v] });
      m64 = m64.map((mi, i) => b1 * mi + (1 - b1) * g[i]!);
      v64 = v64.map((vi, i) => b2 * vi + (1 - b2) * g[i]! * g[i]!);
      const update64 = m64.map((mi, i) => (mi / Math.sqrt(v64[i]!) + wd * w[i]!) * lr * scale);
      out.update.forEach((u, i) => expect(Math.abs(u - update64[i]!) / Math.abs(update64[i]!)).toBeLessThan(1e-6));
      out.slots[0]!.forEach((mi, i) => expect(Math.abs(mi - m64[i]!) / m64[i]!).toBeLessThan(1e-6));
      out.slots[1]!.forEach((vi, i) => expect(Math.abs(vi - v64[i]!) / v64[i]!).toBeLessThan(1e-6));
      [m, v] = [out.slots[0]!, out.slots[1]!];
    }
  });

  test('a Lion step: sign of the interpolated momentum plus weight decay, times lr', () => {
    const checked = parseOptimizer(LION);
    const w = F([1, -2, 0.5, 0]);
    const g = F([0.3, -0.1, 0, 2]);
    const m = F([-1, 1, 0, -0.5]);
    const lr = f(0.01);
    const out = runStep(checked, { w, g, lr, step: 1, slots: [m] });
    const [b1, b2, wd] = [f(0.9), f(0.99), f(0.1)];
    // c = 0.9 m + 0.1 g: [-0.87, 0.89, 0, -0.25] → sign [-1, 1, 0, -1]
    const expected = [-1, 1, 0, -1].map((s, i) => (s + wd * w[i]!) * lr);
    out.update.forEach((u, i) => expect(Math.abs(u - expected[i]!)).toBeLessThanOrEqual(1e-6 * Math.abs(expected[i]!)));
    expect(out.update[3]).toBe(-lr);
    out.slots[0]!.forEach((mi, i) => {
      const m64 = b2 * m[i]! + (1 - b2) * g[i]!;
      expect(Math.abs(mi - m64)).toBeLessThanOrEqual(1e-6 * Math.abs(m64));
    });
  });

  test('any generated program runs on any inputs and returns tensors of the parameter size', () => {
    fc.assert(
      fc.property(
        arbOptimizer().chain((p) => {
          const checked = checkOptimizer(p, new ErrorSink('<generated>', printProgram(p)));
          return fc.tuple(fc.constant(checked), arbInputs(checked.signature.slots.length));
        }),
        ([checked, inputs]) => {
          const out = runStep(checked, inputs);
          expect(out.update).toBeInstanceOf(Float32Array);
          expect(out.update.length).toBe(inputs.w.length);
          expect(out.slots.map((s) => s.length)).toEqual(inputs.slots.map(() => inputs.w.length));
        },
      ),
      { numRuns: 300 },
    );
  });
});

const ADAMW = `def train(w, g, m, v, lr):
    g2 = square(g)
    m = interp(g, m, 0.9)
    v = interp(g2, v, 0.999)
    sqrt_v = sqrt(v)
    update = m / sqrt_v
    wd = w * 0.01
    update = update + wd
    lr = lr * 0.001
    update = update * lr
    return update, m, v
`;

const LION = `def train(w, g, m, lr):
    update = interp(g, m, 0.9)
    update = sign(update)
    m = interp(g, m, 0.99)
    wd = w * 0.1
    update = update + wd
    update = update * lr
    return update, m
`;
