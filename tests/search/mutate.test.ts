// Mutation of optimizer programs: golden seeded mutations of AdamW, the modes, the limits, and the
// law that every child checks, round-trips through text and behaves differently from its parent.
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { parseOptimizer, printProgram, Rng, shapeKey, type Program } from '../../src/dsl/index.js';
import { candidateKey } from '../../src/search/candidate-key.js';
import { mutate, textMutator, type MutationContext } from '../../src/search/mutate.js';
import { arbOptimizer } from '../dsl/arbitraries.js';
import { ADAMW, LION_CONTEXT, constantsOf, opsUsed, withMutation } from './fixtures.js';

const ONLY = {
  insert: { insert: 1, delete: 0, modify: 0 },
  delete: { insert: 0, delete: 1, modify: 0 },
  modify: { insert: 0, delete: 0, modify: 1 },
} as const;

function child(parent: Program, seed: number, context: MutationContext = LION_CONTEXT) {
  const result = mutate(parent, Rng.fromSeed(seed), context);
  if (!result.ok) throw new Error(result.reason);
  return result;
}

describe('golden mutations of AdamW', () => {
  test('six chained mutations from seed 2024', () => {
    const rng = Rng.fromSeed(2024);
    let program = ADAMW.program;
    const records = [];
    for (let i = 0; i < 6; i++) {
      const result = mutate(program, rng, LION_CONTEXT);
      if (!result.ok) throw new Error(result.reason);
      records.push(result.mutation);
      program = result.child;
    }
    expect(records).toEqual([
      { kind: 'insert', line: 4, detail: 'insert `m = max(w, lr)`' },
      { kind: 'modify-variable', line: 7, detail: 'sqrt_v → w in `update = m / w`' },
      { kind: 'delete', line: 10, detail: 'delete `lr = lr * 0.001`' },
      { kind: 'modify-variable', line: 8, detail: 'w → g in `wd = g * 0.01`' },
      { kind: 'insert', line: 9, detail: 'insert `wd = log(g2)`' },
      { kind: 'delete', line: 4, detail: 'delete `m = max(w, lr)`' },
    ]);
    expect(printProgram(program)).toBe(
      [
        'def train(w, g, m, v, lr):',
        '    g2 = square(g)',
        '    m = interp(g, m, 0.9)',
        '    v = interp(g2, v, 0.999)',
        '    sqrt_v = sqrt(v)',
        '    update = m / w',
        '    wd = g * 0.01',
        '    wd = log(g2)',
        '    update = update + wd',
        '    update = update * lr',
        '    return update, m, v',
        '',
      ].join('\n'),
    );
  });

  test('insert: a random statement at a random position', () => {
    const result = child(ADAMW.program, 7, withMutation(LION_CONTEXT, { weights: ONLY.insert }));
    expect(result.mutation).toEqual({ kind: 'insert', line: 8, detail: 'insert `update = min(m, 0.5639)`' });
    expect(printProgram(result.child).split('\n').slice(6, 9)).toEqual([
      '    wd = w * 0.01',
      '    update = min(m, 0.5639)',
      '    update = update + wd',
    ]);
  });

  test('delete: one statement goes, the return stays', () => {
    const result = child(ADAMW.program, 7, withMutation(LION_CONTEXT, { weights: ONLY.delete }));
    expect(result.mutation).toEqual({ kind: 'delete', line: 10, detail: 'delete `update = update * lr`' });
    expect(result.child.body).toHaveLength(ADAMW.program.body.length - 1);
    expect(printProgram(result.child)).toContain('    lr = lr * 0.001\n    return update, m, v\n');
  });

  test('modify: one argument becomes another variable of its type', () => {
    const result = child(ADAMW.program, 7, withMutation(LION_CONTEXT, { weights: ONLY.modify }));
    expect(result.mutation).toEqual({ kind: 'modify-variable', line: 10, detail: 'update → m in `update = m * lr`' });
  });

  test('constants-only: one constant is perturbed', () => {
    const result = child(ADAMW.program, 7, withMutation(LION_CONTEXT, { mode: 'constants-only' }));
    expect(result.mutation).toEqual({ kind: 'modify-constant', line: 7, detail: '0.01 → 0.006695 in `wd = w * 0.006695`' });
  });

  test('random: a fresh program with the parent signature', () => {
    const result = child(ADAMW.program, 7, withMutation(LION_CONTEXT, { mode: 'random' }));
    expect(result.mutation).toEqual({ kind: 'random', detail: 'random program of 11 statements' });
    expect(result.child.params.map((p) => p.name)).toEqual(['w', 'g', 'm', 'v', 'lr']);
  });
});

