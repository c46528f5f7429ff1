// The fast cpu backend against the reference interpreter: bit for bit on random programs, sizes and states, with offsets.
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  BINARY_OP_NAMES, NO_POS, buildOptimizer, checkOptimizer, ErrorSink, OP_NAMES, OPS, parseOptimizer, printProgram, Rng, runStep,
  type Assign, type CheckedOptimizer, type OpName, type OpSpec, type Program, type StepInputs,
} from '../../src/dsl/index.js';
import { compileOptimizer, CPU_CHUNK, CpuOptimizer, lowerOptimizer, type OutputMode } from '../../src/compile/index.js';
import { bitsOf, cpuOptimizer, stepArrays } from './cpu-helpers.js';

/** Every value the float32 rules treat specially, beside ordinary ones. */
const SPECIAL = [0, -0, NaN, Infinity, -Infinity, 1, -1, 1e30, -1e30, 1e-30, 1e-40, -1e-40, 3.4e38].map(Math.fround);

/** A vector mixing normal values of two scales with, sometimes, special ones. */
function vector(rng: Rng, n: number, specials: number): Float32Array {
  return Float32Array.from({ length: n }, () =>
    rng.chance(specials) ? rng.pick(SPECIAL) : Math.fround(rng.normal() * (rng.chance(0.2) ? 1e-3 : 1)),
  );
}

/**
 * A random program; with `aliases`, statements like `m = v` or `update = g` are appended, so that
 * outputs share values with each other and with the step's own tensors (the writes' hard cases).
 */
function randomChecked(seeds: readonly number[], params: readonly string[], aliases = 0): { checked: CheckedOptimizer; text: string } {
  const generated = buildOptimizer(seeds.map((s) => Rng.fromSeed(s)), { params });
  const rng = Rng.fromSeed(aliases);
  const readable = [...new Set([...params, ...generated.body.map((a) => a.target)])];
  const targets = ['update', ...params.filter((p) => !['w', 'g', 'lr', 'step'].includes(p))];
  const copies: Assign[] = aliases === 0 ? [] : targets
    .filter(() => rng.chance(0.5))
    .map((target) => ({ kind: 'assign', target, value: { kind: 'name', id: rng.pick(readable), pos: NO_POS }, pos: NO_POS }));
  const program: Program = { ...generated, body: [...generated.body, ...copies] };
  const text = printProgram(program);
  return { checked: checkOptimizer(program, new ErrorSink('<generated>', text)), text };
}

const SIGNATURES = [['w', 'g', 'lr'], ['w', 'g', 'm', 'lr'], ['w', 'g', 'm', 'v', 'lr', 'step'], ['w', 'g', 'm', 'v', 'u', 'lr']];
const SIZES = fc.oneof(
  fc.constantFrom(0, 1, 2, 3, 5, 63, 64, 65, CPU_CHUNK - 1, CPU_CHUNK, CPU_CHUNK + 1),
  fc.integer({ min: 0, max: 3 * CPU_CHUNK + 7 }),
);

