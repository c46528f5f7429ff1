// The charlm task's data against its PyTorch twin: vocabulary, split, token ids, initial weights and batch windows.
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { charLmInitialParameters, charLmModel, CHARLM_SIZE } from '../../src/tasks/charlm-model.js';
import { evaluationStarts, windowIds, windowStarts } from '../../src/tasks/data/char-windows.js';
import { mobyDickCorpus, tokenise } from '../../src/tasks/data/moby-dick.js';
import { layoutTensor, TENSOR_ALIGNMENT } from '../../src/tasks/layout.js';
import { committedHashes, liveHashes, REQUIRE_TOOLS, twinMissing, type TwinHashes } from './charlm-twin.js';

const sha256 = (a: ArrayBufferView) => createHash('sha256').update(Buffer.from(a.buffer, a.byteOffset, a.byteLength)).digest('hex');

/** What the twin's hashes cover, computed here. */
function ownHashes(like: TwinHashes) {
  const corpus = mobyDickCorpus();
  const { width, heads, layers, context, batch, steps } = like.sizes;
  const ids = new Int32Array(corpus.train.length + corpus.val.length);
  ids.set(corpus.train);
  ids.set(corpus.val, corpus.train.length);
  // With the convolution, the model has every tensor the twin creates (the twin keeps the taps either way).
  const model = charLmModel({ width, heads, layers, context, act: 'relu', dconv: true }, corpus.vocabulary.length);
  const init = charLmInitialParameters(model);
  const hash = createHash('sha256');
  for (const name of like.names) {
    const t = layoutTensor(model.layout, name);
    const values = init.subarray(t.offset, t.offset + t.size);
    hash.update(Buffer.from(values.buffer, values.byteOffset, values.byteLength));
  }
  const starts = windowStarts(corpus.train.length, context, batch, steps);
  return { vocabulary: corpus.vocabulary.length, train: corpus.train.length, val: corpus.val.length, tokens: sha256(ids), init: hash.digest('hex'), starts: sha256(starts), first_starts: Array.from(starts.subarray(0, 4)) };
}

describe('charlm data', () => {
  const corpus = mobyDickCorpus();

  it('has 83 characters and a 9:1 split of the 1,190,317', () => {
    expect(corpus.vocabulary.length).toBe(83);
    expect([corpus.train.length, corpus.val.length]).toEqual([1_071_285, 119_032]);
    expect(corpus.vocabulary[0]).toBe('\n');
    expect(corpus.vocabulary.slice(1, 3)).toEqual([' ', '!']);
  });

  it('tokenises by sorted code points, round-tripping any text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', minLength: 1, maxLength: 40 }), (text) => {
        const c = tokenise(text);
        const back = [...c.train, ...c.val].map((id) => c.vocabulary[id]).join('');
        expect(back).toBe(text);
        const codes = c.vocabulary.map((ch) => ch.codePointAt(0)!);
        expect(codes).toEqual([...codes].sort((a, b) => a - b));
        expect(c.train.length).toBe(Math.floor((9 * [...text].length) / 10));
      }),
    );
  });

  for (const fixture of committedHashes()) {
    const s = fixture.sizes;
    it(`matches the twin's committed token, init and window hashes (width ${s.width}, context ${s.context}, ${s.layers} blocks)`, () => {
      const own = ownHashes(fixture);
      expect(own).toEqual({
        vocabulary: fixture.vocabulary, train: fixture.train, val: fixture.val, tokens: fixture.tokens,
        init: fixture.init, starts: fixture.starts, first_starts: fixture.first_starts,
      });
    });
  }

  const missing = twinMissing();
  it.skipIf(missing !== undefined && !REQUIRE_TOOLS)(`matches the twin run now${missing ? ` (skipped: ${missing})` : ''}`, () => {
    expect(missing).toBeUndefined();
    for (const fixture of committedHashes()) expect(liveHashes(fixture)).toEqual(fixture);
  }, 120_000);

  it('places every tensor aligned and initialises the constants', () => {
    const model = charLmModel({ ...CHARLM_SIZE, dconv: true }, 83);
    const init = charLmInitialParameters(model);
    for (const t of model.layout.tensors) expect(t.offset % TENSOR_ALIGNMENT).toBe(0);
    const at = (name: string) => { const t = layoutTensor(model.layout, name); return init.subarray(t.offset, t.offset + t.size); };
    expect(at('0.ln1.g').every((v) => v === 1)).toBe(true);
    expect(at('1.b1').every((v) => v === 0)).toBe(true);
    expect(Array.from(at('0.cq').subarray(0, 2 * 64)).map((v, i) => v === (i < 64 ? 1 : 0)).every(Boolean)).toBe(true);
    // Uniform draws: tok and pos in [−1, 1), weights within 1/√fan_in.
    expect(Math.max(...at('tok').map(Math.abs))).toBeLessThanOrEqual(1);
    expect(Math.max(...at('1.W2').map(Math.abs))).toBeLessThanOrEqual(1 / Math.sqrt(256) + 1e-7);
    expect(model.layout.count).toBe(83 * 64 + 64 * 64 + 2 * (12 * 64 * 64 + 9 * 64 + 4 * 64 + 3 * 3 * 64) + 64 * 83 + 2 * 64 + 83);
  });

  it('gathers windows and their next characters', () => {
    const ids = Int32Array.from({ length: 50 }, (_, i) => i);
    const w = windowIds(ids, [3, 10], 4);
    expect(Array.from(w)).toEqual([3, 4, 5, 6, 10, 11, 12, 13, 4, 5, 6, 7, 11, 12, 13, 14]);
    expect(Array.from(evaluationStarts(50, 4, 256))).toEqual(Array.from({ length: 12 }, (_, i) => 4 * i));
    fc.assert(
      fc.property(fc.integer({ min: 10, max: 10_000 }), fc.integer({ min: 1, max: 8 }), (n, T) => {
        const starts = windowStarts(n, T, 4, 3, 99);
        expect(starts.every((s) => s >= 0 && s + T + 1 <= n)).toBe(true);
      }),
    );
  });
});
