// ANCHORS §7.2 on blocks: the squared-ReLU probe, the DConv Jacobian test, and the block's cost.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { blockCost, classifyBlock, parseBlock, probeActivation } from '../../src/dsl/index.js';

const file = (name: string) => parseBlock(readFileSync(`dsl/blocks/${name}.dsl`, 'utf8'), `${name}.dsl`);
const vanillaWith = (from: string, to: string) => parseBlock(readFileSync('dsl/blocks/transformer.dsl', 'utf8').replace(from, to));

describe('block classifier', () => {
  it('finds both Primer changes in primer.dsl and neither in transformer.dsl', () => {
    const primer = classifyBlock(file('primer'));
    expect(primer.verdict).toBe('primer-like');
    expect(primer.activations).toEqual([expect.objectContaining({ kind: 'squared-relu' })]);
    expect(primer.attention).toEqual([
      ['q', 'k', 'v'].map((input) => ({ input, offsets: [0, 1, 2], depthwise: true, causal: true, projected: true })),
    ]);
    const vanilla = classifyBlock(file('transformer'));
    expect(vanilla).toMatchObject({ verdict: 'not primer-like', squaredRelu: false, dconv3: false, dconvOther: false });
    expect(vanilla.activations.map((a) => a.kind)).toEqual(['relu']);
    expect(vanilla.attention[0]!.map((p) => p.offsets)).toEqual([[0], [0], [0]]);
  });

  it('counts any way of writing squared ReLU, and only that', () => {
    const relu = 'relu(dense(layer_norm(x), 4 * width))';
    const forms = [`square(${relu})`, `square(max(dense(layer_norm(x), 4 * width), 0))`];
    for (const form of forms) expect(classifyBlock(vanillaWith(relu, form)).squaredRelu, form).toBe(true);
    const product = vanillaWith(`f = ${relu}`, `r = ${relu}\n    f = r * r * 3`);
    expect(classifyBlock(product).squaredRelu).toBe(true);
    // Two calls of dense are two projections: their product is not an activation of one.
    expect(classifyBlock(vanillaWith(relu, `${relu} * ${relu}`)).squaredRelu).toBe(false);
    for (const form of [`gelu(dense(layer_norm(x), 4 * width))`, `square(dense(layer_norm(x), 4 * width))`, `${relu} * 2`]) {
      expect(classifyBlock(vanillaWith(relu, form)).squaredRelu, form).toBe(false);
    }
    expect(probeActivation((x) => Math.max(x, 0) ** 2).kind).toBe('squared-relu');
    expect(probeActivation((x) => Math.max(x, 0)).kind).toBe('relu');
    expect(probeActivation((x) => x * x).kind).toBe('other');
  });

  it('tells a width-3 DConv on all of q, k and v from other widths and from only some inputs', () => {
    const primerText = readFileSync('dsl/blocks/primer.dsl', 'utf8');
    const wider = classifyBlock(parseBlock(primerText.replace(/, 3\)/g, ', 7)')));
    expect(wider).toMatchObject({ dconv3: false, dconvOther: true, verdict: 'partial' });
    expect(wider.attention[0]![0]!.offsets).toEqual([0, 1, 2, 3, 4, 5, 6]);
    const qOnly = classifyBlock(vanillaWith('q = dense(h, width)', 'q = dconv(dense(h, width), 3)'));
    expect(qOnly).toMatchObject({ dconv3: false, verdict: 'not primer-like' });
    // An activation after the projection keeps it a projection; a chain of two width-2 convs is width 3.
    const chained = vanillaWith('q = dense(h, width)\n    k = dense(h, width)\n    v = dense(h, width)',
      'q = dconv(dconv(dense(h, width), 2), 2)\n    k = dconv(dense(h, width) * 2, 3)\n    v = dconv(dense(h, width), 3)');
    expect(classifyBlock(chained).dconv3).toBe(true);
    const mixed = vanillaWith('v = dense(h, width)', 'v = dense(h, width) + dconv(q, 3)');
    expect(classifyBlock(mixed).attention[0]![2]!.projected).toBe(false);
  });
});

describe('block cost', () => {
  it('counts the twin’s block parameters and FLOPs per token', () => {
    const D = 64;
    const vanilla = blockCost(file('transformer'), D, 64);
    expect(vanilla.parameters).toBe(12 * D * D + 9 * D + 4 * D);
    const primer = blockCost(file('primer'), D, 64);
    expect(primer.parameters - vanilla.parameters).toBe(3 * 3 * D);
    expect(primer.flopsPerToken).toBeGreaterThan(vanilla.flopsPerToken);
    expect(vanilla.flopsPerToken).toBeGreaterThan(2 * 12 * D * D);
  });
});
