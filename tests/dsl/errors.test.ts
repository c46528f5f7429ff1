// Every kind of bad program text: the message, file:line:col, and the echoed line with a caret.
import { describe, expect, test } from 'vitest';
import { DslError } from '../../src/dsl/errors.js';
import { parseOptimizer } from '../../src/dsl/load.js';

interface Case {
  readonly label: string;
  readonly source: string;
  readonly message: string;
  readonly line: number;
  readonly col: number;
}

/** A program `def train(<params>):` whose body is the given lines, each indented by 4 spaces. */
const program = (params: string, ...body: string[]) => `def train(${params}):\n${body.map((l) => `    ${l}\n`).join('')}`;
const OPT = 'w, g, m, v, lr';

const CASES: Case[] = [
  // Files that hold no program
  { label: 'empty file', source: '', message: 'empty program', line: 1, col: 1 },
  { label: 'whitespace and comments only', source: '  \n# nothing here\n\t\n', message: 'empty program', line: 4, col: 1 },
  { label: 'binary garbage', source: '\x00\xff\x89PNG\r\n\x1a\n', message: 'unexpected character U+0000', line: 1, col: 1 },
  { label: 'something other than def', source: 'train(w, g, lr):\n', message: "expected 'def', found 'train'", line: 1, col: 1 },

  // Layout
  { label: 'unclosed parenthesis', source: program('w, g, lr', 'u = g * (lr + 1', 'return u'), message: "'(' was never closed", line: 2, col: 13 },
  { label: "unmatched ')'", source: program('w, g, lr', 'u = g * lr)', 'return u'), message: "unmatched ')'", line: 2, col: 15 },
  { label: 'unexpected indent in the body', source: program('w, g, lr', 'u = g', '    u = u * lr', 'return u'), message: 'unexpected indent', line: 3, col: 9 },
  { label: 'dedent to a level that never existed', source: 'def train(w, g, lr):\n    u = g\n  return u\n', message: 'unindent does not match any outer indentation level', line: 3, col: 3 },
  { label: 'tabs, then spaces', source: 'def train(w, g, lr):\n\tu = g\n    return u\n', message: 'inconsistent use of tabs and spaces in indentation', line: 3, col: 5 },
  { label: 'spaces, then a tab', source: 'def train(w, g, lr):\n    u = g\n\treturn u\n', message: 'inconsistent use of tabs and spaces in indentation', line: 3, col: 2 },
  { label: 'no indented body', source: 'def train(w, g, lr):\nreturn g\n', message: 'expected an indented body', line: 2, col: 1 },
  { label: 'missing colon', source: 'def train(w, g, lr)\n    return g\n', message: "expected ':', found the end of the line", line: 1, col: 20 },
  { label: 'missing comma between parameters', source: 'def train(w g, lr):\n    return g\n', message: "expected ',', found 'g'", line: 1, col: 13 },

  // Statements
  { label: 'statement after return', source: program('w, g, lr', 'return g', 'u = g'), message: '`return` must be the last statement', line: 3, col: 5 },
  { label: 'missing return', source: program('w, g, lr', 'u = g'), message: 'the function has no `return` statement', line: 2, col: 5 },
  { label: 'a second def', source: `${program('w, g, lr', 'return g')}def other(w):\n`, message: 'unexpected text after the function', line: 3, col: 1 },
  { label: 'missing =', source: program('w, g, lr', 'u g', 'return u'), message: "expected '=', found 'g'", line: 2, col: 7 },
  { label: 'missing operand', source: program('w, g, lr', 'u = g *', 'return u'), message: 'expected an expression, found the end of the line', line: 2, col: 12 },
  { label: 'two expressions on a line', source: program('w, g, lr', 'u = g lr', 'return u'), message: "expected the end of the line, found 'lr'", line: 2, col: 11 },
  { label: 'reserved word as a statement', source: program('w, g, lr', 'if g:', 'return g'), message: "found 'if'", line: 2, col: 5 },
  { label: 'reserved word in an expression', source: program('w, g, lr', 'u = g + None', 'return u'), message: "'None' is not part of the language", line: 2, col: 13 },
  { label: 'reserved word as a parameter', source: 'def train(w, g, lr, lambda):\n    return g\n', message: "expected a parameter name, found 'lambda'", line: 1, col: 21 },
  { label: 'nesting too deep', source: program('w, g, lr', `u = ${'('.repeat(300)}g${')'.repeat(300)}`, 'return u'), message: 'expression nested more than 200 levels deep', line: 2, col: 209 },

  // Literals
  { label: 'number out of range', source: program('w, g, lr', 'u = g * 1e999', 'return u'), message: 'number 1e999 is out of', line: 2, col: 13 },
  { label: 'invalid literal 1.2.3', source: program('w, g, lr', 'u = g * 1.2.3', 'return u'), message: "invalid number literal '1.2.3'", line: 2, col: 13 },
  { label: 'invalid literal 12abc', source: program('w, g, lr', 'u = 12abc', 'return u'), message: "invalid number literal '12abc'", line: 2, col: 9 },
  { label: 'a character outside the language', source: program('w, g, lr', 'u = g × lr', 'return u'), message: 'unexpected character U+00D7', line: 2, col: 11 },

  // Parameters
  { label: 'missing w', source: program('g, lr', 'return g'), message: "an optimizer takes 'w' as a parameter", line: 1, col: 1 },
  { label: 'missing g', source: program('w, lr', 'return w'), message: "an optimizer takes 'g' as a parameter", line: 1, col: 1 },
  { label: 'missing lr', source: program('w, g', 'return g'), message: "an optimizer takes 'lr' as a parameter", line: 1, col: 1 },
  { label: 'duplicate parameter', source: program('w, g, m, g, lr', 'return g, m'), message: "duplicate parameter 'g'", line: 1, col: 20 },

  // Names and calls
  { label: 'unknown function, with a suggestion', source: program(OPT, 'u = sgn(m)', 'return u, m, v'), message: "unknown function 'sgn'; did you mean 'sign'?", line: 2, col: 9 },
  { label: 'unknown function, nothing close', source: program(OPT, 'u = frobnicate(m)', 'return u, m, v'), message: "unknown function 'frobnicate'", line: 2, col: 9 },
  { label: 'wrong arity', source: program(OPT, 'u = interp(g, m)', 'return u, m, v'), message: 'interp() takes 3 arguments, got 2', line: 2, col: 9 },
  { label: 'wrong arity, one argument', source: program(OPT, 'u = sign(g, m)', 'return u, m, v'), message: 'sign() takes 1 argument, got 2', line: 2, col: 9 },
  { label: 'undefined name', source: program(OPT, 'u = g * beta', 'return u, m, v'), message: "undefined name 'beta'", line: 2, col: 13 },
  { label: 'name used before assignment', source: program(OPT, 'u = g * k', 'k = lr', 'return u, m, v'), message: "'k' is used before it is assigned", line: 2, col: 13 },
  { label: 'keyword argument in an optimizer', source: program(OPT, 'u = clip(g, c=lr)', 'return u, m, v'), message: 'keyword arguments belong to the block dialect, not to optimizers', line: 2, col: 17 },
  { label: 'reduction of a scalar', source: program(OPT, 'u = g / norm(lr)', 'return u, m, v'), message: 'norm() reduces a tensor; argument 1 is a scalar', line: 2, col: 13 },
  { label: 'reduction of a scalar variable', source: program(OPT, 's = mean(g)', 'u = g / rms(s)', 'return u, m, v'), message: 'rms() reduces a tensor; argument 1 is a scalar', line: 3, col: 13 },
  { label: 'clip_by_norm of a scalar', source: program(OPT, 'u = clip_by_norm(lr, 1)', 'return u, m, v'), message: 'clip_by_norm() needs a tensor as its first argument', line: 2, col: 9 },

  // Return
  { label: 'return omits a state slot', source: program(OPT, 'return g, m'), message: "return omits state slot 'v'", line: 2, col: 5 },
  { label: 'return with a wrong slot', source: program(OPT, 'return g, v, m'), message: "return value 2 must be the state slot 'm'", line: 2, col: 15 },
  { label: 'return with an expression in a slot', source: program(OPT, 'return g, m * 0.9, v'), message: "return value 2 must be the state slot 'm'", line: 2, col: 17 },
  { label: 'too many return values', source: program(OPT, 'return g, m, v, w'), message: 'return has 4 values; expected the update, then m, v', line: 2, col: 21 },
  { label: 'slots returned by a slotless optimizer', source: program('w, g, lr', 'return g, w'), message: 'return has 2 values; expected the update alone', line: 2, col: 15 },
  { label: 'empty return', source: program(OPT, 'return'), message: 'expected an expression, found the end of the line', line: 2, col: 11 },
];

