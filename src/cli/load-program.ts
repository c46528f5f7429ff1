// Reads program files for the CLI, turning unreadable files and bad programs into UsageErrors.
import { readFileSync } from 'node:fs';
import { DslError, parseOptimizer, type CheckedOptimizer } from '../dsl/index.js';
import { UsageError } from './exit.js';

export function readSource(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : (err as Error).message;
    throw new UsageError(`cannot read ${file}: ${why}`);
  }
}

/** Loads and checks an optimizer program; a DslError becomes a UsageError carrying its formatted text. */
export function loadOptimizer(file: string): CheckedOptimizer {
  const source = readSource(file);
  try {
    return parseOptimizer(source, file);
  } catch (err) {
    if (err instanceof DslError) throw new UsageError(err.format());
    throw err;
  }
}
