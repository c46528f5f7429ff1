// The parser: precedence and program shape, and robustness: on any text it returns a program or
// throws a DslError with a sane position, quickly.
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { withoutPositions, type Expr } from '../../src/dsl/ast.js';
import { DslError } from '../../src/dsl/errors.js';
import { runStep } from '../../src/dsl/interpret.js';
import { parseOptimizer } from '../../src/dsl/load.js';
import { parseProgram } from '../../src/dsl/parser.js';
import { printExpr, printProgram } from '../../src/dsl/printer.js';
import { arbOptimizer } from './arbitraries.js';

/** The expression of `y = <text>`, without positions. */
function expr(text: string): Expr {
  const p = parseProgram(`def f(x):\n    y = ${text}\n    return y\n`);
  return withoutPositions(p).body[0]!.value;
}

/** Fully parenthesised text of an expression tree, to state precedence plainly. */
function tree(e: Expr): string {
  switch (e.kind) {
    case 'number':
      return Object.is(e.value, -0) ? '-0' : String(e.value);
    case 'name':
      return e.id;
    case 'negate':
      return `neg(${tree(e.operand)})`;
    case 'binary':
      return `(${tree(e.left)} ${e.op} ${tree(e.right)})`;
    case 'call':
      return `${e.fn}(${[...e.args.map(tree), ...e.keywords.map((k) => `${k.name}=${tree(k.value)}`)].join(', ')})`;
  }
}

describe('precedence and associativity', () => {
  const cases: [string, string][] = [
    ['a + b * c', '(a + (b * c))'],
    ['a - b - c', '((a - b) - c)'],
    ['a / b / c', '((a / b) / c)'],
    ['a * b / c * d', '(((a * b) / c) * d)'],
    ['a ** b ** c', '(a ** (b ** c))'],
    ['-a ** b', 'neg((a ** b))'],
    ['-2 ** 2', 'neg((2 ** 2))'],
    ['(-2) ** 2', '(-2 ** 2)'],
    ['2 ** -a', '(2 ** neg(a))'],
    ['2 ** -3', '(2 ** -3)'],
    ['2 ** -3 ** 2', '(2 ** neg((3 ** 2)))'],
    ['-3', '-3'],
    ['- 3', '-3'],
    ['-0', '-0'],
    ['x * -3', '(x * -3)'],
    ['x - -3', '(x - -3)'],
    ['-x * y', '(neg(x) * y)'],
    ['--x', 'neg(neg(x))'],
    ['-(3)', 'neg(3)'],
    ['-a + b', '(neg(a) + b)'],
    ['a ** -b * c', '((a ** neg(b)) * c)'],
    ['f(a, b + c, k=d)', 'f(a, (b + c), k=d)'],
    ['f()', 'f()'],
    ['f(a,)', 'f(a)'],
    ['(((a)))', 'a'],
  ];
  for (const [source, expected] of cases) {
    test(`${source}  is  ${expected}`, () => expect(tree(expr(source))).toBe(expected));
  }
});

describe('programs', () => {
  test('name, parameters, body, return and positions', () => {
    const p = parseProgram('# header\ndef train(w, g, lr):\n    update = g * lr\n    return update\n', 'x.dsl');
    expect(p.name).toBe('train');
    expect(p.params.map((q) => q.name)).toEqual(['w', 'g', 'lr']);
    expect(p.params[1]!.pos).toEqual({ line: 2, col: 14 });
    expect(p.body).toHaveLength(1);
    expect(p.body[0]!.target).toBe('update');
    expect(p.body[0]!.pos).toEqual({ line: 3, col: 5 });
    expect(p.body[0]!.value.pos).toEqual({ line: 3, col: 16 }); // the operator
    expect(p.ret.pos).toEqual({ line: 4, col: 5 });
    expect(p.pos).toEqual({ line: 2, col: 1 });
  });

  test('no parameters and several return values', () => {
    const p = parseProgram('def step():\n    return 1, 2\n');
    expect(p.params).toEqual([]);
    expect(p.ret.values.map(printExpr)).toEqual(['1', '2']);
  });

  test('a return-only body', () => {
    expect(parseProgram('def f(w, g, lr):\n    return g\n').body).toEqual([]);
  });

  test('the file error names the file', () => {
    expect(() => parseProgram('', 'my_opt.dsl')).toThrow(/^my_opt\.dsl:1:1: /);
  });
});

// ---------------------------------------------------------------------------------------------
// Robustness

/** Runs the front end on any text: a checked program, or a DslError; anything else fails. */
function frontEnd(source: string): void {
  let checked;
  try {
    checked = parseOptimizer(source, 'fuzz.dsl');
  } catch (e) {
    if (!(e instanceof DslError)) throw e;
    const lines = source.split(/\r\n|\r|\n/);
    expect(e.pos.line).toBeGreaterThanOrEqual(1);
    expect(e.pos.line).toBeLessThanOrEqual(lines.length);
    expect(e.pos.col).toBeGreaterThanOrEqual(1);
    expect(e.pos.col).toBeLessThanOrEqual(lines[e.pos.line - 1]!.length + 1);
    expect(e.sourceLine).toBe(lines[e.pos.line - 1]);
    expect(e.message.startsWith(`fuzz.dsl:${e.pos.line}:${e.pos.col}: `)).toBe(true);
    expect(e.format().split('\n')).toHaveLength(3);
    return;
  }
  // Whatever checks also runs, and prints canonically.
  const n = 3;
  const vec = () => new Float32Array([0.5, -1, 2]);
  runStep(checked, { w: vec(), g: vec(), lr: 0.1, step: 1, slots: checked.signature.slots.map(() => new Float32Array(n)) });
  const text = printProgram(checked.program);
  expect(printProgram(parseProgram(text))).toBe(text);
}

