// `symevo check FILE...`: validate programs; exit 2 if any is invalid.
import type { Command } from 'commander';
import { checkBlock, checkOptimizer, detectDialect, DslError, ErrorSink, parseProgram, type Dialect } from '../../dsl/index.js';
import { EXIT_USAGE, UsageError } from '../exit.js';
import { readSource } from '../load-program.js';

interface FileResult {
  readonly file: string;
  readonly ok: boolean;
  readonly dialect?: Dialect;
  readonly statements?: number;
  readonly error?: { readonly line?: number; readonly col?: number; readonly message: string };
}

function checkFile(file: string, forced?: Dialect): FileResult {
  try {
    const source = readSource(file);
    const parsed = parseProgram(source, file);
    const dialect = forced ?? detectDialect(parsed);
    const errors = new ErrorSink(file, source);
    const checked = dialect === 'block' ? checkBlock(parsed, errors) : checkOptimizer(parsed, errors);
    return { file, ok: true, dialect, statements: checked.program.body.length };
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
    .option('--dialect <dialect>', 'optimizer or block (default: from the def, `def block(x)` is a block)')
    .action((files: string[], options: { json?: boolean; dialect?: string }) => {
      if (options.dialect !== undefined && options.dialect !== 'optimizer' && options.dialect !== 'block') {
        throw new UsageError(`--dialect must be optimizer or block (got ${options.dialect})`);
      }
      const results = files.map((file) => checkFile(file, options.dialect as Dialect | undefined));
      if (options.json) {
        process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
      } else {
        for (const r of results) {
          const kind = r.dialect === 'block' ? 'block, ' : '';
          if (r.ok) process.stdout.write(`${r.file}: ok (${kind}${r.statements} statements)\n`);
          else process.stderr.write(`${r.error!.message}\n`);
        }
      }
      if (results.some((r) => !r.ok)) process.exitCode = EXIT_USAGE;
    });
}
