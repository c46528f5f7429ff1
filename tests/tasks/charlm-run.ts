// Trains the charlm task's replicas on one backend straight through trainCharLm (for the step-1 loss,
// which evaluation does not report), and the agreement figures the tests compare with the twin's.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compileOptimizer, type CpuOptimizer, type WebGpuOptimizer } from '../../src/compile/index.js';
import { parseOptimizer, type CheckedOptimizer } from '../../src/dsl/index.js';
import { resolveSettings } from '../../src/tasks/evaluate.js';
import { trainCharLm, type CharLmMetrics } from '../../src/tasks/charlm-train.js';
import { mobyDickCorpus } from '../../src/tasks/data/moby-dick.js';
import { cpuUpdates, slotCount, webGpuUpdates } from '../../src/tasks/updates.js';
import type { SettingsOverrides } from '../../src/tasks/registry.js';
import { CpuTensorBackend, WebGpuTensorBackend } from '../../src/tensor/index.js';
import { FIXTURES, type TwinRow } from './charlm-twin.js';

const load = (file: string) => parseOptimizer(readFileSync(file, 'utf8'), file);

/** The twin's AdamW at LR 0.003 and 0.001 in the project's convention: lr·0.003 and adamw.dsl's lr·0.001. */
export const ADAMW_BY_LR: ReadonlyMap<number, CheckedOptimizer> = new Map([
  [0.003, load(join(FIXTURES, 'adamw-lr3e-3.dsl'))],
  [0.001, load('dsl/optimizers/adamw.dsl')],
]);

export interface Variant {
  readonly name: string;
  readonly fixture: string;
  readonly twinArgs: readonly string[];
  readonly transformer: SettingsOverrides['transformer'];
}

export const VARIANTS: readonly Variant[] = [
  { name: 'relu', fixture: 'twin-relu.json', twinArgs: [], transformer: {} },
  { name: 'sqrelu + dconv', fixture: 'twin-sqrelu-dconv.json', twinArgs: ['--act', 'sqrelu', '--dconv'], transformer: { act: 'sqrelu', dconv: true } },
];

/** The committed twin rows of a variant (tests/fixtures/charlm/README.md has the commands). */
export function twinFixture(variant: Variant): TwinRow[] {
  return (JSON.parse(readFileSync(join(FIXTURES, variant.fixture), 'utf8')) as { rows: TwinRow[] }).rows;
}

/** Trains one replica per program on the cpu, or on `device`, measuring the step-1 loss too. */
export async function trainOn(device: GPUDevice | undefined, programs: readonly CheckedOptimizer[], overrides: SettingsOverrides): Promise<CharLmMetrics[]> {
  const settings = resolveSettings('charlm', overrides);
  const common = { corpus: mobyDickCorpus(), settings, replicas: programs.length, slots: slotCount(programs), firstLoss: true };
  const compiled = await Promise.all(programs.map((p) =>
    device === undefined ? compileOptimizer(p, { backend: 'cpu', output: 'weight' }) : compileOptimizer(p, { backend: 'webgpu', device, output: 'weight' })));
  const optimizers = compiled.map((c) => {
    if (!c.ok) throw new Error(c.reason);
    return c.optimizer;
  });
  if (device === undefined) {
    const backend = new CpuTensorBackend();
    try {
      return await trainCharLm({ ...common, backend, updates: (s, l) => cpuUpdates(optimizers as CpuOptimizer[], s, l) });
    } finally {
      backend.destroy();
    }
  }
  const backend = await WebGpuTensorBackend.create(device);
  try {
    return await trainCharLm({ ...common, backend, updates: (s, l) => webGpuUpdates(device, optimizers as WebGpuOptimizer[], s, l) });
  } finally {
    backend.destroy();
  }
}

export const relative = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);