describe('cpu backend against runStep', () => {
  it('gives runStep\'s bits on random programs, sizes and states over several steps', async () => {
    const arbitrary = fc.record({
      params: fc.constantFrom(...SIGNATURES),
      seeds: fc.array(fc.integer(), { minLength: 1, maxLength: 10 }),
      aliases: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 1000 })),
      n: SIZES,
      seed: fc.integer(),
      specials: fc.constantFrom(0, 0.02, 0.3),
      output: fc.constantFrom<OutputMode>('update', 'weight', 'both'),
    });
    await fc.assert(
      fc.asyncProperty(arbitrary, async ({ params, seeds, aliases, n, seed, specials, output }) => {
        const { checked, text } = randomChecked(seeds, params, aliases);
        const optimizer = new CpuOptimizer(lowerOptimizer(checked, { output }));
        const rng = Rng.fromSeed(seed);
        let reference: StepInputs = { w: vector(rng, n, specials), g: new Float32Array(n), lr: 0.01, step: 1, slots: checked.signature.slots.map(() => vector(rng, n, specials)) };
        const arrays = stepArrays(reference, output);
        for (let step = 1; step <= 3; step++) {
          const g = vector(rng, n, specials);
          const lr = Math.fround(rng.normal() * 0.1);
          reference = { ...reference, g, lr, step };
          const expected = runStep(checked, reference);
          arrays.g.set(g);
          optimizer.stepSync(arrays, lr, step);
          const context = `${text}\nn = ${n}, step ${step}, output ${output}`;
          if (output !== 'weight') expect(bitsOf(arrays.update!), context).toEqual(bitsOf(expected.update));
          expect(arrays.slots.map(bitsOf), context).toEqual(expected.slots.map(bitsOf));
          const w = reference.w.map((x, i) => x - expected.update[i]!);
          if (output !== 'update') expect(bitsOf(arrays.w), context).toEqual(bitsOf(w));
          // Both carry the interpreter's state; w follows the backend when it does not write w.
          reference = { ...reference, w: output === 'update' ? reference.w : w, slots: expected.slots.map((s) => Float32Array.from(s)) };
        }
      }),
      { numRuns: Number(process.env['SYMEVO_PROPERTY_RUNS'] ?? 300), seed: Number(process.env['SYMEVO_PROPERTY_SEED'] ?? 20240611) },
    );
  });

  it('steps elements [offset, offset + n) alone and gives the bits of a step on that range', async () => {
    const arbitrary = fc.record({
      params: fc.constantFrom(...SIGNATURES),
      seeds: fc.array(fc.integer(), { minLength: 1, maxLength: 8 }),
      n: SIZES,
      offset: fc.integer({ min: 0, max: 3 * CPU_CHUNK }),
      after: fc.integer({ min: 0, max: 100 }),
      seed: fc.integer(),
    });
    await fc.assert(
      fc.asyncProperty(arbitrary, async ({ params, seeds, n, offset, after, seed }) => {
        const { checked, text } = randomChecked(seeds, params);
        const optimizer = new CpuOptimizer(lowerOptimizer(checked, { output: 'both' }));
        const rng = Rng.fromSeed(seed);
        const total = offset + n + after;
        const whole = () => vector(rng, total, 0.02);
        const w = whole();
        const g = whole();
        const slots = checked.signature.slots.map(whole);
        const update = whole();
        const before = [w, g, update, ...slots].map((a) => Float32Array.from(a));
        optimizer.stepSync({ n, offset, w, g, slots, update }, 0.05, 2);
        const range = (a: Float32Array) => a.slice(offset, offset + n);
        const inside: StepInputs = { w: range(before[0]!), g: range(before[1]!), lr: 0.05, step: 2, slots: before.slice(3).map(range) };
        const expected = runStep(checked, inside);
        expect(bitsOf(range(update)), text).toEqual(bitsOf(expected.update));
        expect(slots.map(range).map(bitsOf), text).toEqual(expected.slots.map(bitsOf));
        expect(bitsOf(range(w)), text).toEqual(bitsOf(inside.w.map((x, i) => x - expected.update[i]!)));
        // Outside the range nothing changes.
        [w, g, update, ...slots].forEach((a, k) => {
          const outside = (x: Float32Array) => [...bitsOf(x.subarray(0, offset)), ...bitsOf(x.subarray(offset + n))];
          expect(outside(a), text).toEqual(outside(before[k]!));
        });
      }),
      { numRuns: Number(process.env['SYMEVO_PROPERTY_RUNS'] ?? 100), seed: Number(process.env['SYMEVO_PROPERTY_SEED'] ?? 20240611) },
    );
  });
});

/** Every map op with every mix of scalar (lr, step) and tensor (g, m, w) operands but all-scalar. */
function opForms(): { op: OpName; source: string }[] {
  const operator = new Map<OpName, string>(Object.entries(BINARY_OP_NAMES).map(([symbol, op]) => [op, symbol]));
  const forms: { op: OpName; source: string }[] = [];
  for (const op of OP_NAMES) {
    const spec: OpSpec = OPS[op];
    if (spec.kind !== 'map') continue;
    for (let mask = 0; mask < 2 ** spec.arity - 1; mask++) {
      const args = Array.from({ length: spec.arity }, (_, i) => ((mask >> i) & 1 ? ['lr', 'step', 'lr'][i]! : ['g', 'm', 'w'][i]!));
      const call = op === 'negative' ? `-${args[0]}` : operator.has(op) ? `${args[0]} ${operator.get(op)} ${args[1]}` : `${op}(${args.join(', ')})`;
      forms.push({ op, source: `def f(w, g, m, lr, step):\n    update = ${call}\n    return update, m\n` });
    }
  }
  return forms;
}

describe('cpu backend op by op', () => {
  it.each(opForms())('$op: runStep\'s bits in the form $source', ({ source }) => {
    const checked = parseOptimizer(source);
    const optimizer = cpuOptimizer(checked);
    const rng = Rng.fromSeed(source.length);
    const n = 3 * SPECIAL.length ** 2;
    // Every pair of special values meets in (g, m), beside random ones; w is random with specials.
    const g = Float32Array.from({ length: n }, (_, i) => (i < SPECIAL.length ** 2 ? SPECIAL[i % SPECIAL.length]! : Math.fround(rng.normal() * 2)));
    const m = Float32Array.from({ length: n }, (_, i) => (i < SPECIAL.length ** 2 ? SPECIAL[Math.floor(i / SPECIAL.length)]! : Math.fround(rng.normal() * 2)));
    const w = vector(rng, n, 0.3);
    for (const lr of [...SPECIAL, 0.5, -2.5, 0.1, 0.999, 1.7]) {
      for (const step of [1, 0, -0.5, 3]) {
        const inputs: StepInputs = { w, g, lr, step, slots: [m] };
        const expected = runStep(checked, inputs);
        const out = stepArrays(inputs, 'update');
        optimizer.stepSync(out, lr, step);
        expect(bitsOf(out.update!), `lr ${lr}, step ${step}`).toEqual(bitsOf(expected.update));
      }
    }
  });
});

