// Block identity: print/parse round trip, the simplifier, the behavioural fingerprint and the shape key.
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  blockFingerprint,
  blockShapeKey,
  buildBlockGraph,
  evaluateBlock,
  parseBlock,
  printProgram,
  randomBlock,
  randomWeights,
  Rng,
  simplifyBlock,
  withoutPositions,
  type BlockDims,
  type CheckedBlock,
  type WeightSource,
} from '../../src/dsl/index.js';

const block = (...lines: string[]) => parseBlock(`def block(x):\n${lines.map((l) => `    ${l}\n`).join('')}`);
const file = (name: string) => parseBlock(readFileSync(`dsl/blocks/${name}.dsl`, 'utf8'), `${name}.dsl`);
const seeded = (seed: number, statements = 6) => {
  const program = randomBlock(Rng.fromSeed(seed), { statements });
  return parseBlock(printProgram(program), `<random ${seed}>`);
};
const seeds = fc.integer({ min: 0, max: 2 ** 31 - 1 });

/** Weights by call site, so a graph and its simplified form are run with the same weights. */
const bySite: WeightSource = (node, fin) =>
  randomWeights(node.site!, node.op as 'dense' | 'layer_norm' | 'dconv', fin, Math.round(node.width * 16), node.attr);
const dims: BlockDims = { width: 16, seq: 8, rows: 16 };
const input = (() => {
  const rng = Rng.fromSeed(3);
  return Float64Array.from({ length: dims.rows * dims.width }, () => rng.normal());
})();

describe('block text', () => {
  it('parse(print(b)) equals b for random blocks', () => {
    fc.assert(
      fc.property(seeds, fc.integer({ min: 1, max: 10 }), (seed, n) => {
        const checked = seeded(seed, n);
        const again = parseBlock(printProgram(checked.program));
        expect(withoutPositions(again.program)).toEqual(withoutPositions(checked.program));
      }),
      { numRuns: 200 },
    );
  });

  it('random blocks check at several lengths', () => {
    fc.assert(fc.property(seeds, fc.integer({ min: 0, max: 20 }), (seed, n) => void seeded(seed, n)), { numRuns: 300 });
  });
});

describe('block simplifier', () => {
  it('writes the vanilla block canonically', () => {
    expect(printProgram(simplifyBlock(file('transformer')).checked.program)).toBe(
      [
        'def block(x):',
        '    h1 = layer_norm(x)',
        '    h2 = attention(dense(h1, width), dense(h1, width), dense(h1, width), heads=4)',
        '    h3 = x + dense(h2, width)',
        '    return dense(relu(dense(layer_norm(h3), 4 * width)), width) + h3',
        '',
      ].join('\n'),
    );
  });

  it('folds constants, scaling chains, negations and idempotent activations, and drops dead code', () => {
    const b = block('d = dense(x, 2 * width)', 'y = relu(relu(abs(-x))) * 2 * 0.25 - 0 + 1 / 4', 'z = -(-square(abs(y)))', 'return max(z, z) / 2');
    expect(printProgram(simplifyBlock(b).checked.program)).toBe('def block(x):\n    return square(abs(x) * 0.5 + 0.25) * 0.5\n');
  });

  it('keeps the meaning: the raw and the simplified graph agree on random blocks with the same weights', () => {
    fc.assert(
      fc.property(seeds, (seed) => {
        const checked = seeded(seed, 8);
        const raw = evaluateBlock(buildBlockGraph(checked, { simplify: false }), input, dims, bySite);
        const simple = evaluateBlock(buildBlockGraph(checked), input, dims, bySite);
        raw.forEach((v, i) => expect(simple[i]).toBeCloseTo(v, 9));
      }),
      { numRuns: 60 },
    );
  });

  it('is idempotent and keeps the fingerprint', () => {
    fc.assert(
      fc.property(seeds, (seed) => {
        const checked = seeded(seed, 8);
        const once = simplifyBlock(checked).checked;
        const twice = simplifyBlock(once).checked;
        expect(printProgram(twice.program)).toBe(printProgram(once.program));
        expect(blockFingerprint(once)).toBe(blockFingerprint(checked));
      }),
      { numRuns: 40 },
    );
  });
});

describe('block fingerprint and shape key', () => {
  const vanilla = file('transformer');
  const primer = file('primer');

  it('is equal for renamed, reordered, commuted and dead-code variants', () => {
    const variant = block(
      'n = layer_norm(x)',
      'unused = dense(n, 4 * width)',
      'query = dense(n, width)',
      'key = dense(n, width)',
      'value = dense(n, width)',
      'r = dense(attention(query, key, value, heads=4), width) + x',
      'g = relu(dense(layer_norm(r), 4 * width))',
      'return dense(g, width) + r',
    );
    expect(blockFingerprint(variant)).toBe(blockFingerprint(vanilla));
    expect(blockShapeKey(variant)).toBe(blockShapeKey(vanilla));
  });

  it('tells apart the changes a Primer search makes', () => {
    const prints = new Set(
      [
        vanilla,
        primer,
        parseBlock(readFileSync('dsl/blocks/primer.dsl', 'utf8').replace(/dconv\((.*?), 3\)/g, 'dconv($1, 7)')),
        parseBlock(readFileSync('dsl/blocks/transformer.dsl', 'utf8').replace('relu(', 'square(relu(').replace('4 * width))', '4 * width)))')),
        parseBlock(readFileSync('dsl/blocks/transformer.dsl', 'utf8').replace('relu(', 'gelu(')),
        parseBlock(readFileSync('dsl/blocks/transformer.dsl', 'utf8').replace('heads=4', 'heads=2')),
        parseBlock(readFileSync('dsl/blocks/transformer.dsl', 'utf8').replace('4 * width', '2 * width')),
      ].map(blockFingerprint),
    );
    expect(prints.size).toBe(7);
  });

  it('the shape key ignores constants but not widths, taps or heads', () => {
    expect(blockShapeKey(block('return x + relu(x) * 0.5'))).toBe(blockShapeKey(block('return x + relu(x) * 3')));
    expect(blockFingerprint(block('return x + relu(x) * 0.5'))).not.toBe(blockFingerprint(block('return x + relu(x) * 3')));
    expect(blockShapeKey(block('return dconv(x, 3)'))).not.toBe(blockShapeKey(block('return dconv(x, 7)')));
    expect(blockShapeKey(vanilla)).not.toBe(blockShapeKey(primer));
  });

  it('sees a dconv even where the training init would make it the identity', () => {
    expect(blockFingerprint(block('return dconv(x, 1)'))).not.toBe(blockFingerprint(block('return x')));
  });

  it('is the same across calls (fixed probe)', () => {
    const a: CheckedBlock = file('primer');
    expect(blockFingerprint(a)).toBe(blockFingerprint(file('primer')));
    expect(blockFingerprint(a)).toMatch(/^[0-9a-f]{16}$/);
  });
});
