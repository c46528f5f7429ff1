// The `symevo` command line: wires each subcommand into one commander program.
import { Command, CommanderError } from 'commander';
import { registerCheck } from './commands/check.js';
import { registerDoctor } from './commands/doctor.js';
import { registerEval } from './commands/eval.js';
import { registerExport } from './commands/export.js';
import { registerSearch } from './commands/search.js';
import { registerInspect } from './commands/inspect.js';
import { registerReport } from './commands/report.js';
import { registerSpace } from './commands/space.js';
import { registerWorker } from './commands/worker.js';
import { UsageError, EXIT_USAGE } from './exit.js';
import { runInQuietChild } from './quiet-child.js';

export function buildProgram(): Command {
  const program = new Command('symevo')
    .description('Discover optimizers and Transformer blocks by evolving small programs.')
    .version(process.env['npm_package_version'] ?? '0.1.0')
    .showHelpAfterError()
    .exitOverride();
  registerCheck(program);
  registerInspect(program);
  registerReport(program);
  registerExport(program);
  registerSpace(program);
  registerEval(program);
  registerSearch(program);
  registerDoctor(program);
  registerWorker(program);
  return program;
}

/** Runs the CLI and resolves to the process exit code; never throws for bad input. */
export async function main(argv: readonly string[]): Promise<number> {
  const childExit = await runInQuietChild(argv);
  if (childExit !== undefined) return childExit;
  const program = buildProgram();
  try {
    await program.parseAsync(argv as string[]);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version end through here with exit code 0.
      return err.exitCode === 0 ? 0 : EXIT_USAGE;
    }
    if (err instanceof UsageError) {
      process.stderr.write(`symevo: ${err.message}\n`);
      return EXIT_USAGE;
    }
    throw err;
  }
}
