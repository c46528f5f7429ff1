// The seeded generator, random programs and statements, and the rewrite helpers of arbitraries.ts.
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import type { Program } from '../../src/dsl/ast.js';
import { checkOptimizer, type CheckedOptimizer } from '../../src/dsl/check.js';
import { ErrorSink } from '../../src/dsl/errors.js';
import {
  DEFAULT_GENERATE_OPTIONS,
  NICE_CONSTANTS,
  buildOptimizer,
  niceConstant,
  randomOptimizer,
  randomStatement,
  scopeAt,
  type GenerateOptions,
} from '../../src/dsl/generate.js';
import { runStep, type StepOutputs } from '../../src/dsl/interpret.js';
import { parseOptimizer } from '../../src/dsl/load.js';
import { CALLABLE_OPS } from '../../src/dsl/ops.js';
import { printProgram } from '../../src/dsl/printer.js';
import { Rng, type RngState } from '../../src/dsl/random.js';
import {
  arbEquivalentRewrite,
  arbInputs,
  arbNonEquivalentMutation,
  arbOptimizer,
  changeUpdate,
  localNames,
  swappablePairs,
} from './arbitraries.js';

const check = (p: Program): CheckedOptimizer => checkOptimizer(p, new ErrorSink('<generated>', printProgram(p)));

function draws(rng: Rng, n: number): number[] {
  return Array.from({ length: n }, () => rng.uint32());
}

describe('Rng', () => {
  test('a seed gives a fixed stream (checkpoints and golden tests depend on it)', () => {
    expect(draws(Rng.fromSeed(0), 4)).toEqual(draws(Rng.fromSeed(0), 4));
    expect(draws(Rng.fromSeed(0), 4)).not.toEqual(draws(Rng.fromSeed(1), 4));
    expect(draws(Rng.fromSeed(-1), 4)).toEqual(draws(Rng.fromSeed(2 ** 32 - 1), 4));
    expect(draws(Rng.fromSeed(42), 3)).toEqual([1446075559, 2250255015, 2368823230]);
  });

  test('state survives JSON and resumes the same stream', () => {
    fc.assert(
      fc.property(fc.integer(), fc.nat(50), (seed, skip) => {
        const rng = Rng.fromSeed(seed);
        draws(rng, skip);
        const saved = JSON.parse(JSON.stringify(rng.state())) as RngState;
        const resumed = Rng.fromState(saved);
        expect(draws(resumed, 8)).toEqual(draws(rng, 8));
      }),
      { numRuns: 200 },
    );
  });

  test('fromState refuses what is not a state', () => {
    const bad: unknown[] = [null, {}, { sfc32: [1, 2, 3] }, { sfc32: [1, 2, 3, -1] }, { sfc32: [1, 2, 3, 2 ** 32] }, { sfc32: [1, 2, 3, 0.5] }];
    for (const state of bad) expect(() => Rng.fromState(state as RngState)).toThrow(RangeError);
    expect(() => Rng.fromSeed(0.5)).toThrow(RangeError);
  });

  test('split gives a stream unlike its parent and its siblings', () => {
    const parent = Rng.fromSeed(7);
    const a = parent.split();
    const b = parent.split();
    const rest = draws(parent, 16);
    const [da, db] = [draws(a, 16), draws(b, 16)];
    expect(da).not.toEqual(db);
    expect(da).not.toEqual(rest);
    expect(new Set([...da, ...db, ...rest]).size).toBe(48);
  });

  test('next, int, chance and pick stay in range and are roughly uniform', () => {
    const rng = Rng.fromSeed(3);
    const counts = new Array<number>(10).fill(0);
    for (let i = 0; i < 20_000; i++) {
      const x = rng.next();
      expect(x >= 0 && x < 1).toBe(true);
      const k = rng.int(10);
      counts[k]!++;
    }
    // Chi-square with 9 degrees of freedom: 27.9 is its 0.999 quantile.
    const chi2 = counts.reduce((s, c) => s + (c - 2000) ** 2 / 2000, 0);
    expect(chi2).toBeLessThan(27.9);
    expect(rng.int(1)).toBe(0);
    expect(() => rng.int(0)).toThrow(RangeError);
    expect(['a', 'b'].includes(rng.pick(['a', 'b']))).toBe(true);
    expect(() => rng.pick([])).toThrow(RangeError);
    const hits = Array.from({ length: 10_000 }, () => rng.chance(0.3)).filter(Boolean).length;
    expect(Math.abs(hits - 3000)).toBeLessThan(200);
  });

  test('normal has mean 0 and variance 1', () => {
    const rng = Rng.fromSeed(11);
    const xs = Array.from({ length: 20_000 }, () => rng.normal());
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    const variance = xs.reduce((s, x) => s + (x - mean) ** 2, 0) / xs.length;
    expect(xs.every(Number.isFinite)).toBe(true);
    expect(Math.abs(mean)).toBeLessThan(0.03);
    expect(Math.abs(variance - 1)).toBeLessThan(0.04);
  });
});

