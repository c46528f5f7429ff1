// `symevo eval --task charlm`: the Transformer's size options (the twin's names) and the bits-per-character table.
import { Option, type Command } from 'commander';
import {
  checkTransformerSize, FEED_FORWARD_ACTIVATIONS, resolveSettings, taskSpec,
  type EvaluationReport, type FeedForwardActivation, type TransformerSize,
} from '../../tasks/index.js';
import { UsageError } from '../exit.js';
import { positiveInteger } from '../options.js';

export interface TransformerOptions {
  readonly task: string;
  readonly width?: number;
  readonly heads?: number;
  readonly layers?: number;
  readonly context?: number;
  readonly act?: FeedForwardActivation;
  readonly dconv?: boolean;
  readonly hidden?: number[];
  readonly activation?: string;
}

/** Adds --width --heads --layers --context --act --dconv to a command. */
export function addTransformerOptions(command: Command): Command {
  return command
    .option('--width <n>', 'charlm: model width (default 64)', positiveInteger)
    .option('--heads <n>', 'charlm: attention heads, dividing the width (default 4)', positiveInteger)
    .option('--layers <n>', 'charlm: Transformer blocks (default 2)', positiveInteger)
    .option('--context <n>', 'charlm: characters per window (default 64)', positiveInteger)
    .addOption(new Option('--act <name>', 'charlm: feed-forward activation (default relu)').choices([...FEED_FORWARD_ACTIVATIONS]))
    .option('--dconv', 'charlm: a causal depthwise convolution after q, k and v (Primer)');
}

/**
 * The Transformer overrides of the options, checked against the task: a size option on an MLP task,
 * an MLP option on charlm, or sizes that make no model are usage errors.
 */
export function transformerOverrides(options: TransformerOptions): Partial<TransformerSize> | undefined {
  const given = { width: options.width, heads: options.heads, layers: options.layers, context: options.context, act: options.act, dconv: options.dconv };
  const named = Object.entries(given).filter(([, v]) => v !== undefined);
  const isTransformer = taskSpec(options.task).defaults.transformer !== undefined;
  if (!isTransformer) {
    if (named.length > 0) throw new UsageError(`--${named[0]![0]} sets a Transformer size; task '${options.task}' is an MLP (use --hidden and --activation)`);
    return undefined;
  }
  if (options.hidden !== undefined) throw new UsageError(`--hidden sets MLP widths; task '${options.task}' is a Transformer (use --width, --heads, --layers, --context)`);
  if (options.activation !== undefined) throw new UsageError(`--activation sets the MLP's activation; task '${options.task}' takes --act relu|sqrelu`);
  const overrides = Object.fromEntries(named) as Partial<TransformerSize>;
  try {
    checkTransformerSize(resolveSettings(options.task, { transformer: overrides }).transformer!);
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  return overrides;
}

export interface BitsRow {
  readonly file: string;
  readonly bitsPerChar?: number | null;
  readonly valLoss: number | null;
  readonly diverged: boolean;
  readonly divergedAt?: number;
  readonly seconds: number;
  readonly stepsPerSecond: number;
  readonly error?: string;
}

/** The table for a language-model task: bits per character first. */
export function printBitsTable(report: EvaluationReport, rows: readonly BitsRow[]): void {
  const fmt = (x: number | null | undefined, digits: number) => (x === null || x === undefined ? 'nan' : x.toFixed(digits));
  const header = ['file', 'val bits/char', 'val loss', 'diverged', 'seconds', 'steps/s'];
  const body = rows.map((r) => [
    r.file,
    fmt(r.bitsPerChar, 4),
    fmt(r.valLoss, 4),
    r.error !== undefined ? 'invalid' : r.diverged ? `yes (step ${r.divergedAt})` : 'no',
    r.seconds.toFixed(2),
    r.stepsPerSecond.toFixed(2),
  ]);
  const widths = header.map((h, c) => Math.max(h.length, ...body.map((b) => b[c]!.length)));
  const line = (cells: readonly string[]) => cells.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ');
  const { steps, batch, schedule, lr } = report.settings;
  const t = report.settings.transformer!;
  const size = `width ${t.width}, ${t.heads} heads, ${t.layers} layers, context ${t.context}, ${t.act}${t.dconv ? ' + dconv' : ''}`;
  process.stdout.write(`${report.task}: ${steps} steps, batch ${batch}, ${size}, ${schedule} lr ${lr}, ${report.backend} (${report.device})\n`);
  process.stdout.write(`${line(header)}\n${body.map(line).join('\n')}\n`);
  for (const r of rows) if (r.error !== undefined) process.stderr.write(`${r.file}: ${r.error}\n`);
}
