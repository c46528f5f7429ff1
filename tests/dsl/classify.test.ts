// The Lion-likeness classifier on the seed optimizers and on Lion written in other ways.
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { asWritten } from '../../src/dsl/classify.js';
import { classifyOptimizer, parseOptimizer, type Classification, type ClassifyTestName } from '../../src/dsl/index.js';

const seed = (name: string) => parseOptimizer(readFileSync(`dsl/optimizers/${name}.dsl`, 'utf8'), `${name}.dsl`);
const program = (body: string, params = 'w, g, m, lr', ret = 'update, m') =>
  parseOptimizer(`def train(${params}):\n${body.trim().split('\n').map((l) => `    ${l.trim()}`).join('\n')}\n    return ${ret}\n`, 'test.dsl');
const test = (c: Classification, name: ClassifyTestName) => c.tests.find((t) => t.name === name)!;
const passes = (c: Classification) => Object.fromEntries(c.tests.map((t) => [t.name, t.pass]));

const SLOW = 60_000;
const cache = new Map<string, Classification>();
/** Each seed is classified once (about a second each) and shared by the tests that read it. */
const classified = (name: string) => cache.get(name) ?? cache.set(name, classifyOptimizer(seed(name))).get(name)!;

describe('classifyOptimizer on the seed programs', () => {
  it('finds Lion lion-like, structurally and by behaviour, with its own constants', () => {
    const c = classified('lion');
    expect(c.verdict).toBe('lion-like');
    expect(passes(c)).toEqual({
      structural: true,
      behavioural: true,
      'scale-invariance': true,
      'constant-magnitude': true,
      'live-state': true,
    });
    expect(c.structural!.beta1).toBeCloseTo(0.9, 6);
    expect(c.structural!.beta2).toBeCloseTo(0.99, 6);
    expect(c.structural!.lambda).toBeCloseTo(0.1, 5);
    expect(c.structural!.c).toBeCloseTo(0.0003, 8);
    expect(Math.abs(c.fitted.beta1 - 0.9)).toBeLessThan(0.01);
    expect(Math.abs(c.fitted.beta2 - 0.99)).toBeLessThan(0.002);
    expect(c.fitted.signAgreement).toBeGreaterThan(0.999);
  }, SLOW);

  it('finds Program 4 lion-like by behaviour, with β1 ≈ 0.9 and β2 ≈ 0.997', () => {
    const c = classified('lion-program4');
    expect(c.verdict).toBe('lion-like');
    // arcsin(clip(g, lr)) stands where Lion reads g, so the shape is not Lion's.
    expect(test(c, 'structural')).toMatchObject({ pass: false });
    expect(test(c, 'structural').detail).toContain('arcsin(clip(g, lr))');
    expect(test(c, 'behavioural').pass).toBe(true);
    expect(Math.abs(c.fitted.beta1 - 0.9)).toBeLessThan(0.015);
    expect(Math.abs(c.fitted.beta2 - 0.997)).toBeLessThan(0.001);
    expect(c.fitted.lambda).toBeCloseTo(0.4602, 2);
    expect(c.fitted.c).toBeCloseTo(0.0002, 6);
    expect(test(c, 'live-state').detail).toBe('1 live state slot (v)');
  }, SLOW);

  it('rejects signum (β1 = β2) by the β2 > β1 rule, though its properties are Lion’s', () => {
    const c = classified('signum');
    expect(c.verdict).toBe('not-lion-like');
    expect(passes(c)).toMatchObject({ structural: false, behavioural: false, 'scale-invariance': true, 'constant-magnitude': true });
    expect(test(c, 'structural').detail).toContain('β2 = 0.9 is not above β1 = 0.9');
    expect(test(c, 'behavioural').detail).toMatch(/one β = 0\.[89]\d* explains .* so β2 > β1 is not shown/);
  }, SLOW);

  it.each(['adamw', 'adam', 'sgd', 'momentum', 'rmsprop'])('rejects %s', (name) => {
    const c = classified(name);
    expect(c.verdict).toBe('not-lion-like');
    expect(test(c, 'structural').pass).toBe(false);
    expect(test(c, 'behavioural').pass).toBe(false);
    expect(test(c, 'constant-magnitude').pass).toBe(false);
  }, SLOW);

  it('reports AdamW with its two live slots and a varying update size', () => {
    const c = classified('adamw');
    expect(test(c, 'structural').detail).toBe('2 live state slots (m, v); Lion carries exactly one');
    expect(test(c, 'live-state')).toEqual({ name: 'live-state', pass: false, detail: '2 live state slots (m, v)' });
    expect(test(c, 'behavioural').detail).toContain('updates match F on less than 99.50%');
  }, SLOW);

  it('is deterministic', () => {
    expect(classifyOptimizer(seed('lion-program4'))).toEqual(classified('lion-program4'));
  }, SLOW);
});

