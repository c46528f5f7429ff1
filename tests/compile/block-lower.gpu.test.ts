// Lowered blocks on webgpu: the forward pass and every parameter's gradient equal the cpu backend's,
// on random blocks with random weights, through a cross-entropy loss on the block's output.
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { lowerBlock } from '../../src/compile/index.js';
import { parseBlock, printProgram, randomBlock, Rng, type CheckedBlock } from '../../src/dsl/index.js';
import { createTensorBackend, Tape, type TensorBackend } from '../../src/tensor/index.js';
import { describeGpu } from '../gpu/gpu-context.js';

const D = 16;
const SEQ = 8;
const ROWS = 16;

interface Pass {
  readonly out: Float32Array;
  readonly grads: ReadonlyMap<string, Float32Array>;
}

async function pass<S>(backend: TensorBackend<S>, checked: CheckedBlock, seed: number): Promise<Pass> {
  const block = lowerBlock(checked);
  const rng = Rng.fromSeed(seed);
  const tensors = block.parameters({ width: D });
  const data = (n: number, at = 0) => Float32Array.from({ length: n }, () => Math.fround(at + 0.5 * rng.normal()));
  const tape = new Tape(backend);
  const view = (storage: S, rows: number, cols: number) => ({ storage, offset: 0, batch: 1, batchStride: 0, rows, cols });
  const grads = new Map<string, ReturnType<typeof view>>();
  const params = new Map(
    tensors.map((t) => {
      const grad = view(backend.allocate(t.rows * t.cols), t.rows, t.cols);
      grads.set(t.name, grad);
      return [t.name, tape.param(view(backend.allocate(t.rows * t.cols, data(t.rows * t.cols, t.init.kind === 'ones' ? 1 : 0)), t.rows, t.cols), grad)];
    }),
  );
  const x = tape.constant(view(backend.allocate(ROWS * D, data(ROWS * D)), ROWS, D));
  const labels = view(backend.allocate(ROWS, Float32Array.from({ length: ROWS }, () => rng.int(D))), ROWS, 1);
  const out = block.forward(tape, x, params, { size: { width: D }, seq: SEQ });
  tape.backward(tape.softmaxCrossEntropy(out, labels));
  backend.flush();
  const read = new Map<string, Float32Array>();
  for (const [name, g] of grads) read.set(name, await backend.read(g));
  return { out: await backend.read(out.value), grads: read };
}

const close = (a: Float32Array, b: Float32Array, tolerance: number) => {
  expect(a.length).toBe(b.length);
  a.forEach((v, i) => expect(Math.abs(v - b[i]!)).toBeLessThanOrEqual(tolerance * Math.max(1, Math.abs(b[i]!))));
};

await describeGpu('lowered blocks on webgpu', (gpu) => {
  it('compute the forward pass and the gradients the cpu backend computes, on random blocks', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 2 ** 31 - 1 }), async (seed) => {
        const checked = parseBlock(printProgram(randomBlock(Rng.fromSeed(seed), { statements: 6, heads: [1, 2, 4], widths: [0.5, 1, 2] })), '<random>', { width: D });
        const cpu = await createTensorBackend('cpu');
        const webgpu = await createTensorBackend('webgpu', gpu.device);
        try {
          const [a, b] = [await pass(webgpu, checked, seed), await pass(cpu, checked, seed)];
          close(a.out, b.out, 1e-4);
          for (const [name, g] of b.grads) close(a.grads.get(name)!, g, 1e-3);
        } finally {
          cpu.destroy();
          webgpu.destroy();
        }
      }),
      { numRuns: 8 },
    );
  }, 120_000);
});
