// The simplifier: golden results on the seed programs, and laws that its rewrites keep the
// interpreter's outputs.
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ALL_REWRITES,
  ErrorSink,
  checkOptimizer,
  parseOptimizer,
  printProgram,
  reachable,
  runStep,
  simplifiedGraph,
  simplifyOptimizer,
  type CheckedOptimizer,
} from '../../src/dsl/index.js';
import { randomOptimizer } from '../../src/dsl/generate.js';
import { Rng } from '../../src/dsl/random.js';

const seed = (name: string) => parseOptimizer(readFileSync(`dsl/optimizers/${name}.dsl`, 'utf8'), `${name}.dsl`);
const program = (text: string) => parseOptimizer(text, 'test.dsl');

/** Updates over `steps` steps (w ← w − update), with a fresh copy of the inputs. */
function trajectory(checked: CheckedOptimizer, w0: Float32Array, grads: Float32Array[], lr = 0.01): Float32Array[] {
  let w = Float32Array.from(w0);
  let slots = checked.signature.slots.map(() => new Float32Array(w0.length));
  return grads.map((g, t) => {
    const out = runStep(checked, { w, g, lr, step: t + 1, slots });
    w = w.map((x, i) => x - out.update[i]!);
    slots = out.slots.map((s) => Float32Array.from(s));
    return Float32Array.from(out.update);
  });
}

function inputs(rng: Rng, n: number, steps: number) {
  const vec = () => Float32Array.from({ length: n }, () => rng.normal() * 10 ** (rng.next() * 4 - 2));
  return { w: vec(), grads: Array.from({ length: steps }, vec) };
}

const bitsEqual = (a: Float32Array, b: Float32Array) =>
  a.every((x, i) => Object.is(x, b[i]) || (x === 0 && b[i] === 0) || (Number.isNaN(x) && Number.isNaN(b[i])));

describe('simplifier on the seed programs', () => {
  it('reduces Program 4 to the Lion structure, dropping the dead cosh state', () => {
    const simple = simplifyOptimizer(seed('lion-program4'));
    expect(printProgram(simple.checked.program)).toBe(
      [
        'def train(w, g, m, v, lr):',
        '    g = arcsin(clip(g, lr))',
        '    update = (sign(interp(g, v, 0.899)) + w * 0.4602) * (lr * 0.0002)',
        '    v = interp(g, v, 0.996991)',
        '    return update, m, v',
        '',
      ].join('\n'),
    );
    expect(simple.carried).toEqual([false, true]);
  });

  it('keeps AdamW whole but inlines its single-use temporaries', () => {
    const simple = simplifyOptimizer(seed('adamw'));
    expect(printProgram(simple.checked.program)).toContain('update = (m / sqrt(v) + w * 0.01) * (lr * 0.001)');
    expect(simple.carried).toEqual([true, true]);
  });

  it('simplifies Lion to three statements and keeps m carried', () => {
    const simple = simplifyOptimizer(seed('lion'));
    expect(simple.checked.program.body).toHaveLength(2);
    expect(simple.carried).toEqual([true]);
  });
});

describe('naming in the simplified program', () => {
  it.each([
    ['an update that returns a slot the step overwrites', 'def f(w, g, v, lr):\n    u = v\n    v = g * 2\n    return u, v\n'],
    ['two slots that swap', 'def f(w, g, m, v, lr):\n    t = m\n    m = v + g\n    v = t\n    return m * lr, m, v\n'],
  ])('keeps %s', (_, text) => {
    const before = program(text);
    const after = simplifyOptimizer(before).checked;
    const { w, grads } = inputs(Rng.fromSeed(7), 8, 4);
    const a = trajectory(before, w, grads);
    const b = trajectory(after, w, grads);
    a.forEach((u, t) => expect(bitsEqual(u, b[t]!), printProgram(after.program)).toBe(true));
  });
});

