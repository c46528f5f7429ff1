// Lowering blocks to tensor ops: the tape's forward equals the dsl's float64 reference on random
// blocks, and the hand-written blocks train as the charlm task's built-in block and its twin.
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { lowerBlock } from '../../src/compile/index.js';
import {
  buildBlockGraph,
  evaluateBlock,
  parseBlock,
  printProgram,
  randomBlock,
  Rng,
  type BlockWeights,
  type CheckedBlock,
} from '../../src/dsl/index.js';
import { trainCharLm } from '../../src/tasks/charlm-train.js';
import { mobyDickCorpus } from '../../src/tasks/data/moby-dick.js';
import { resolveSettings } from '../../src/tasks/evaluate.js';
import { PRE_NORM_BLOCK, type TransformerBlock } from '../../src/tasks/transformer.js';
import { cpuUpdates, slotCount } from '../../src/tasks/updates.js';
import { compileOptimizer, type CpuOptimizer } from '../../src/compile/index.js';
import { parseOptimizer } from '../../src/dsl/index.js';
import { CpuTensorBackend, Tape, type Tensor } from '../../src/tensor/index.js';
import { FIXTURES, type TwinRow } from '../tasks/charlm-twin.js';

const D = 16;
const SEQ = 8;
const ROWS = 16;

/** Runs the lowered block on the cpu backend and the reference evaluator with the same random weights. */
function bothWays(checked: CheckedBlock, seed: number): { tape: Float32Array; reference: Float64Array } {
  const block = lowerBlock(checked);
  const rng = Rng.fromSeed(seed);
  const values = new Map<string, Float32Array>();
  for (const t of block.parameters({ width: D })) {
    values.set(t.name, Float32Array.from({ length: t.rows * t.cols }, () => Math.fround((t.init.kind === 'ones' ? 1 : 0) + 0.5 * rng.normal())));
  }
  const x = Float32Array.from({ length: ROWS * D }, () => Math.fround(rng.normal()));
  const backend = new CpuTensorBackend();
  try {
    const tape = new Tape(backend);
    const view = (data: Float32Array, rows: number, cols: number): Tensor<Float32Array> => ({ storage: backend.allocate(data.length, data), offset: 0, batch: 1, batchStride: 0, rows, cols });
    const params = new Map([...block.parameters({ width: D })].map((t) => [t.name, tape.constant(view(values.get(t.name)!, t.rows, t.cols))]));
    const out = block.forward(tape, tape.constant(view(x, ROWS, D)), params, { size: { width: D }, seq: SEQ });
    const f64 = (name: string) => Float64Array.from(values.get(name)!);
    const reference = evaluateBlock(buildBlockGraph(checked), Float64Array.from(x), { width: D, seq: SEQ, rows: ROWS }, (n): BlockWeights => {
      if (n.op === 'dense') return { kind: 'dense', w: f64(`d${n.site}.W`), b: f64(`d${n.site}.b`) };
      if (n.op === 'layer_norm') return { kind: 'layer_norm', gain: f64(`ln${n.site}.g`), bias: f64(`ln${n.site}.b`) };
      return { kind: 'dconv', taps: f64(`c${n.site}`) };
    });
    return { tape: Float32Array.from(out.value.storage.subarray(out.value.offset, out.value.offset + ROWS * D)), reference };
  } finally {
    backend.destroy();
  }
}

