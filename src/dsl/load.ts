// Text → checked optimizer program: the entry point most callers want.
import { checkOptimizer, type CheckedOptimizer } from './check.js';
import { ErrorSink } from './errors.js';
import { parseProgram } from './parser.js';

/** Parses and checks an optimizer program; throws DslError with file:line:col on bad input. */
export function parseOptimizer(source: string, file = '<input>'): CheckedOptimizer {
  return checkOptimizer(parseProgram(source, file), new ErrorSink(file, source));
}