const VARIANTS: Record<string, Partial<GenerateOptions>> = {
  default: {},
  'no slots': { params: ['w', 'g', 'lr'] },
  'step and one slot, params reordered': { params: ['lr', 'm', 'g', 'step', 'w'] },
  'reductions and operators only': { functions: ['norm', 'mean', 'dot', 'rms', 'cosine_sim', 'clip_by_norm'] },
  'reductions only': { functions: ['norm', 'mean', 'dot'], operators: [] },
  'operators only': { functions: [], statements: [1, 12] },
  'constants everywhere': { constantProbability: 0.9, constant: niceConstant },
  'constant ops only': { functions: ['pi', 'e', 'eps'], operators: ['negate'] },
};

describe('randomOptimizer', () => {
  for (const [label, options] of Object.entries(VARIANTS)) {
    test(`every generated program checks (${label})`, () => {
      fc.assert(
        fc.property(arbOptimizer(options), (p) => {
          const checked = check(p);
          const slots = (options.params ?? DEFAULT_GENERATE_OPTIONS.params).filter((n) => !['w', 'g', 'lr', 'step'].includes(n));
          expect(checked.signature.slots).toEqual(slots);
          expect(p.body.some((s) => s.target === 'update')).toBe(true);
          // Flat statements: every argument is a name or a constant.
          for (const s of p.body) {
            const args = s.value.kind === 'call' ? s.value.args : s.value.kind === 'binary' ? [s.value.left, s.value.right] : s.value.kind === 'negate' ? [s.value.operand] : [s.value];
            for (const a of args) expect(['name', 'number']).toContain(a.kind);
          }
          // And the checked program is what the parser makes of its text.
          expect(printProgram(parseOptimizer(printProgram(p)).program)).toBe(printProgram(p));
        }),
        { numRuns: 300 },
      );
    });
  }

  test('respects the statement range and uses only allowed functions', () => {
    fc.assert(
      fc.property(fc.integer(), fc.integer({ min: 1, max: 5 }), fc.integer({ min: 0, max: 6 }), (seed, least, extra) => {
        const functions = ['sign', 'interp', 'norm'] as const;
        const p = randomOptimizer(Rng.fromSeed(seed), { statements: [least, least + extra], functions });
        expect(p.body.length).toBeGreaterThanOrEqual(least);
        expect(p.body.length).toBeLessThanOrEqual(least + extra);
        for (const s of p.body) if (s.value.kind === 'call') expect(functions).toContain(s.value.fn);
      }),
      { numRuns: 200 },
    );
  });

  test('is deterministic for a seed', () => {
    fc.assert(
      fc.property(fc.integer(), (seed) => {
        expect(printProgram(randomOptimizer(Rng.fromSeed(seed)))).toBe(printProgram(randomOptimizer(Rng.fromSeed(seed))));
      }),
      { numRuns: 100 },
    );
    const texts = new Set(Array.from({ length: 50 }, (_, seed) => printProgram(randomOptimizer(Rng.fromSeed(seed)))));
    expect(texts.size).toBeGreaterThan(45);
  });

  test('golden: seed 1', () => {
    expect(printProgram(randomOptimizer(Rng.fromSeed(1)))).toBe(GOLDEN_SEED_1);
  });

  test('over many seeds uses every callable function and operator form', () => {
    const seen = new Set<string>();
    for (let seed = 0; seed < 400; seed++) {
      for (const s of randomOptimizer(Rng.fromSeed(seed)).body) {
        const v = s.value;
        seen.add(v.kind === 'call' ? v.fn : v.kind === 'binary' ? v.op : v.kind);
      }
    }
    for (const name of CALLABLE_OPS) expect(seen).toContain(name);
    for (const form of ['+', '-', '*', '/', '**', 'negate']) expect(seen).toContain(form);
  });

  test('constants come from the sampler', () => {
    const p = randomOptimizer(Rng.fromSeed(5), { constantProbability: 1, constant: niceConstant, statements: [20, 20] });
    const constants = p.body.flatMap((s) => (s.value.kind === 'call' ? s.value.args : s.value.kind === 'binary' ? [s.value.left, s.value.right] : []));
    for (const c of constants) if (c.kind === 'number') expect(NICE_CONSTANTS).toContain(c.value);
  });

  test('refuses options it cannot honour', () => {
    const rng = Rng.fromSeed(0);
    expect(() => randomOptimizer(rng, { params: ['w', 'g'] })).toThrow(/'lr'/);
    expect(() => randomOptimizer(rng, { params: ['w', 'g', 'lr', 'g'] })).toThrow(/distinct/);
    expect(() => randomOptimizer(rng, { statements: [0, 3] })).toThrow(/statements/);
    expect(() => randomOptimizer(rng, { functions: [], operators: [] })).toThrow(/no functions/);
    expect(() => randomOptimizer(rng, { functions: ['add'] })).toThrow(/'add' is not a callable function/);
    expect(() => buildOptimizer([])).toThrow(RangeError);
  });
});

