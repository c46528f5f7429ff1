// `symevo check FILE...`: validate programs; exit 2 if any is invalid.
import type { Command } from 'commander';
import { DslError, parseOptimizer } from '../../dsl/index.js';
import { EXIT_USAGE, UsageError } from '../exit.js';
import { readSource } from '../load-program.js';

interface FileResult {
  readonly file: string;
  readonly ok: boolean;
  readonly statements?: number;
  readonly error?: { readonly line?: number; readonly col?: number; readonly message: string };
}

function checkFile(file: string): FileResult {
  try {
    const checked = parseOptimizer(readSource(file), file);
    return { file, ok: true, statements: checked.program.body.length };
  } catch (err) {
    if (err instanceof DslError) {
      return { file, ok: false, error: { line: err.pos.line, col: err.pos.col, message: err.format() } };
    }
    if (err instanceof UsageError) return { file, ok: false, error: { message: err.message } };
    throw err;
  }
}

export function registerCheck(program: Command): void {
  program
    .command('check')
    .description('check that program files parse and type-check; exit 2 if any does not')
    .argument('<files...>', 'program files (.dsl)')
    .option('--json', 'print one JSON document with a result per file')
    .action((files: string[], options: { json?: boolean }) => {
      const results = files.map(checkFile);
      if (options.json) {
        process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
      } else {
        for (const r of results) {
          if (r.ok) process.stdout.write(`${r.file}: ok (${r.statements} statements)\n`);
          else process.stderr.write(`${r.error!.message}\n`);
        }
      }
      if (results.some((r) => !r.ok)) process.exitCode = EXIT_USAGE;
    });
}
