// The canonical printer: parse(print(p)) equals p, printing is stable, and parentheses appear only where needed.
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { withoutPositions, type Expr, type Program } from '../../src/dsl/ast.js';
import { parseProgram } from '../../src/dsl/parser.js';
import { printExpr, printNumber, printProgram } from '../../src/dsl/printer.js';
import { FLOAT32_MAX, arbExpr, arbOptimizer, programOf } from './arbitraries.js';

function roundTrips(p: Program): void {
  const text = printProgram(p);
  const parsed = parseProgram(text);
  expect(withoutPositions(parsed)).toEqual(withoutPositions(p));
  expect(printProgram(parsed)).toBe(text);
}

/** Parses the expression of `y = <text>`. */
function expr(text: string): Expr {
  return parseProgram(`def f(x):\n    y = ${text}\n    return y\n`).body[0]!.value;
}

describe('round trip', () => {
  test('generated optimizers', () => {
    fc.assert(fc.property(arbOptimizer(), roundTrips), { numRuns: 500 });
  });

  test('expression trees of every form, with awkward literals', () => {
    fc.assert(fc.property(arbExpr(), (e) => roundTrips(programOf(e))), { numRuns: 500 });
  });

  test('deeper expression trees', () => {
    fc.assert(fc.property(arbExpr(9), (e) => roundTrips(programOf(e))), { numRuns: 150 });
  });

  test('text that is already canonical prints back unchanged', () => {
    fc.assert(
      fc.property(arbExpr(), (e) => {
        const text = printExpr(e);
        expect(printExpr(expr(text))).toBe(text);
      }),
      { numRuns: 300 },
    );
  });

  test('number literals keep their value, including -0 and extremes', () => {
    for (const value of [0, -0, 1e-8, 1e21, 1e-7, 5e-324, -5e-324, FLOAT32_MAX, 0.1, 1 / 3, -2.5e-300, 123456789012345680000]) {
      const parsed = expr(printNumber(value));
      expect(parsed.kind).toBe('number');
      expect(Object.is((parsed as { value: number }).value, value)).toBe(true);
    }
  });
});

describe('canonical text', () => {
  const cases: [string, string][] = [
    ['-x ** 2', '-x ** 2'],
    ['(-x) ** 2', '(-x) ** 2'],
    ['-(x ** 2)', '-x ** 2'],
    ['2 ** -3', '2 ** -3'],
    ['2 ** (-3)', '2 ** -3'],
    ['(-2) ** 2', '(-2) ** 2'],
    ['-2 ** 2', '-2 ** 2'],
    ['2 ** 3 ** 2', '2 ** 3 ** 2'],
    ['(2 ** 3) ** 2', '(2 ** 3) ** 2'],
    ['2 ** -x ** 2', '2 ** -x ** 2'],
    ['a - (b - c)', 'a - (b - c)'],
    ['(a - b) - c', 'a - b - c'],
    ['a / (b * c)', 'a / (b * c)'],
    ['(a / b) * c', 'a / b * c'],
    ['a * (b + c)', 'a * (b + c)'],
    ['-(a + b)', '-(a + b)'],
    ['- - x', '-(-x)'],
    ['-(-3)', '-(-3)'],
    ['-(3)', '-(3)'],
    ['-0', '-0'],
    ['x - -0', 'x - -0'],
    ['a * -b', 'a * -b'],
    ['-a * b', '-a * b'],
    ['1E-8 + 1e+21 + 1.50', '1e-8 + 1e+21 + 1.5'],
    ['.5 + 5.', '0.5 + 5'],
    ['f(  a,b , k = 2 )', 'f(a, b, k=2)'],
    ['((x))', 'x'],
  ];
  for (const [source, canonical] of cases) {
    test(`${source}  →  ${canonical}`, () => {
      expect(printExpr(expr(source))).toBe(canonical);
      expect(withoutPositions(programOf(expr(canonical)))).toEqual(withoutPositions(programOf(expr(source))));
    });
  }

  test('a program: 4-space indent, one statement a line, a final newline, comments dropped', () => {
    const source = 'def  train( w,g , lr ) :  # header\n\n\tupdate=g*lr # why\n\treturn update\n';
    expect(printProgram(parseProgram(source))).toBe('def train(w, g, lr):\n    update = g * lr\n    return update\n');
  });
});