describe('cpu backend outputs', () => {
  const cases: [string, string][] = [
    ['slots swapped', 'def f(w, g, m, v, lr):\n    t = m\n    m = v\n    v = t\n    update = g * lr\n    return update, m, v\n'],
    ['a slot takes the gradient, the update a slot', 'def f(w, g, m, v, lr):\n    update = m\n    m = g\n    v = v * 0.5 + m\n    return update, m, v\n'],
    ['the update is the weight', 'def f(w, g, m, lr):\n    update = w\n    m = w\n    return update, m\n'],
    ['scalar update and state', 'def f(w, g, m, lr, step):\n    update = lr * 0.5\n    m = step + lr\n    return update, m\n'],
    ['a node in two outputs', 'def f(w, g, m, v, lr):\n    m = interp(g, m, 0.9)\n    update = m\n    v = m\n    return update, m, v\n'],
    ['a node in two outputs, in place in the second only', 'def f(w, g, m, v, lr):\n    old = m\n    m = interp(g, m, 0.9)\n    v = m\n    update = m + old\n    return update, m, v\n'],
    ['the old state read after the new is made', 'def f(w, g, m, lr):\n    old = m\n    m = interp(g, m, 0.9)\n    update = m + old\n    return update, m\n'],
    ['reductions of reductions', 'def f(w, g, m, lr):\n    m = interp(g, m, 0.9)\n    c = clip_by_norm(m, rms(g) + mean(w))\n    update = c * cosine_sim(g, m) * lr\n    return update, m\n'],
  ];

  it.each(cases)('%s: runStep\'s bits in every output mode', async (_, source) => {
    const checked = parseOptimizer(source);
    for (const output of ['update', 'weight', 'both'] as const) {
      for (const n of [1, 7, CPU_CHUNK + 3]) {
        const rng = Rng.fromSeed(n);
        const inputs: StepInputs = { w: vector(rng, n, 0.05), g: vector(rng, n, 0.05), lr: 0.1, step: 3, slots: checked.signature.slots.map(() => vector(rng, n, 0.05)) };
        const expected = runStep(checked, inputs);
        const out = await cpuOptimizer(checked, output).run(inputs);
        if (output !== 'weight') expect(bitsOf(out.update!)).toEqual(bitsOf(expected.update));
        if (output !== 'update') expect(bitsOf(out.weight!)).toEqual(bitsOf(inputs.w.map((x, i) => x - expected.update[i]!)));
        expect(out.slots.map(bitsOf)).toEqual(expected.slots.map(bitsOf));
      }
    }
  });

  it('leaves dead state unwritten when asked', async () => {
    const checked = parseOptimizer(readFileSync('dsl/optimizers/lion-program4.dsl', 'utf8'));
    const rng = Rng.fromSeed(5);
    const inputs: StepInputs = { w: vector(rng, 100, 0), g: vector(rng, 100, 0), lr: 0.5, step: 1, slots: checked.signature.slots.map(() => vector(rng, 100, 0)) };
    const lean = await compileOptimizer(checked, { backend: 'cpu', dropDeadState: true });
    if (!lean.ok) throw new Error(lean.reason);
    const out = await lean.optimizer.run(inputs);
    expect(out.slots[0]).toEqual(inputs.slots[0]);
    expect(bitsOf(out.update!)).toEqual(bitsOf(runStep(checked, inputs).update));
  });

  it('rejects an offset that is negative, fractional or runs past a tensor', async () => {
    const checked = parseOptimizer(readFileSync('dsl/optimizers/lion.dsl', 'utf8'));
    const optimizer = cpuOptimizer(checked, 'weight');
    const t = (length: number) => new Float32Array(length);
    await expect(optimizer.step({ n: 10, offset: -1, w: t(20), g: t(20), slots: [t(20)] }, 0.1, 1)).rejects.toThrow(/offset/);
    await expect(optimizer.step({ n: 10, offset: 1.5, w: t(20), g: t(20), slots: [t(20)] }, 0.1, 1)).rejects.toThrow(/offset/);
    expect(() => optimizer.stepSync({ n: 10, offset: 11, w: t(20), g: t(20), slots: [t(21)] }, 0.1, 1)).toThrow(/'w' holds 20 elements, fewer than offset \+ n = 11 \+ 10/);
    optimizer.stepSync({ n: 10, offset: 10, w: t(20), g: t(20), slots: [t(20)] }, 0.1, 1);
  });
});
