// The block dialect's checker: widths, arity, keyword arguments, and errors at file:line:col.
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DslError, detectDialect, parseBlock, parseOptimizer, parseProgram, printWidth } from '../../src/dsl/index.js';

const block = (...lines: string[]) => `def block(x):\n${lines.map((l) => `    ${l}\n`).join('')}`;

function errorOf(source: string): DslError {
  try {
    parseBlock(source, 'b.dsl');
  } catch (err) {
    if (err instanceof DslError) return err;
    throw err;
  }
  throw new Error(`expected a DslError for:\n${source}`);
}

describe('block checker', () => {
  it('accepts the hand-written blocks and infers the width of every statement', () => {
    for (const name of ['transformer', 'primer']) {
      const checked = parseBlock(readFileSync(`dsl/blocks/${name}.dsl`, 'utf8'), `${name}.dsl`);
      const widths = checked.program.body.map((s) => checked.values.get(s.value));
      expect(widths.at(-1)).toEqual({ kind: 'activation', width: 4 });
      expect(checked.input).toBe('x');
    }
  });

  it('accepts every op of the dialect with constants, scaling and shifts', () => {
    const ok = block(
      'a = gelu(x) * 0.5 + sigmoid(x) - tanh(x) / 2',
      'b = max(abs(a), 0.1) + min(a, x) + -relu(a) * square(a)',
      'c = dconv(dense(b, width / 2), 7)',
      'd = attention(c, c, dense(b, width / 2), heads=8) + dense(b, width / 2)',
      'return x + dense(layer_norm(d), width) * (2 ** -1)',
    );
    const checked = parseBlock(ok);
    expect(checked.values.get(checked.program.body[3]!.value)).toEqual({ kind: 'activation', width: 0.5 });
  });

  it.each([
    [block('return dense(x, 4 * width)'), 1, 12, 'a block returns activations of width `width`; this is activations of width 4 * width'],
    [block('y = dense(x, 2 * width)', 'return x + y'), 2, 14, '`+` of activations of different widths: width and 2 * width'],
    [block('return dense(x, 64)'), 1, 21, "dense()'s size is a multiple of `width`"],
    [block('return attention(x, x, x)'), 1, 12, 'attention() needs the keyword argument heads='],
    [block('return attention(x, x, x, heads=3)'), 1, 22, '3 heads do not divide width = 64 features'],
    [block('return attention(x, x, x, heads=4, scale=2)'), 1, 40, "attention() takes only heads=; got 'scale='"],
    [block('return relu(x, heads=2)'), 1, 20, "relu() takes no keyword arguments; got 'heads='"],
    [block('return dconv(x, 2.5)'), 1, 21, 'dconv() taps must be a whole number from 1 to 31'],
    [block('return dconv(x, 0)'), 1, 21, 'dconv() taps must be a whole number from 1 to 31'],
    [block('return attention(x, x, dense(x, 2 * width), heads=4)'), 1, 12, 'attention() needs q, k and v of one width; got width, width, 2 * width'],
    [block('return dense(x)'), 1, 12, 'dense() takes 2 positional arguments, got 1'],
    [block('return x / x'), 1, 14, 'an activation can only be divided by a constant'],
    [block('return x ** 2'), 1, 14, 'write square(x)'],
    [block('return x * width'), 1, 14, 'an activation and a size cannot be combined'],
    [block('y = width', 'return x'), 1, 9, 'a size (a multiple of `width`) can only be an argument of dense()'],
    [block('width = x', 'return x'), 1, 5, "'width' names the model width and cannot be assigned"],
    [block('return relu(y)'), 1, 17, "undefined name 'y'"],
    [block('z = y', 'y = x', 'return z'), 1, 9, "'y' is used before it is assigned"],
    [block('return rlu(x)'), 1, 12, "unknown block function 'rlu'; did you mean 'relu'?"],
    [block('return add(x, x)'), 1, 12, "unknown block function 'add'; write the operator '+' instead"],
    [block('return sign(x)'), 1, 12, "unknown block function 'sign'"],
    [block('return dense(x, width / 128)'), 1, 27, 'must be a whole number of features'],
    [block('return dense(x, width - width)'), 1, 27, 'must be a whole number of features'],
    [block('return x, x'), 1, 5, 'a block returns one value'],
      ])('rejects %j at its line and column', (source, line, col, message) => {
    const err = errorOf(source);
    expect(err.message).toContain(message);
    expect([err.pos.line - 1, err.pos.col]).toEqual([line, col]);
    expect(err.format()).toContain(`b.dsl:${line + 1}:${col}:`);
    expect(err.format().split('\n')[2]).toBe(`${' '.repeat(4 + col - 1)}^`);
  });

  it('rejects a block of two parameters at its def', () => {
    const err = errorOf('def block(x, y):\n    return x\n');
    expect(err.format()).toContain('b.dsl:1:1: a block takes one parameter');
  });

  it('checks heads and widths at the model width asked for', () => {
    const source = block('return x + dense(attention(x, x, x, heads=8), width)');
    expect(() => parseBlock(source, 'b.dsl', { width: 64 })).not.toThrow();
    expect(() => parseBlock(source, 'b.dsl', { width: 36 })).toThrow('8 heads do not divide width = 36 features at model width 36');
  });

  it('tells the dialects apart by the def', () => {
    expect(detectDialect(parseProgram(block('return x')))).toBe('block');
    expect(detectDialect(parseProgram('def f(h):\n    return h\n'))).toBe('block');
    expect(detectDialect(parseProgram('def train(w, g, lr):\n    return g\n'))).toBe('optimizer');
    expect(() => parseOptimizer(block('return x'))).toThrow("an optimizer takes 'w' as a parameter");
  });

  it('prints widths as the dialect writes them', () => {
    expect([1, 4, 0.5, 0.25, 0.375].map(printWidth)).toEqual(['width', '4 * width', 'width / 2', 'width / 4', '0.375 * width']);
  });

  it('fails only with a DslError on token soup', () => {
    const pieces = ['x', 'width', 'q', '=', '+', '-', '*', '/', '**', '(', ')', ',', '0', '3', '2.5', '-1', 'heads', 'heads=4', 'dense', 'attention', 'dconv', 'relu', 'layer_norm', 'square', 'max', 'return', '\n    '];
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...pieces), { maxLength: 30 }), (tokens) => {
        const source = `def block(x):\n    ${tokens.join(' ')}\n    return x\n`;
        try {
          parseBlock(source);
        } catch (err) {
          expect(err).toBeInstanceOf(DslError);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