describe('modes and limits', () => {
  test('constants-only children are the parent up to constants', () => {
    const context = withMutation(LION_CONTEXT, { mode: 'constants-only' });
    for (let seed = 0; seed < 30; seed++) {
      const result = child(ADAMW.program, seed, context);
      expect(result.mutation.kind).toBe('modify-constant');
      expect(shapeKey(result.checked)).toBe(shapeKey(ADAMW));
      const changed = constantsOf(result.child).filter((c, i) => c !== constantsOf(ADAMW.program)[i]);
      expect(changed).toHaveLength(1);
    }
  });

  test('constants are clamped to ±limit', () => {
    const context: MutationContext = {
      ...withMutation(LION_CONTEXT, { mode: 'constants-only' }),
      constants: { initial: { mean: 0, std: 100 }, perturb: { replaceProbability: 0.5, scaleLog2Std: 20 }, limit: 2 },
    };
    for (let seed = 0; seed < 30; seed++) {
      for (const c of constantsOf(child(ADAMW.program, seed, context).child)) expect(Math.abs(c)).toBeLessThanOrEqual(2);
    }
  });

  test('insertion is disabled at maxStatements', () => {
    const full = { ...LION_CONTEXT, maxStatements: ADAMW.program.body.length };
    const onlyInsert = mutate(ADAMW.program, Rng.fromSeed(1), withMutation(full, { weights: ONLY.insert, maxRetries: 20 }));
    expect(onlyInsert).toMatchObject({ ok: false, attempts: 20 });
    for (let seed = 0; seed < 30; seed++) {
      expect(child(ADAMW.program, seed, full).child.body.length).toBeLessThanOrEqual(full.maxStatements);
    }
  });

  test('a mutation that cannot succeed gives up after maxRetries with a reason', () => {
    const noConstants = parseOptimizer('def train(w, g, m, lr):\n    m = interp(g, m, lr)\n    update = sign(m)\n    return update, m\n');
    const result = mutate(noConstants.program, Rng.fromSeed(0), withMutation(LION_CONTEXT, { mode: 'constants-only', maxRetries: 50 }));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toMatch(/50 attempts \(mode constants-only\)/);
  });

  test('a parent that does not check is refused', () => {
    const broken: Program = { ...ADAMW.program, body: ADAMW.program.body.slice(1) }; // g2 is read, never assigned
    expect(mutate(broken, Rng.fromSeed(0), LION_CONTEXT)).toMatchObject({ ok: false, attempts: 0 });
  });

  test('textMutator works on canonical text and is deterministic', () => {
    const mutateText = textMutator(LION_CONTEXT);
    const text = printProgram(ADAMW.program);
    const a = mutateText(text, Rng.fromSeed(5));
    const b = mutateText(text, Rng.fromSeed(5));
    expect(a).toEqual(b);
    expect(a.ok && printProgram(parseOptimizer(a.program).program)).toBe(a.ok && a.program);
    expect(mutateText('def train(w, g, lr):\n    return', Rng.fromSeed(0)).ok).toBe(false);
  });
});

describe('laws of mutation', () => {
  const small: MutationContext = { ...LION_CONTEXT, maxStatements: 8 };
  const contexts: MutationContext[] = [
    small,
    withMutation(small, { mode: 'constants-only' }),
    withMutation(small, { mode: 'random' }),
    withMutation(small, { weights: { insert: 3, delete: 1, modify: 1 } }),
  ];
  const parents = arbOptimizer({ params: ['w', 'g', 'm', 'v', 'lr'], functions: ['interp', 'sign', 'sqrt', 'square', 'abs', 'exp'], statements: [1, 10] });

  test('every child checks, round-trips print/parse, differs from its parent, and stays in the space', () => {
    fc.assert(
      fc.property(parents, fc.integer(), fc.constantFrom(...contexts), (parent, seed, context) => {
        const result = mutate(parent, Rng.fromSeed(seed), withMutation(context, { maxRetries: 200 }));
        if (!result.ok) return; // e.g. constants-only on a program without constants
        const text = printProgram(result.child);
        const reparsed = parseOptimizer(text);
        expect(printProgram(reparsed.program)).toBe(text);
        const parentPrint = candidateKey(parseOptimizer(printProgram(parent))).fingerprint;
        expect(candidateKey(reparsed)).toEqual(result.key);
        expect(result.key.fingerprint).not.toBe(parentPrint);
        expect(result.child.body.length).toBeLessThanOrEqual(Math.max(context.maxStatements, parent.body.length));
        // New ops come from the function set; what the parent already used may stay.
        const inherited = opsUsed(parent);
        for (const op of opsUsed(result.child)) if (!inherited.has(op)) expect(context.functions).toContain(op);
      }),
      { numRuns: 150 },
    );
  });
});
