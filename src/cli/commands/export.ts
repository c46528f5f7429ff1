// `symevo export FILE.dsl|runs/NAME#ID --to TARGET [-o OUT]`: a program as a self-contained optimizer
// for PyTorch, optax, NumPy or TypeScript.
import { existsSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { Option, type Command } from 'commander';
import { DslError, parseOptimizer, type CheckedOptimizer } from '../../dsl/index.js';
import { TARGETS, exportOptimizer, type Target } from '../../export/index.js';
import { JOURNAL_FILE, readJournal } from '../../search/index.js';
import { UsageError } from '../exit.js';
import { loadOptimizer } from '../load-program.js';

interface Source {
  readonly checked: CheckedOptimizer;
  /** Default optimizer name: the file's base name, or the run's name and the evaluation id. */
  readonly name: string;
}

/** `runs/NAME#ID` names evaluation ID of a run (read from its journal, without taking the run's lock). */
function loadSource(source: string): Source {
  const run = /^(.+)#(\d+)$/.exec(source);
  if (!run || existsSync(source)) return { checked: loadOptimizer(source), name: basename(source).replace(/\.[^.]*$/, '') };
  const [, dir, idText] = run as unknown as [string, string, string];
  if (!existsSync(join(dir, JOURNAL_FILE))) throw new UsageError(`${dir} is not a run directory: it has no ${JOURNAL_FILE}`);
  const { entries } = readJournal(dir);
  const id = Number(idText);
  const entry = entries.find((e) => e.id === id);
  if (!entry) {
    const ids = entries.map((e) => e.id);
    const range = ids.length > 0 ? `ids ${Math.min(...ids)} to ${Math.max(...ids)}` : 'no evaluations yet';
    throw new UsageError(`${dir} has no evaluation #${id} (${range})`);
  }
  try {
    return { checked: parseOptimizer(entry.program, source), name: `${basename(dir)}-${id}` };
  } catch (err) {
    if (err instanceof DslError) throw new UsageError(err.format());
    throw err;
  }
}

export function registerExport(program: Command): void {
  program
    .command('export')
    .description('write a program as a self-contained optimizer for PyTorch, optax, NumPy or TypeScript')
    .argument('<source>', 'program file (.dsl), or runs/NAME#ID for evaluation ID of a run')
    .addOption(new Option('--to <target>', 'framework to write for').choices(TARGETS).makeOptionMandatory())
    .option('-o, --out <file>', 'write the file here (default: standard output)')
    .option('--name <name>', 'optimizer name (default: the file name, or the run name and id)')
    .action((source: string, options: { to: Target; out?: string; name?: string }) => {
      const { checked, name } = loadSource(source);
      const text = exportOptimizer(checked, options.to, { name: options.name ?? name });
      if (options.out === undefined) {
        process.stdout.write(text);
        return;
      }
      try {
        writeFileSync(options.out, text);
      } catch (err) {
        throw new UsageError(`cannot write ${options.out}: ${(err as Error).message}`);
      }
      process.stderr.write(`wrote ${options.out} (${options.to})\n`);
    });
}