describe('block lowering', () => {
  it('has the shape of the tasks’ TransformerBlock, with the twin’s parameters in its draw order', () => {
    const block: TransformerBlock = lowerBlock(parseBlock(readFileSync('dsl/blocks/primer.dsl', 'utf8')));
    const tensors = block.parameters(resolveSettings('charlm').transformer!);
    expect(tensors.map((t) => `${t.name}[${t.rows}x${t.cols}]:${t.init.kind}`)).toEqual([
      'd1.W[64x64]:uniform', 'd3.W[64x64]:uniform', 'd5.W[64x64]:uniform', 'd7.W[64x64]:uniform', 'd9.W[64x256]:uniform', 'd10.W[256x64]:uniform',
      'ln0.g[1x64]:ones', 'ln0.b[1x64]:zeros', 'd1.b[1x64]:zeros', 'c2[3x64]:identity-taps', 'd3.b[1x64]:zeros', 'c4[3x64]:identity-taps',
      'd5.b[1x64]:zeros', 'c6[3x64]:identity-taps', 'd7.b[1x64]:zeros', 'ln8.g[1x64]:ones', 'ln8.b[1x64]:zeros', 'd9.b[1x256]:zeros',
      'd10.b[1x64]:zeros',
    ]);
  });

  it('computes what the reference evaluator computes, on random blocks', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 - 1 }), (seed) => {
        const checked = parseBlock(printProgram(randomBlock(Rng.fromSeed(seed), { statements: 6, heads: [1, 2, 4], widths: [0.5, 1, 2] })), '<random>', { width: D });
        const { tape, reference } = bothWays(checked, seed);
        reference.forEach((r, i) => expect(Math.abs(tape[i]! - r)).toBeLessThanOrEqual(1e-3 * Math.max(1, Math.abs(r))));
      }),
      { numRuns: 40 },
    );
  });

  it('lowers every elementwise op, constants included', () => {
    const checked = parseBlock(
      'def block(x):\n    a = max(x, 0.25) + min(x, -0.5) - abs(x) * 2 + tanh(x) / 4 - sigmoid(x) + gelu(x) - 1\n    return max(a, x) + min(a, x) + square(a) * (1 - relu(x))\n',
      '<ops>',
      { width: D },
    );
    const { tape, reference } = bothWays(checked, 7);
    reference.forEach((r, i) => expect(Math.abs(tape[i]! - r)).toBeLessThanOrEqual(1e-4 * Math.max(1, Math.abs(r))));
  });
});

/** Step-1 loss (and bits/char after `steps`) of the charlm model with `block`, AdamW at LR 0.001, on the cpu. */
async function charLm(block: TransformerBlock, transformer: { act?: 'relu' | 'sqrelu'; dconv?: boolean }, steps: number) {
  const settings = resolveSettings('charlm', { steps, trainEvalRows: 32, transformer });
  const adamw = parseOptimizer(readFileSync('dsl/optimizers/adamw.dsl', 'utf8'));
  const compiled = await compileOptimizer(adamw, { backend: 'cpu', output: 'weight' });
  if (!compiled.ok) throw new Error(compiled.reason);
  const backend = new CpuTensorBackend();
  try {
    const [metrics] = await trainCharLm({
      backend, corpus: mobyDickCorpus(), settings, replicas: 1, slots: slotCount([adamw]), firstLoss: true, block,
      updates: (s, l) => cpuUpdates([compiled.optimizer as CpuOptimizer], s, l),
    });
    return metrics!;
  } finally {
    backend.destroy();
  }
}

const twinFirstLoss = (fixture: string) =>
  (JSON.parse(readFileSync(`${FIXTURES}/${fixture}`, 'utf8')) as { rows: TwinRow[] }).rows.find((r) => r.lr === 0.001 && r.opt === 'adamw')!.first_loss;

describe('hand-written blocks in the charlm model', () => {
  it.each([
    ['transformer', {}, 'twin-relu.json'],
    ['primer', { act: 'sqrelu', dconv: true }, 'twin-sqrelu-dconv.json'],
  ] as const)('%s.dsl trains as the built-in block with the twin’s switches and has the twin’s step-1 loss', async (name, switches, fixture) => {
    const lowered = lowerBlock(parseBlock(readFileSync(`dsl/blocks/${name}.dsl`, 'utf8')), name);
    const ours = await charLm(lowered, {}, 2);
    const builtIn = await charLm(PRE_NORM_BLOCK, switches, 2);
    expect(ours.firstLoss).toBe(builtIn.firstLoss);
    expect(Math.abs(ours.firstLoss! - twinFirstLoss(fixture)) / twinFirstLoss(fixture)).toBeLessThan(1e-4);
    expect(Math.abs(ours.bitsPerChar - builtIn.bitsPerChar) / builtIn.bitsPerChar).toBeLessThan(1e-5);
  }, 600_000);
});
