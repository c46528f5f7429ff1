// `symevo eval FILE.dsl...`: trains one model replica per program on a proxy task, all in one batch.
import { Option, type Command } from 'commander';
import { isBackendChoice, type BackendChoice } from '../../gpu/index.js';
import type { Activation } from '../../tensor/index.js';
import { evaluatePrograms, SCHEDULE_NAMES, TASK_NAMES, type CandidateEvaluation, type EvaluationReport, type ScheduleName } from '../../tasks/index.js';
import { EXIT_FAILURE, UsageError } from '../exit.js';
import { loadOptimizer } from '../load-program.js';
import { positiveInteger, finiteNumber, nonNegativeInteger, widthList } from '../options.js';
import { stepProgress } from '../progress.js';
import { evalBlocks, printBlockRows } from './eval-block.js';
import { collectSweep, lrSweep, runSweep, sweepAxes } from './eval-sweep.js';
import { isBlockFile } from './inspect-block.js';
import { addTransformerOptions, printBitsTable, transformerOverrides, type TransformerOptions } from './eval-transformer.js';
import type { SweepAxis } from '../../tasks/index.js';

interface EvalOptions extends TransformerOptions {
  readonly task: string;
  readonly steps?: number;
  readonly batch?: number;
  readonly lr?: number;
  readonly seed?: number;
  readonly hidden?: number[];
  readonly activation?: Activation;
  readonly schedule?: ScheduleName;
  readonly warmup?: number;
  readonly backend: string;
  readonly json?: boolean;
  readonly lrSweep?: SweepAxis;
  readonly sweep?: SweepAxis[];
}

export function registerEval(program: Command): void {
  addTransformerOptions(program
    .command('eval'))
    .description('train one model per program on a proxy task, all programs in one batch, and print what each reached')
    .argument('<files...>', 'optimizer programs (.dsl), or block programs with --task charlm')
    .addOption(new Option('--task <name>', 'proxy task').choices([...TASK_NAMES]).default('mlp-mnist'))
    .option('--steps <n>', 'training steps (default: the task\'s)', positiveInteger)
    .option('--batch <n>', 'rows per training batch (default: the task\'s)', positiveInteger)
    .option('--lr <x>', 'peak learning rate of the schedule (default: the task\'s)', finiteNumber)
    .option('--seed <s>', 'initialisation seed (default: the task\'s)', nonNegativeInteger)
    .option('--hidden <widths>', 'hidden layer widths, comma-separated, e.g. 128,64 (default: the task\'s)', widthList)
    .addOption(new Option('--activation <name>', 'hidden activation (default: the task\'s)').choices(['relu', 'tanh', 'gelu']))
    .addOption(new Option('--schedule <name>', 'learning-rate schedule (default: the task\'s)').choices([...SCHEDULE_NAMES]))
    .option('--warmup <n>', 'linear warm-up steps (default: the task\'s)', nonNegativeInteger)
    .addOption(new Option('--backend <name>', 'where to train').choices(['auto', 'webgpu', 'cpu']).default('auto'))
    .option('--json', 'print a JSON array with one object per file')
    .option('--verbose', 'also show the GPU driver\'s own diagnostics')
    .option('--lr-sweep <values>', 'train each program at each lr multiplier, e.g. 1e-4,3e-4,1e-3, and report it at its best (same as --sweep lr=...)', lrSweep)
    .option('--sweep <name=values>', 'train each program at each value of a named constant, e.g. wd=0.01,0.1 (repeatable: the grid of all)', collectSweep)
    .action(async (files: string[], options: EvalOptions) => {
      const blocks = files.filter(isBlockFile);
      if (blocks.length > 0) {
        if (blocks.length < files.length) throw new UsageError('eval takes optimizer programs or block programs, not both at once');
        const rows = await evalBlocks(files, options);
        if (options.json) process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
        else printBlockRows(rows);
        return;
      }
      const transformer = transformerOverrides(options);
      const programs = files.map(loadOptimizer);
      const backend = options.backend;
      if (!isBackendChoice(backend)) throw new UsageError(`unknown backend '${backend}'`);
      const axes = sweepAxes(options.lrSweep, options.sweep);
      if (axes.length > 0) {
        const sweepProgress = stepProgress(`${options.task}: sweep of ${files.length} program(s)`);
        try {
          await runSweep(files, programs, axes, (variants) => evaluatePrograms({
            task: options.task,
            programs: variants,
            backend: backend as BackendChoice,
            overrides: {
              steps: options.steps, batch: options.batch, lr: options.lr, seed: options.seed, hidden: options.hidden,
              activation: options.activation, schedule: options.schedule, warmup: options.warmup, transformer,
            },
            onStep: sweepProgress.update,
          }), options.json === true);
        } finally {
          sweepProgress.stop();
        }
        return;
      }
      const progress = stepProgress(`${options.task}: ${files.length} replica(s)`);
      let report: EvaluationReport;
      try {
        report = await evaluatePrograms({
          task: options.task,
          programs,
          backend: backend as BackendChoice,
          overrides: {
            steps: options.steps, batch: options.batch, lr: options.lr, seed: options.seed, hidden: options.hidden,
            activation: options.activation, schedule: options.schedule, warmup: options.warmup, transformer,
          },
          onStep: progress.update,
        });
      } finally {
        progress.stop();
      }
      const rows = files.map((file, i) => row(file, report, report.results[i]!));
      if (options.json) process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
      else printTable(report, rows);
      if (report.results.some((r) => r.status === 'invalid')) process.exitCode = EXIT_FAILURE;
    });
}

