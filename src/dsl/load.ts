// Text → checked program (an optimizer or a block): the entry points most callers want.
import type { Program } from './ast.js';
import { checkBlock, type BlockCheckOptions, type CheckedBlock } from './block-check.js';
import { checkOptimizer, type CheckedOptimizer } from './check.js';
import { ErrorSink } from './errors.js';
import type { Dialect } from './ops.js';
import { parseProgram } from './parser.js';

/** Parses and checks an optimizer program; throws DslError with file:line:col on bad input. */
export function parseOptimizer(source: string, file = '<input>'): CheckedOptimizer {
  return checkOptimizer(parseProgram(source, file), new ErrorSink(file, source));
}

/** Parses and checks a block program; throws DslError with file:line:col on bad input. */
export function parseBlock(source: string, file = '<input>', options: BlockCheckOptions = {}): CheckedBlock {
  return checkBlock(parseProgram(source, file), new ErrorSink(file, source), options);
}

/**
 * The dialect a program is written in: a block is `def block(...)`, or any def whose one parameter
 * is not an optimizer's (optimizers take w, g and lr).
 */
export function detectDialect(program: Program): Dialect {
  if (program.name === 'block') return 'block';
  const params = program.params.map((p) => p.name);
  return params.length === 1 && !['w', 'g', 'lr'].includes(params[0]!) ? 'block' : 'optimizer';
}