const FRAGMENTS = [
  'def', ' ', 'f', '(', ')', ':', '\n', '    ', '\t', 'w', ',', 'g', 'lr', 'm', '=', 'return', 'x', '+', '-', '*',
  '**', '/', '1', '2.5', '1e-8', '#', 'norm', 'sign', 'interp', 'k=', '\r\n', 'if', '.', '0',
];

const EDIT_TEXT = ['(', ')', ':', ',', '=', '\n', '\r', ' ', '    ', '\t', '#', '-', '*', '**', '.', 'e', '1', 'g', 'm', 'v', 'return', 'é', '\u0000'];

interface Edit {
  readonly at: number;
  readonly kind: 'insert' | 'delete' | 'replace';
  readonly text: string;
}

function applyEdits(source: string, edits: readonly Edit[]): string {
  return edits.reduce((s, { at, kind, text }) => {
    const i = at % (s.length + 1);
    if (kind === 'insert') return s.slice(0, i) + text + s.slice(i);
    if (kind === 'delete') return s.slice(0, i) + s.slice(i + 1);
    return s.slice(0, i) + text + s.slice(i + 1);
  }, source);
}

const arbEdit: fc.Arbitrary<Edit> = fc.record({
  at: fc.nat(),
  kind: fc.constantFrom('insert', 'delete', 'replace'),
  text: fc.constantFrom(...EDIT_TEXT),
});

describe('robustness', () => {
  test('arbitrary ASCII text', () => {
    fc.assert(fc.property(fc.string({ maxLength: 200 }), frontEnd), { numRuns: 500 });
  });

  test('arbitrary Unicode text, lone surrogates included', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 200 }), frontEnd), { numRuns: 500 });
  });

  test('text built from the language\'s own tokens', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...FRAGMENTS), { maxLength: 80 }), (parts) => frontEnd(parts.join(''))),
      { numRuns: 500 },
    );
  });

  test('valid programs with a few characters inserted, deleted or replaced', () => {
    fc.assert(
      fc.property(arbOptimizer(), fc.array(arbEdit, { minLength: 1, maxLength: 4 }), (p, edits) =>
        frontEnd(applyEdits(printProgram(p), edits)),
      ),
      { numRuns: 500 },
    );
  });

  test('valid programs with a preamble line, a CRLF or a tab layout still parse to the same program', () => {
    fc.assert(
      fc.property(arbOptimizer(), fc.constantFrom('crlf', 'tabs', 'comments'), (p, variant) => {
        const text = printProgram(p);
        const changed =
          variant === 'crlf' ? text.replace(/\n/g, '\r\n') : variant === 'tabs' ? text.replace(/^ {4}/gm, '\t') : `# c\n${text.replace(/\n/g, '  # c\n')}`;
        expect(withoutPositions(parseProgram(changed))).toEqual(withoutPositions(p));
      }),
      { numRuns: 200 },
    );
  });
});

describe('hostile input fails fast with a DslError', () => {
  const body = (expression: string) => `def f(w, g, lr):\n    u = ${expression}\n    return u\n`;
  const cases: [string, string, RegExp][] = [
    ['100000 open parentheses', '('.repeat(100_000), /'\(' was never closed/],
    ['100000 nested parentheses', body(`${'('.repeat(100_000)}g${')'.repeat(100_000)}`), /nested more than 200/],
    ['100000 unary minuses', body(`${'-'.repeat(100_000)}g`), /nested more than 200/],
    ['100000 unary minuses before a number', body(`${'-'.repeat(100_000)}1`), /nested more than 200/],
    ['a chain of 100000 additions', body(`g${' + g'.repeat(100_000)}`), /nested more than 200/],
    ['a chain of 100000 products', body(`g${' * g'.repeat(100_000)}`), /nested more than 200/],
    ['a tower of 100000 powers', body(`g${' ** g'.repeat(100_000)}`), /nested more than 200/],
    ['100000 nested calls', body(`${'abs('.repeat(100_000)}g${')'.repeat(100_000)}`), /nested more than 200/],
    ['100000 unmatched closing parentheses', body(`g${')'.repeat(100_000)}`), /unmatched '\)'/],
    ['one million characters of names on one line', 'x '.repeat(500_000), /expected 'def'/],
    ['3000 lines, each indented deeper', Array.from({ length: 3000 }, (_, i) => `${' '.repeat(i)}x`).join('\n'), /expected 'def'/],
  ];
  for (const [label, source, message] of cases) {
    test(label, () => {
      const started = performance.now();
      expect(() => parseOptimizer(source)).toThrow(DslError);
      expect(() => parseOptimizer(source)).toThrow(message);
      expect(performance.now() - started).toBeLessThan(2000);
    });
  }

  test('200 levels are still accepted, and so is a program of 20000 statements', () => {
    expect(() => parseOptimizer(body(`${'('.repeat(150)}g${')'.repeat(150)}`))).not.toThrow();
    expect(() => parseOptimizer(body(`g${' + g'.repeat(150)}`))).not.toThrow();
    const long = `def f(w, g, lr):\n${'    u = g * lr\n'.repeat(20_000)}    return u\n`;
    expect(parseOptimizer(long).program.body).toHaveLength(20_000);
  });
});
