// The tape's bookkeeping: overwritten gradient views, unreached parameters, invalidated nodes, and SGD training that learns.
import { describe, expect, it } from 'vitest';
import { CpuTensorBackend, Tape, tensorView } from '../../src/tensor/index.js';
import { trainMlp } from './train-mlp.js';

const backend = new CpuTensorBackend();

describe('tape', () => {
  it('zeroes the gradient of a parameter the loss does not reach and overwrites the others', () => {
    const tape = new Tape(backend);
    const dW = tensorView(new Float32Array(6).fill(NaN), { rows: 2, cols: 3 });
    const w = tape.param(tensorView(new Float32Array([1, 2, 3, 4, 5, 6]), { rows: 2, cols: 3 }), dW);
    const unused = tensorView(new Float32Array(3).fill(NaN), { rows: 1, cols: 3 });
    tape.param(tensorView(new Float32Array(3), { rows: 1, cols: 3 }), unused);
    const x = tape.constant(tensorView(new Float32Array([1, -1]), { rows: 1, cols: 2 }));
    const loss = tape.softmaxCrossEntropy(tape.matmul(x, w), tensorView(new Float32Array([2]), { rows: 1, cols: 1 }));
    tape.backward(loss);
    expect([...unused.storage]).toEqual([0, 0, 0]);
    // logits = [-3, -3, -3]: softmax 1/3 each, so dW = x^T (p − onehot(2)).
    const third = 1 / 3;
    const expected = [third, third, third - 1, -third, -third, 1 - third];
    dW.storage.forEach((g, e) => expect(g).toBeCloseTo(expected[e]!, 6));
  });

  it('refuses nodes from before a reset and losses that are not cross-entropy', () => {
    const tape = new Tape(backend);
    const a = tape.constant(tensorView(new Float32Array(4), { rows: 2, cols: 2 }));
    expect(() => tape.backward(a)).toThrow(/softmaxCrossEntropy/);
    tape.reset();
    expect(() => tape.activation('relu', a)).toThrow(/reset/);
  });

  it('SGD on a tiny MLP lowers every replica\'s loss (cpu)', async () => {
    const losses = await trainMlp(backend, {
      widths: [8, 16, 4], replicas: 3, rows: 32, steps: 60, activation: 'tanh', learningRates: [0.5, 1, 2], seed: 11,
    });
    const first = losses[0]!;
    const last = losses[losses.length - 1]!;
    for (let r = 0; r < 3; r++) expect(last[r]!).toBeLessThan(0.6 * first[r]!);
  });
});