interface Row {
  readonly file: string;
  readonly task: string;
  readonly steps: number;
  readonly trainLoss: number | null;
  readonly valLoss: number | null;
  readonly valAccuracy: number | null;
  /** Validation bits per character, on a language-model task. */
  readonly bitsPerChar?: number | null;
  readonly diverged: boolean;
  readonly divergedAt?: number;
  readonly seconds: number;
  readonly stepsPerSecond: number;
  readonly backend: string;
  readonly error?: string;
}

/** JSON has no NaN or Infinity: a non-finite metric is null. */
const finite = (x: number): number | null => (Number.isFinite(x) ? x : null);

function row(file: string, report: EvaluationReport, result: CandidateEvaluation): Row {
  const base = { file, task: report.task, steps: report.settings.steps, seconds: report.seconds, stepsPerSecond: report.settings.steps / report.seconds, backend: report.backend };
  const bits = report.settings.transformer === undefined ? {} : { bitsPerChar: result.status === 'invalid' ? null : finite(result.bitsPerChar ?? NaN) };
  if (result.status === 'invalid') return { ...base, trainLoss: null, valLoss: null, valAccuracy: null, ...bits, diverged: false, error: result.reason };
  return {
    ...base,
    ...bits,
    trainLoss: finite(result.trainLoss),
    valLoss: finite(result.valLoss),
    valAccuracy: finite(result.valAccuracy),
    diverged: result.status === 'diverged',
    ...(result.divergedAt === undefined ? {} : { divergedAt: result.divergedAt }),
  };
}

function printTable(report: EvaluationReport, rows: readonly Row[]): void {
  if (report.settings.transformer !== undefined) return printBitsTable(report, rows);
  const fmt = (x: number | null, digits: number) => (x === null ? 'nan' : x.toFixed(digits));
  const header = ['file', 'train loss', 'val loss', 'val acc', 'diverged', 'seconds', 'steps/s'];
  const body = rows.map((r) => [
    r.file,
    fmt(r.trainLoss, 4),
    fmt(r.valLoss, 4),
    fmt(r.valAccuracy, 4),
    r.error !== undefined ? 'invalid' : r.diverged ? `yes (step ${r.divergedAt})` : 'no',
    r.seconds.toFixed(2),
    r.stepsPerSecond.toFixed(0),
  ]);
  const widths = header.map((h, c) => Math.max(h.length, ...body.map((b) => b[c]!.length)));
  const line = (cells: readonly string[]) => cells.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ');
  const { steps, batch, hidden, activation, schedule, lr } = report.settings;
  process.stdout.write(`${report.task}: ${steps} steps, batch ${batch}, hidden ${hidden.join('-')} ${activation}, ${schedule} lr ${lr}, ${report.backend} (${report.device})\n`);
  process.stdout.write(`${line(header)}\n${[...body.map(line)].join('\n')}\n`);
  for (const r of rows) if (r.error !== undefined) process.stderr.write(`${r.file}: ${r.error}\n`);
}
