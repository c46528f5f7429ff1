// `symevo eval BLOCK.dsl... --task charlm`: trains the charlm model with each block (every layer the
// same block) under a fixed optimizer, and prints bits per character, parameters, FLOPs per token and time.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DslError, parseBlock, parseOptimizer, type CheckedBlock } from '../../dsl/index.js';
import { acquireGpu, releaseGpu } from '../../gpu/index.js';
import { evaluateBlocks, resolveSettings } from '../../tasks/index.js';
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
  /** Forward FLOPs per token of the whole model: every layer's block, the final norm and the head (a training step is about 3× this per token). */
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
  const overrides = {
    steps: options.steps, seed: options.seed, lr: options.lr,
    transformer: { width: options.width, heads: options.heads, layers: options.layers, context: options.context },
  };
  const width = resolveSettings('charlm', overrides).transformer!.width;
  const blocks = files.map((file) => ({ checked: loadBlock(file, width), label: file }));
  const adamw = parseOptimizer(readFileSync(BLOCK_OPTIMIZER_FILE, 'utf8'), BLOCK_OPTIMIZER_FILE);
  if (options.backend === 'webgpu') {
    const gpu = await acquireGpu({ backend: 'webgpu' });
    if (gpu.kind !== 'webgpu') throw new UsageError(`--backend webgpu: no adapter (${gpu.reason})`);
  }
  let progress: ReturnType<typeof stepProgress> | undefined;
  let shown = -1;
  try {
    const report = await evaluateBlocks({
      blocks, optimizer: adamw, overrides, backend: options.backend === 'webgpu' ? 'webgpu' : 'cpu', firstLoss: true,
      ...(options.json ? {} : {
        onStep: (block: number, step: number, steps: number) => {
          if (block !== shown) {
            progress?.stop();
            progress = stepProgress(`charlm: ${files[block]}`);
            shown = block;
          }
          progress!.update(step, steps);
        },
      }),
    });
    progress?.stop();
    const finite = (x: number | undefined) => (x !== undefined && Number.isFinite(x) ? x : null);
    return report.results.map((r, i): BlockEvalRow => {
      if (r.status === 'invalid') throw new UsageError(`${files[i]}: ${r.reason}`);
      return {
        file: files[i]!, task: 'charlm', steps: r.steps, bitsPerChar: finite(r.bitsPerChar), firstLoss: finite(r.firstLoss),
        diverged: r.status === 'diverged', blockParameters: r.blockParameters, flopsPerToken: r.flopsPerToken,
        seconds: r.seconds, backend: report.backend,
      };
    });
  } finally {
    progress?.stop();
    if (options.backend === 'webgpu') releaseGpu();
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
  process.stdout.write(`charlm: ${rows[0]?.steps ?? 0} steps, AdamW (dsl/optimizers/adamw.dsl); FLOPs/token: forward, whole model\n`);
  process.stdout.write(`${line(header)}\n${body.map(line).join('\n')}\n`);
}