describe('rewrites', () => {
  const cases: [string, string, string][] = [
    ['x / abs(x)', 'sign(g)', 'u = g / abs(g)'],
    ['x / sqrt(x * x)', 'sign(g)', 'u = g / sqrt(g * g)'],
    ['x / sqrt(square(x))', 'sign(g)', 'u = g / sqrt(square(g))'],
    ['sign of a positive scaling', 'sign(g)', 'u = sign(g * 0.5)'],
    ['copy propagation', 'g * lr', 'a = g\n    b = a\n    u = b * lr'],
    ['double negation', 'g * lr', 'u = -(-g) * lr'],
    ['interp chain', 'interp(g, w, 0.25)', 'a = interp(g, w, 0.5)\n    u = interp(g, a, 0.5)'],
  ];
  it.each(cases)('%s', (_, expected, body) => {
    const simple = simplifyOptimizer(program(`def f(w, g, lr):\n    ${body}\n    return u\n`));
    const text = printProgram(simple.checked.program);
    expect(text).toContain(`update = ${expected}\n`);
  });

  it('folds constants the way float32 arithmetic does', () => {
    const simple = simplifyOptimizer(program('def f(w, g, lr):\n    u = g * (1 - 0.9)\n    return u\n'));
    // fround(1 - fround(0.9)) is 0.100000024, not 0.1.
    expect(printProgram(simple.checked.program)).toContain('update = g * 0.100000024');
  });

  it('x / abs(x) equals sign(x) bit for bit on every finite float32', () => {
    const before = program('def f(w, g, lr):\n    u = g / abs(g)\n    return u\n');
    const after = simplifyOptimizer(before).checked;
    fc.assert(
      fc.property(fc.float32Array({ noDefaultInfinity: true, minLength: 1, maxLength: 64 }), (g) => {
        const w = new Float32Array(g.length);
        expect(bitsEqual(trajectory(before, w, [g])[0]!, trajectory(after, w, [g])[0]!)).toBe(true);
      }),
    );
  });

  it('x / sqrt(x * x) equals sign(x) bit for bit while 2^-63 <= |x| < 1.8e19 (x * x stays a normal float32), and at 0', () => {
    const before = program('def f(w, g, lr):\n    u = g / sqrt(g * g)\n    return u\n');
    const after = simplifyOptimizer(before).checked;
    const inRange = fc.oneof(
      fc.constant(0),
      fc.float({ min: 2 ** -63, max: Math.fround(1.8e19), noNaN: true }).chain((x) => fc.constantFrom(x, -x)),
    );
    fc.assert(
      fc.property(fc.array(inRange, { minLength: 1, maxLength: 64 }), (values) => {
        const g = Float32Array.from(values);
        const w = new Float32Array(g.length);
        expect(bitsEqual(trajectory(before, w, [g])[0]!, trajectory(after, w, [g])[0]!)).toBe(true);
      }),
    );
  });
});

describe('simplifier laws on random programs', () => {
  const exact = { reassociate: false } as const;

  it('without reassociation, keeps every update of a 4-step trajectory bit for bit', () => {
    fc.assert(
      fc.property(fc.integer(), fc.integer(), (programSeed, inputSeed) => {
        const checked = checkedRandom(programSeed);
        const simple = simplifyOptimizer(checked, exact).checked;
        const { w, grads } = inputs(Rng.fromSeed(inputSeed), 16, 4);
        const a = trajectory(checked, w, grads);
        const b = trajectory(simple, w, grads);
        a.forEach((u, t) => expect(bitsEqual(u, b[t]!), `step ${t + 1}\n${printProgram(checked.program)}`).toBe(true));
      }),
      { numRuns: 300 },
    );
  });

  it('with reassociation, agrees to float32 rounding on almost every element', () => {
    let total = 0;
    let disagree = 0;
    fc.assert(
      fc.property(fc.integer(), fc.integer(), (programSeed, inputSeed) => {
        const checked = checkedRandom(programSeed);
        const simple = simplifyOptimizer(checked).checked;
        const { w, grads } = inputs(Rng.fromSeed(inputSeed), 16, 3);
        const a = trajectory(checked, w, grads);
        const b = trajectory(simple, w, grads);
        a.forEach((u, t) =>
          u.forEach((x, i) => {
            total++;
            const y = b[t]![i]!;
            const close = Object.is(x, y) || x === y || (Number.isNaN(x) && Number.isNaN(y)) || Math.abs(x - y) <= 1e-4 * Math.max(Math.abs(x), Math.abs(y));
            if (!close) disagree++;
          }),
        );
      }),
      { numRuns: 300 },
    );
    // Reassociated constants may round one ulp apart, and a discontinuous op (sign, clip, min, max)
    // downstream can turn that into a visible difference on rare elements.
    expect(disagree / total).toBeLessThan(0.01);
  });

  it('never makes a program longer, and the result checks and prints stably', () => {
    fc.assert(
      fc.property(fc.integer(), (programSeed) => {
        const checked = checkedRandom(programSeed);
        const simple = simplifyOptimizer(checked);
        expect(simple.checked.program.body.length).toBeLessThanOrEqual(checked.program.body.length + checked.signature.slots.length);
        const text = printProgram(simple.checked.program);
        expect(printProgram(parseOptimizer(text).program)).toBe(text);
        expect(printProgram(simplifyOptimizer(simple.checked).checked.program)).toBe(text);
      }),
      { numRuns: 300 },
    );
  });

  it('has a rewrite table the graph builder applies', () => {
    expect(ALL_REWRITES.length).toBeGreaterThan(5);
  });
});

/**
 * A random program with at least three live operations, so that the laws are tested on programs
 * whose update depends on several statements rather than on dead code.
 */
function checkedRandom(programSeed: number): CheckedOptimizer {
  const rng = Rng.fromSeed(programSeed);
  for (;;) {
    const p = randomOptimizer(rng, { statements: [4, 14] });
    const checked = checkOptimizer(p, new ErrorSink('<random>', printProgram(p)));
    const { graph } = simplifiedGraph(checked, { reassociate: false });
    const live = reachable(graph.nodes, [graph.update, ...graph.slots]);
    if ([...live].filter((id) => graph.nodes[id]!.kind === 'op').length >= 3) return checked;
  }
}