describe('randomStatement', () => {
  test('inserted anywhere, a random statement keeps the program valid', () => {
    fc.assert(
      fc.property(arbOptimizer(), fc.nat(), fc.integer(), (p, at, seed) => {
        const index = at % (p.body.length + 1);
        const stmt = randomStatement(Rng.fromSeed(seed), scopeAt(p, index));
        check({ ...p, body: [...p.body.slice(0, index), stmt, ...p.body.slice(index)] });
      }),
      { numRuns: 400 },
    );
  });

  test('also into hand-written programs with nested expressions', () => {
    const adam = parseOptimizer(ADAM).program;
    for (let seed = 0; seed < 200; seed++) {
      const index = seed % (adam.body.length + 1);
      const stmt = randomStatement(Rng.fromSeed(seed), scopeAt(adam, index));
      check({ ...adam, body: [...adam.body.slice(0, index), stmt, ...adam.body.slice(index)] });
    }
  });

  test('scopeAt: types before the position, the type a reassignment must keep, a fresh name', () => {
    const scope = scopeAt(parseOptimizer(ADAM).program, 3);
    expect(Object.fromEntries(scope.readable)).toEqual({ w: 'tensor', g: 'tensor', m: 'tensor', v: 'tensor', lr: 'scalar', step: 'scalar', g2: 'tensor' });
    // m is read later (m_hat = m / ...), update and lr are assigned before they are read again.
    expect(scope.assignable.get('m')).toBe('tensor');
    expect(scope.assignable.get('update')).toBe('any');
    expect(scope.assignable.get('denom')).toBe('any');
    expect(scope.assignable.has('w')).toBe(false);
    expect(scope.assignable.has('lr')).toBe(false);
    expect(scope.fresh).toBe('v1');
  });

  test('a forced target gets a value of the type it must keep', () => {
    fc.assert(
      fc.property(fc.integer(), fc.constantFrom('tensor', 'scalar') , (seed, type) => {
        const scope = { readable: new Map([['w', 'tensor'], ['g', 'tensor'], ['lr', 'scalar']] as const), assignable: new Map([['x', type]]) };
        const stmt = randomStatement(Rng.fromSeed(seed), scope);
        expect(stmt.target).toBe('x');
        const p = parseOptimizer(`def f(w, g, lr):\n    x = ${type === 'tensor' ? 'g' : 'lr'}\n    update = x\n    return update\n`).program;
        expect(check({ ...p, body: [p.body[0]!, stmt, p.body[1]!] }).updateType).toBe(type);
      }),
      { numRuns: 200 },
    );
  });
});

function sameOutputs(a: StepOutputs, b: StepOutputs): boolean {
  const same = (x: Float32Array, y: Float32Array) => x.length === y.length && x.every((v, i) => Object.is(v, y[i]));
  return same(a.update, b.update) && a.slots.length === b.slots.length && a.slots.every((s, i) => same(s, b.slots[i]!));
}

const programAndInputs = arbOptimizer().chain((p) => fc.tuple(fc.constant(p), arbInputs(check(p).signature.slots.length)));