function errorOf(source: string): DslError {
  try {
    parseOptimizer(source, 'opt.dsl');
  } catch (e) {
    if (e instanceof DslError) return e;
    throw e;
  }
  throw new Error('the program was accepted');
}

describe('error messages', () => {
  for (const c of CASES) {
    test(c.label, () => {
      const err = errorOf(c.source);
      expect(err.detail).toContain(c.message);
      expect(err.pos).toEqual({ line: c.line, col: c.col });
      expect(err.file).toBe('opt.dsl');
      expect(err.message).toBe(`opt.dsl:${c.line}:${c.col}: ${err.detail}`);

      // The echoed line is the source line (tabs as spaces, unprintables as ?), with the caret under the column.
      const sourceLine = c.source.split(/\r\n|\r|\n/)[c.line - 1] ?? '';
      expect(err.sourceLine).toBe(sourceLine);
      const [first, echoed, caret] = err.format().split('\n');
      expect(first).toBe(err.message);
      expect(echoed).toBe(`    ${[...sourceLine.replace(/\t/g, ' ')].map((ch) => (/[\x00-\x1f\x7f-\x9f\ufffd]/.test(ch) ? '?' : ch)).join('')}`);
      expect(caret).toBe(`    ${' '.repeat(c.col - 1)}^`);
    });
  }

  test('the caret sits under the offending text', () => {
    const err = errorOf(program(OPT, 'update = sgn(m)', 'return update, m, v'));
    expect(err.format()).toBe(
      [
        "opt.dsl:2:14: unknown function 'sgn'; did you mean 'sign'?",
        '        update = sgn(m)',
        '                 ^',
      ].join('\n'),
    );
  });

  test('unprintable characters are echoed as ?', () => {
    expect(errorOf('\x00\xff\x89PNG').format().split('\n')[1]).toBe('    ?\xff?PNG');
  });

  test('the message names no internals and carries no stack trace', () => {
    for (const c of CASES) {
      const text = errorOf(c.source).format();
      expect(text).not.toMatch(/\n\s+at |\.ts:\d+|\[object|'undefined'/);
    }
  });
});
