// The charlm model's pieces on tiny sizes: the schedule, replicas trained as if alone, and a block plugged in.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseOptimizer } from '../../src/dsl/index.js';
import { evaluatePrograms, learningRate, PRE_NORM_BLOCK, resolveSettings, transformerTensors, type TransformerBlock } from '../../src/tasks/index.js';
import { trainCharLm } from '../../src/tasks/charlm-train.js';
import { mobyDickCorpus } from '../../src/tasks/data/moby-dick.js';
import { compileOptimizer, type CpuOptimizer } from '../../src/compile/index.js';
import { cpuUpdates, slotCount } from '../../src/tasks/updates.js';
import { CpuTensorBackend } from '../../src/tensor/index.js';
import { readFileSync } from 'node:fs';

const load = (file: string) => parseOptimizer(readFileSync(file, 'utf8'), file);
const adamw = load('dsl/optimizers/adamw.dsl');
const lion = load('dsl/optimizers/lion.dsl');
const tiny = { steps: 6, batch: 4, transformer: { width: 16, heads: 2, layers: 1, context: 8 } };

describe('the twin\'s schedule (cosine-floor)', () => {
  const twin = (s: number, S: number) => {
    const warm = Math.max(1, Math.floor(S / 20));
    return s <= warm ? s / warm : 0.1 + 0.9 * 0.5 * (1 + Math.cos((Math.PI * (s - warm)) / Math.max(1, S - warm)));
  };
  it('warms up over max(1, S/20) steps and decays to a tenth', () => {
    const at = (s: number) => learningRate({ schedule: 'cosine-floor', lr: 1, warmup: 0 }, s, 300);
    expect([at(1), at(15), at(300)]).toEqual([1 / 15, 1, 0.1]);
    fc.assert(fc.property(fc.integer({ min: 1, max: 5000 }), fc.integer({ min: 0, max: 1 << 20 }), fc.double({ min: 1e-3, max: 10, noNaN: true }), (S, r, lr) => {
      const s = 1 + (r % S);
      expect(learningRate({ schedule: 'cosine-floor', lr, warmup: 0 }, s, S)).toBeCloseTo(lr * twin(s, S), 12);
    }));
  });
});

describe('charlm replicas', () => {
  it('train each replica as if it were alone, and the sizes reach the model', async () => {
    const both = await evaluatePrograms({ task: 'charlm', programs: [adamw, lion], backend: 'cpu', overrides: tiny });
    const alone = await evaluatePrograms({ task: 'charlm', programs: [lion], backend: 'cpu', overrides: tiny });
    expect(both.results[1]).toEqual(alone.results[0]);
    expect(both.settings.transformer).toEqual({ width: 16, heads: 2, layers: 1, context: 8, act: 'relu', dconv: false });
    const r = both.results[0]!;
    expect(r.status).toBe('ok');
    if (r.status === 'ok') expect(r.bitsPerChar).toBeCloseTo(r.valLoss / Math.LN2, 12);
  }, 120_000);

  it('runs a plugged-in block: its parameters are laid out per layer and trained', async () => {
    // A feed-forward-only block: x + relu(x W + b) U.
    const mlpBlock: TransformerBlock = {
      name: 'mlp-only',
      parameters: (size) => [
        { name: 'W', rows: size.width, cols: size.width, init: { kind: 'uniform' } },
        { name: 'U', rows: size.width, cols: size.width, init: { kind: 'uniform' } },
        { name: 'b', rows: 1, cols: size.width, init: { kind: 'zeros' } },
      ],
      forward: (tape, x, p) => tape.add(x, tape.matmul(tape.activation('relu', tape.addBias(tape.matmul(x, p.get('W')!), p.get('b')!)), p.get('U')!)),
    };
    const settings = resolveSettings('charlm', { ...tiny, transformer: { ...tiny.transformer, layers: 2 } });
    expect(transformerTensors(settings.transformer!, 83, mlpBlock).map((t) => t.name)).toEqual(['tok', 'pos', '0.W', '0.U', '0.b', '1.W', '1.U', '1.b', 'Wh', 'ln.g', 'ln.b', 'bh']);
    const compiled = await compileOptimizer(adamw, { backend: 'cpu', output: 'weight' });
    if (!compiled.ok) throw new Error(compiled.reason);
    const train = async (block: TransformerBlock) => {
      const backend = new CpuTensorBackend();
      try {
        return await trainCharLm({ backend, corpus: mobyDickCorpus(), settings, replicas: 1, slots: slotCount([adamw]), block, firstLoss: true,
          updates: (s, l) => cpuUpdates([compiled.optimizer as CpuOptimizer], s, l) });
      } finally {
        backend.destroy();
      }
    };
    const [plugged] = await train(mlpBlock);
    const [standard] = await train(PRE_NORM_BLOCK);
    expect(plugged!.divergedAt).toBeUndefined();
    expect(plugged!.valLoss).toBeLessThan(plugged!.firstLoss!);
    expect(plugged!.firstLoss).not.toBeCloseTo(standard!.firstLoss!, 6);
  }, 120_000);
});