describe('arbInputs', () => {
  test('sizes include 1 and odd sizes; special values turn up; all tensors share one size', () => {
    const samples = fc.sample(arbInputs(2), { numRuns: 400, seed: 7 });
    const values = samples.flatMap((s) => [...s.w, ...s.g, ...s.slots.flatMap((x) => [...x])]);
    expect(samples.some((s) => s.w.length === 1)).toBe(true);
    expect(samples.some((s) => s.w.length > 1 && s.w.length % 2 === 1)).toBe(true);
    for (const special of [NaN, -0, 0, Infinity, -Infinity, Math.fround(1e30), Math.fround(1e-30)]) {
      expect(values.some((x) => Object.is(x, special)), String(special)).toBe(true);
    }
    for (const s of samples) {
      expect([s.g.length, ...s.slots.map((x) => x.length)]).toEqual(new Array(3).fill(s.w.length));
      expect(s.lr).toBe(Math.fround(s.lr));
      expect(s.step).toBeGreaterThanOrEqual(1);
    }
  });

  test('without special values, every element is finite and away from zero', () => {
    const samples = fc.sample(arbInputs(1, { special: false, minSize: 3, maxSize: 5 }), { numRuns: 200, seed: 7 });
    for (const s of samples) {
      expect(s.w.length >= 3 && s.w.length <= 5).toBe(true);
      for (const x of [...s.w, ...s.g, ...s.slots[0]!]) expect(Number.isFinite(x) && Math.abs(x) >= 1 / 64).toBe(true);
      expect(s.lr).toBeGreaterThan(0);
    }
  });
});

describe('rewrite helpers', () => {
  test('equivalent rewrites check and compute the same outputs, bit for bit', () => {
    fc.assert(
      fc.property(
        programAndInputs.chain(([p, inputs]) => fc.tuple(fc.constant(p), fc.constant(inputs), arbEquivalentRewrite(p))),
        ([p, inputs, rewritten]) => {
          const q = rewritten.program;
          expect(sameOutputs(runStep(check(p), inputs), runStep(check(q), inputs))).toBe(true);
        },
      ),
      { numRuns: 400 },
    );
  });

  test('each rewrite does what it says', () => {
    const p = parseOptimizer(LION).program;
    expect(localNames(p)).toEqual(['update']);
    const samples = fc.sample(arbEquivalentRewrite(p), { numRuns: 200, seed: 1 });
    const kinds = new Set(samples.map((r) => r.kind));
    expect(kinds).toEqual(new Set(['rename', 'reorder', 'dead-code']));
    for (const r of samples) {
      if (r.kind === 'rename') expect(r.program.body.map((s) => s.target)).not.toContain('update');
      if (r.kind === 'dead-code') expect(r.program.body.length).toBeGreaterThan(p.body.length);
    }
    // update = sign(update) cannot move before update = interp(...); m = interp(g, m, 0.99) can.
    expect(swappablePairs(p)).toEqual([1, 2]);
  });

  test('the non-equivalent mutation changes the update wherever it is finite', () => {
    fc.assert(
      fc.property(
        programAndInputs.chain(([p, inputs]) => fc.tuple(fc.constant(p), fc.constant(inputs), arbNonEquivalentMutation(p))),
        ([p, inputs, q]) => {
          const before = runStep(check(p), inputs).update;
          const after = runStep(check(q), inputs).update;
          // Subnormal float32 values are left out: there u * 0.75 rounds back to u, and w * shift to 0.
          const normal = (x: number) => Number.isFinite(x) && (x === 0 || Math.abs(x) >= 2 ** -126);
          before.forEach((u, i) => {
            if (normal(u) && normal(inputs.w[i]!) && (u !== 0 || inputs.w[i] !== 0)) {
              expect(Object.is(after[i], u)).toBe(false);
            }
          });
        },
      ),
      { numRuns: 400 },
    );
  });

  test('the non-equivalent mutation wraps a return expression', () => {
    const p = parseOptimizer('def f(w, g, lr):\n    return g * lr\n').program;
    expect(printProgram(changeUpdate(p, 1.5, 0.25))).toBe('def f(w, g, lr):\n    return g * lr * 1.5 + w * 0.25\n');
  });
});

const ADAM = `def train(w, g, m, v, lr, step):
    m = interp(g, m, 0.9)
    g2 = square(g)
    v = interp(g2, v, 0.999)
    m_hat = m / (1 - 0.9 ** step)
    v_hat = v / (1 - 0.999 ** step)
    denom = sqrt(v_hat) + 1e-8
    update = m_hat / denom
    lr = lr * 0.001
    update = update * lr
    return update, m, v
`;

const LION = `def train(w, g, m, lr):
    update = interp(g, m, 0.9)
    update = sign(update)
    m = interp(g, m, 0.99)
    update = update + w * 0.01
    update = update * lr
    return update, m
`;

const GOLDEN_SEED_1 = `def train(w, g, m, v, lr):
    v1 = g - v
    v1 = cube(lr)
    v2 = log1p(w)
    v3 = -w
    m = cosh(v)
    v4 = e()
    v5 = -m
    update = arctanh(lr)
    return update, m, v
`;