describe('classifyOptimizer on Lion written other ways', () => {
  it('matches the structure with swapped interps, a dead slot, x/|x| and lr scaled last', () => {
    const c = classifyOptimizer(
      program(
        `
        x = interp(m, g, 0.05)
        update = x / abs(x)
        m = interp(m, g, 0.02)
        v = cosh(update)
        update = update - w * 0.3
        update = update * lr * 0.001`,
        'w, g, m, v, lr',
        'update, m, v',
      ),
    );
    expect(c.verdict).toBe('lion-like');
    expect(test(c, 'structural').pass).toBe(true);
    expect(c.structural!.beta1).toBeCloseTo(0.95, 6);
    expect(c.structural!.beta2).toBeCloseTo(0.98, 6);
    expect(c.structural!.lambda).toBeCloseTo(-0.3, 5);
    expect(c.structural!.c).toBeCloseTo(0.001, 8);
  }, SLOW);

  it('passes by behaviour alone when the momentum is written out instead of interp', () => {
    const c = classifyOptimizer(
      program(`
        update = sign(m * 0.9 + g * 0.1) * lr * 0.0003
        m = m * 0.99 + g * 0.01`),
    );
    expect(passes(c)).toMatchObject({ structural: false, behavioural: true });
    expect(c.verdict).toBe('lion-like');
  }, SLOW);

  it('rejects Lion constants outside the ranges, naming them', () => {
    const c = classifyOptimizer(
      program(`
        update = sign(interp(g, m, 0.5)) * lr
        m = interp(g, m, 0.99)`),
    );
    expect(c.verdict).toBe('not-lion-like');
    expect(test(c, 'structural').detail).toContain('β1 = 0.5 is outside [0.8, 0.97]');
    expect(test(c, 'behavioural').pass).toBe(false);
  }, SLOW);

  it('rejects an update that climbs the gradient', () => {
    const c = classifyOptimizer(
      program(`
        update = sign(interp(g, m, 0.9)) * lr * -0.001
        m = interp(g, m, 0.99)`),
    );
    expect(c.verdict).toBe('not-lion-like');
    expect(test(c, 'structural').detail).toContain('c = -0.001 is not positive');
  }, SLOW);

  it('fails cleanly on a program whose updates are not finite', () => {
    const c = classifyOptimizer(program('update = log(g - g) * lr\nm = m', 'w, g, m, lr'));
    expect(c.verdict).toBe('not-lion-like');
    expect(test(c, 'behavioural').pass).toBe(false);
    expect(test(c, 'constant-magnitude').pass).toBe(false);
  }, SLOW);
});

describe('classifyOptimizer at the edge of the β2 range', () => {
  const fixture = () =>
    parseOptimizer(readFileSync('tests/fixtures/optimizers/lion-beta2-0999.dsl', 'utf8'), 'lion-beta2-0999.dsl');

  it('calls Lion with β2 = 0.999 in AdamW’s signature lion-like, structurally and by behaviour', () => {
    const c = classifyOptimizer(fixture());
    expect(c.verdict).toBe('lion-like');
    expect(passes(c)).toMatchObject({ structural: true, behavioural: true });
    // Compared as written: 0.999, not the float32 0.99900001 that lies outside [0.95, 0.999].
    expect(c.structural!.beta2).toBe(0.999);
    expect(c.structural!.beta1).toBe(0.9);
    // Read off v's own trajectory; the probe's signs alone put it near 0.9996.
    expect(Math.abs(c.fitted.beta2 - 0.999)).toBeLessThan(1e-5);
    expect(Math.abs(c.fitted.beta1 - 0.9)).toBeLessThan(0.005);
    expect(test(c, 'behavioural').detail).toContain('β2 = 0.999,');
  }, SLOW);

  it('calls the mutant of the AdamW seed on the path there lion-like too', () => {
    // adamw.dsl with `update = sign(m)` inserted, v's interp reading g and m's reading v.
    const c = classifyOptimizer(
      program(
        `
        g2 = square(g)
        m = interp(g, v, 0.9)
        v = interp(g, v, 0.999)
        sqrt_v = sqrt(v)
        update = m / sqrt_v
        update = sign(m)
        wd = w * 0.01
        update = update + wd
        lr = lr * 0.001
        update = update * lr`,
        'w, g, m, v, lr',
        'update, m, v',
      ),
    );
    expect(c.verdict).toBe('lion-like');
    expect(passes(c)).toMatchObject({ structural: true, behavioural: true, 'live-state': true });
  }, SLOW);

  it('still rejects a β2 just above the range, written as such', () => {
    const c = classifyOptimizer(
      program(`
        update = sign(interp(g, m, 0.9)) * lr * 0.001
        m = interp(g, m, 0.9991)`),
    );
    expect(c.verdict).toBe('not-lion-like');
    expect(test(c, 'structural').detail).toContain('β2 = 0.9991 is outside [0.95, 0.999]');
    expect(test(c, 'behavioural').detail).toContain('β2 = 0.9991 is outside');
  }, SLOW);

  it('reads constants as written: the shortest decimal with the same float32 value', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 999_999 }), fc.integer({ min: -8, max: 3 }), (mantissa, exponent) => {
        const written = Number(`${mantissa}e${exponent}`);
        return asWritten(Math.fround(written)) === written && asWritten(written) === written;
      }),
    );
  });
});
