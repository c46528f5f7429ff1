// `symevo eval BLOCK.dsl... --task charlm`: trains the charlm model with each block (every layer the
// same block) under a fixed optimizer, and prints bits per character, parameters, FLOPs per token and time.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { lowerBlock } from '../../compile/index.js';
import { compileOptimizer, type CpuOptimizer, type WebGpuOptimizer } from '../../compile/index.js';
import { blockCost, DslError, parseBlock, parseOptimizer, type CheckedBlock } from '../../dsl/index.js';
import { acquireGpu, releaseGpu } from '../../gpu/index.js';
import { cpuUpdates, mobyDickCorpus, resolveSettings, slotCount, trainCharLm, webGpuUpdates, type CharLmMetrics } from '../../tasks/index.js';
import { createTensorBackend } from '../../tensor/index.js';
import { UsageError } from '../exit.js';
import { readSource } from '../load-program.js';
import { stepProgress } from '../progress.js';

/** The optimizer blocks are trained with, as in Primer's search (AdamW): the package's dsl/optimizers/adamw.dsl. */
export const BLOCK_OPTIMIZER_FILE = fileURLToPath(new URL('../../../dsl/optimizers/adamw.dsl', import.meta.url));

export interface BlockEvalOptions {
  readonly task: string;
  readonly steps?: number;
  readonly seed?: number;
  readonly lr?: number;
  readonly width?: number;
  readonly heads?: number;
  readonly layers?: number;
  readonly context?: number;
  readonly act?: string;
  readonly dconv?: boolean;
  readonly backend: string;
  readonly json?: boolean;
}

export interface BlockEvalRow {
  readonly file: string;
  readonly task: string;
  readonly steps: number;
  readonly bitsPerChar: number | null;
  readonly firstLoss: number | null;
  readonly diverged: boolean;
  /** Parameters of one block, and of the whole model (every layer plus embeddings and head). */
  readonly blockParameters: number;
  /** Forward FLOPs per token of all layers' blocks (a training step is about 3× this per token). */
  readonly flopsPerToken: number;
  readonly seconds: number;
  readonly backend: string;
}

function loadBlock(file: string, width: number): CheckedBlock {
  try {
    return parseBlock(readSource(file), file, { width });
  } catch (err) {
    if (err instanceof DslError) throw new UsageError(err.format());
    throw err;
  }
}

export async function evalBlocks(files: readonly string[], options: BlockEvalOptions): Promise<BlockEvalRow[]> {
  if (options.task !== 'charlm') throw new UsageError(`blocks train on the charlm task (--task charlm), not '${options.task}'`);
  if (options.act !== undefined || options.dconv !== undefined) throw new UsageError('--act and --dconv set the built-in block; a block program says its own activation and convolutions');
  const settings = resolveSettings('charlm', {
    steps: options.steps, seed: options.seed, lr: options.lr,
    transformer: { width: options.width, heads: options.heads, layers: options.layers, context: options.context },
  });
  const size = settings.transformer!;
  const blocks = files.map((file) => loadBlock(file, size.width));
  const adamw = parseOptimizer(readFileSync(BLOCK_OPTIMIZER_FILE, 'utf8'), BLOCK_OPTIMIZER_FILE);
  const gpu = options.backend === 'webgpu' ? await acquireGpu({ backend: 'webgpu' }) : undefined;
  if (gpu !== undefined && gpu.kind !== 'webgpu') throw new UsageError(`--backend webgpu: no adapter (${gpu.reason})`);
  const device = gpu?.kind === 'webgpu' ? gpu.device : undefined;
  try {
    const compiled = await compileOptimizer(adamw, device === undefined ? { backend: 'cpu', output: 'weight' } : { backend: 'webgpu', device, output: 'weight' });
    if (!compiled.ok) throw new Error(compiled.reason);
    const rows: BlockEvalRow[] = [];
    for (const [i, checked] of blocks.entries()) {
      const file = files[i]!;
      const progress = options.json ? undefined : stepProgress(`charlm: ${file}`);
      const started = performance.now();
      const common = {
        corpus: mobyDickCorpus(), settings, replicas: 1, slots: slotCount([adamw]), firstLoss: true, block: lowerBlock(checked, file),
        ...(progress ? { onStep: (step: number) => progress.update(step, settings.steps) } : {}),
      };
      let m: CharLmMetrics;
      try {
        if (device === undefined) {
          const backend = await createTensorBackend('cpu');
          try {
            [m] = (await trainCharLm({ ...common, backend, updates: (s, l) => cpuUpdates([compiled.optimizer as CpuOptimizer], s, l) })) as [CharLmMetrics];
          } finally {
            backend.destroy();
          }
        } else {
          const backend = await createTensorBackend('webgpu', device);
          try {
            [m] = (await trainCharLm({ ...common, backend, updates: (s, l) => webGpuUpdates(device, [compiled.optimizer as WebGpuOptimizer], s, l) })) as [CharLmMetrics];
          } finally {
            backend.destroy();
          }
        }
      } finally {
        progress?.stop();
      }
      const cost = blockCost(checked, size.width, size.context);
      const finite = (x: number | undefined) => (x !== undefined && Number.isFinite(x) ? x : null);
      rows.push({
        file, task: 'charlm', steps: settings.steps, bitsPerChar: finite(m.bitsPerChar), firstLoss: finite(m.firstLoss),
        diverged: m.divergedAt !== undefined, blockParameters: cost.parameters, flopsPerToken: cost.flopsPerToken * size.layers,
        seconds: (performance.now() - started) / 1000, backend: device === undefined ? 'cpu' : 'webgpu',
      });
    }
    return rows;
  } finally {
    if (device !== undefined) releaseGpu();
  }
}

export function printBlockRows(rows: readonly BlockEvalRow[]): void {
  const header = ['block', 'bits/char', 'block params', 'FLOPs/token', 'seconds', 'backend'];
  const body = rows.map((r) => [
    r.file,
    r.bitsPerChar === null ? 'nan' : `${r.bitsPerChar.toFixed(4)}${r.diverged ? ' (diverged)' : ''}`,
    r.blockParameters.toLocaleString('en-US'),
    r.flopsPerToken.toLocaleString('en-US'),
    r.seconds.toFixed(1),
    r.backend,
  ]);
  const widths = header.map((h, c) => Math.max(h.length, ...body.map((b) => b[c]!.length)));
  const line = (cells: readonly string[]) => cells.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ');
  process.stdout.write(`charlm: ${rows[0]?.steps ?? 0} steps, AdamW (dsl/optimizers/adamw.dsl); FLOPs/token: forward, all layers' blocks\n`);
  process.stdout.write(`${line(header)}\n${body.map(line).join('\n')}\n`);
}
