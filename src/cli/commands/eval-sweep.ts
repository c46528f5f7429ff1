// `symevo eval --lr-sweep ... / --sweep NAME=...`: every program at every setting of the grid,
// trained as replicas of one evaluation; each program is reported at its best setting, and the
// whole grid goes to --json.
import { InvalidArgumentError } from 'commander';
import type { CheckedOptimizer } from '../../dsl/index.js';
import { UsageError } from '../exit.js';
import {
  bestAtEdge, parseSweepAxis, parseSweepValues, settingText, sweepPrograms,
  type CandidateEvaluation, type EvaluationReport, type ProgramSweep, type SweepAxis,
} from '../../tasks/index.js';

/** commander parser of `--sweep NAME=v1,v2`, repeatable. */
export function collectSweep(text: string, previous: SweepAxis[] = []): SweepAxis[] {
  try {
    return [...previous, parseSweepAxis(text)];
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message);
  }
}

/** commander parser of `--lr-sweep v1,v2`. */
export function lrSweep(text: string): SweepAxis {
  try {
    return { name: 'lr', values: parseSweepValues(text) };
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message);
  }
}

/** The axes of --lr-sweep and --sweep together; an error when one constant is named twice. */
export function sweepAxes(lr: SweepAxis | undefined, named: readonly SweepAxis[] | undefined): SweepAxis[] {
  const axes = [...(lr === undefined ? [] : [lr]), ...(named ?? [])];
  const names = axes.map((a) => a.name);
  const twice = names.find((n, i) => names.indexOf(n) < i);
  if (twice !== undefined) throw new UsageError(`the constant ${twice} is swept twice (--lr-sweep is --sweep lr=...)`);
  return axes;
}

interface Cell {
  readonly setting: Readonly<Record<string, number>>;
  readonly trainLoss: number | null;
  readonly valLoss: number | null;
  readonly valAccuracy: number | null;
  /** Validation bits per character (the language-model tasks). */
  readonly bitsPerChar?: number | null;
  readonly diverged: boolean;
  readonly divergedAt?: number;
  readonly error?: string;
}

export interface SweepRow {
  readonly file: string;
  readonly task: string;
  readonly steps: number;
  readonly backend: string;
  /** The best setting (null when every setting diverged) and its metrics. */
  readonly best: Cell | null;
  /** Axes whose best value is the smallest or largest swept: the optimum may lie outside the grid. */
  readonly bestAtEdge: readonly string[];
  /** Axes this program has no constant for, and why. */
  readonly skipped: readonly { readonly name: string; readonly reason: string }[];
  readonly grid: readonly Cell[];
  /** Wall time of the whole sweep (every program and setting in one evaluation). */
  readonly seconds: number;
}

const finite = (x: number): number | null => (Number.isFinite(x) ? x : null);

function cell(setting: Readonly<Record<string, number>>, r: CandidateEvaluation): Cell {
  if (r.status === 'invalid') return { setting, trainLoss: null, valLoss: null, valAccuracy: null, diverged: false, error: r.reason };
  return {
    setting,
    trainLoss: finite(r.trainLoss),
    valLoss: finite(r.valLoss),
    valAccuracy: finite(r.valAccuracy),
    ...(r.bitsPerChar === undefined ? {} : { bitsPerChar: finite(r.bitsPerChar) }),
    diverged: r.status === 'diverged',
    ...(r.divergedAt === undefined ? {} : { divergedAt: r.divergedAt }),
  };
}

/**
 * Runs the sweep with `evaluate` (one evaluation of all variants) and prints it: a table of each
 * program at its best setting and the grid of validation losses, or JSON rows with the whole grid.
 */
export async function runSweep(
  files: readonly string[],
  programs: readonly CheckedOptimizer[],
  axes: readonly SweepAxis[],
  evaluate: (programs: readonly CheckedOptimizer[]) => Promise<EvaluationReport>,
  json: boolean,
): Promise<SweepRow[]> {
  let report: EvaluationReport | undefined;
  const sweeps = await sweepPrograms(programs, axes, async (variants) => {
    report = await evaluate(variants);
    return report.results;
  });
  const r = report!;
  const rows = sweeps.map((s, i) => sweepRow(files[i]!, r, s, axes));
  if (json) process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
  else printSweep(r, rows, axes);
  return rows;
}

function sweepRow(file: string, report: EvaluationReport, sweep: ProgramSweep, axes: readonly SweepAxis[]): SweepRow {
  const grid = sweep.cells.map((c) => cell(c.setting, c.result));
  return {
    file,
    task: report.task,
    steps: report.settings.steps,
    backend: report.backend,
    best: sweep.best === undefined ? null : grid[sweep.best]!,
    bestAtEdge: bestAtEdge(sweep, axes),
    skipped: sweep.skipped,
    grid,
    seconds: report.seconds,
  };
}

function printSweep(report: EvaluationReport, rows: readonly SweepRow[], axes: readonly SweepAxis[]): void {
  const fmt = (x: number | null | undefined) => (x === null || x === undefined ? 'nan' : x.toFixed(4));
  const { steps, batch, hidden, activation, schedule, lr, transformer } = report.settings;
  const variants = rows.reduce((n, r) => n + r.grid.length, 0);
  const model = transformer === undefined ? `hidden ${hidden.join('-')} ${activation}` : `transformer ${Object.entries(transformer).map(([k, v]) => `${k} ${v}`).join(', ')}`;
  process.stdout.write(
    `${report.task}: ${steps} steps, batch ${batch}, ${model}, ${schedule} lr ${lr}, ` +
      `${report.backend}; ${variants} replicas in ${report.seconds.toFixed(1)} s; sweep ${axes.map((a) => `${a.name} ∈ {${a.values.join(', ')}}`).join(', ')}\n`,
  );
  const header = ['file', 'best setting', 'train loss', 'val loss', 'val acc'];
  const body = rows.map((r) => [
    r.file,
    r.best === null ? 'all diverged' : settingText(r.best.setting) + (r.bestAtEdge.length > 0 ? ' (edge)' : ''),
    fmt(r.best?.trainLoss),
    fmt(r.best?.valLoss),
    fmt(r.best?.valAccuracy),
  ]);
  const widths = header.map((h, c) => Math.max(h.length, ...body.map((b) => b[c]!.length)));
  const line = (cells: readonly string[]) => cells.map((x, c) => (c < 2 ? x.padEnd(widths[c]!) : x.padStart(widths[c]!))).join('  ');
  process.stdout.write(`${line(header)}\n${body.map(line).join('\n')}\n\nval loss at each setting:\n`);
  for (const r of rows) {
    const cells = r.grid.map((c) => `${settingText(c.setting)}: ${c.error !== undefined ? 'invalid' : c.diverged ? 'diverged' : fmt(c.valLoss)}`);
    process.stdout.write(`  ${r.file}\n    ${cells.join('\n    ')}\n`);
    for (const s of r.skipped) process.stdout.write(`    (${s.name} not swept: ${s.reason})\n`);
    if (r.bestAtEdge.length > 0) process.stdout.write(`    best at the edge of the grid for ${r.bestAtEdge.join(', ')}: widen it\n`);
  }
}
