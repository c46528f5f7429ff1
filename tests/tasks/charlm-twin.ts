// The charlm task's PyTorch twin (../shared/peers/charlm_task.py): where it is, whether it can run, and running it.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { mobyDickPath } from '../../src/tasks/data/moby-dick.js';

const HERE = dirname(fileURLToPath(import.meta.url));
export const PYTHON = '/usr/bin/python3';
export const TWIN = process.env['SYMEVO_CHARLM_TWIN'] ?? resolve(HERE, '..', '..', '..', 'shared', 'peers', 'charlm_task.py');
export const FIXTURES = resolve(HERE, '..', 'fixtures', 'charlm');
/** SYMEVO_REQUIRE_TOOLS=1: a missing twin or PyTorch fails the tests that need them instead of skipping. */
export const REQUIRE_TOOLS = process.env['SYMEVO_REQUIRE_TOOLS'] === '1';

/** Why the twin cannot run here, or undefined when it can. */
export function twinMissing(): string | undefined {
  if (!existsSync(TWIN)) return `the twin ${TWIN} is missing (set SYMEVO_CHARLM_TWIN)`;
  if (spawnSync(PYTHON, ['-c', 'import torch, numpy'], { stdio: 'ignore' }).status !== 0) return `${PYTHON} cannot import torch and numpy`;
  return undefined;
}

export interface TwinHashes {
  readonly sizes: { width: number; heads: number; layers: number; context: number; batch: number; steps: number };
  readonly vocabulary: number;
  readonly train: number;
  readonly val: number;
  readonly tokens: string;
  readonly names: readonly string[];
  readonly init: string;
  readonly starts: string;
  readonly first_starts: readonly number[];
}

/** The committed hashes (tests/fixtures/charlm/hashes.jsonl), one object per size. */
export function committedHashes(): TwinHashes[] {
  return readFileSync(join(FIXTURES, 'hashes.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as TwinHashes);
}

/** The hashes as the twin computes them now, for the sizes of `like`. */
export function liveHashes(like: TwinHashes): TwinHashes {
  const { width, heads, layers, context, batch, steps } = like.sizes;
  const args = [join(FIXTURES, 'twin_hashes.py'), '--twin', TWIN, '--text', mobyDickPath(),
    '--width', String(width), '--heads', String(heads), '--layers', String(layers), '--context', String(context), '--batch', String(batch), '--steps', String(steps)];
  return JSON.parse(execFileSync(PYTHON, args, { encoding: 'utf8' })) as TwinHashes;
}

export interface TwinRow {
  readonly opt: string;
  readonly lr: number;
  readonly act: string;
  readonly dconv: boolean;
  readonly steps: number;
  readonly first_loss: number;
  readonly val_bpc: number;
  readonly model_steps_per_s: number;
}

/** Runs the twin in bmm mode with `args` (besides --text and --out) and returns its rows. */
export function runTwin(args: readonly string[]): TwinRow[] {
  const dir = mkdtempSync(join(tmpdir(), 'charlm-twin-'));
  try {
    const out = join(dir, 'out.json');
    execFileSync(PYTHON, [TWIN, '--text', mobyDickPath(), '--mode', 'bmm', ...args, '--out', out], { stdio: ['ignore', 'ignore', 'inherit'] });
    return (JSON.parse(readFileSync(out, 'utf8')) as { rows: TwinRow[] }).rows;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
