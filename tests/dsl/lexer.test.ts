// The lexer: tokens, Python-style layout (NEWLINE, INDENT, DEDENT) and the errors it raises itself.
import { describe, expect, test } from 'vitest';
import { DslError, ErrorSink } from '../../src/dsl/errors.js';
import { tokenize, type Token } from '../../src/dsl/lexer.js';

const lex = (source: string): Token[] => tokenize(source, new ErrorSink('<t>', source));
/** Tokens as short strings: `name:x`, `op:(`, `number:1e-8`, `newline`, ... */
const kinds = (source: string): string[] =>
  lex(source).map((t) => (['name', 'number', 'op'].includes(t.kind) ? `${t.kind}:${t.text}` : t.kind));

function lexError(source: string): DslError {
  try {
    lex(source);
  } catch (e) {
    if (e instanceof DslError) return e;
    throw e;
  }
  throw new Error(`no error for ${JSON.stringify(source)}`);
}

describe('tokens', () => {
  test('a small program', () => {
    expect(kinds('def f(w):\n    u = w ** 2  # square\n    return u\n')).toEqual([
      'name:def', 'name:f', 'op:(', 'name:w', 'op:)', 'op::', 'newline',
      'indent', 'name:u', 'op:=', 'name:w', 'op:**', 'number:2', 'newline',
      'name:return', 'name:u', 'newline',
      'dedent', 'eof',
    ]);
  });

  test('positions are 1-based line and column', () => {
    const tokens = lex('def f(w):\n    u = w\n');
    const u = tokens.find((t) => t.text === 'u')!;
    expect(u.pos).toEqual({ line: 2, col: 5 });
    expect(tokens.find((t) => t.kind === 'indent')!.pos).toEqual({ line: 2, col: 5 });
    expect(tokens[tokens.length - 1]!.pos).toEqual({ line: 3, col: 1 });
  });

  test('number forms are kept as written', () => {
    for (const text of ['3', '0.9', '1.', '.5', '1e-8', '2E+3', '1e+21', '5e-324', '007']) {
      expect(kinds(text)).toEqual([`number:${text}`, 'newline', 'eof']);
    }
  });

  test('a minus is an operator token; the parser decides whether it belongs to a number', () => {
    expect(kinds('-3')).toEqual(['op:-', 'number:3', 'newline', 'eof']);
    expect(kinds('x--3')).toEqual(['name:x', 'op:-', 'op:-', 'number:3', 'newline', 'eof']);
    expect(kinds('x***y')).toEqual(['name:x', 'op:**', 'op:*', 'name:y', 'newline', 'eof']);
  });

  test('names may hold digits and underscores, and look like keywords', () => {
    expect(kinds('_a1 m_hat if2 defx')).toEqual(['name:_a1', 'name:m_hat', 'name:if2', 'name:defx', 'newline', 'eof']);
  });
});

describe('layout', () => {
  test('blank and comment-only lines are skipped at any indentation', () => {
    const source = 'def f(w):\n\n        # deep comment\n    u = w\n  # shallow comment\n\n    return u\n';
    expect(kinds(source)).toEqual(kinds('def f(w):\n    u = w\n    return u\n'));
  });

  test('a newline inside parentheses continues the line, whatever its indentation', () => {
    expect(kinds('def f(w):\n    u = max(w,\n  w)\n    return u\n')).toEqual(kinds('def f(w):\n    u = max(w, w)\n    return u\n'));
  });

  test('\\n, \\r\\n and \\r all end lines', () => {
    const expected = kinds('def f(w):\n    return w\n');
    expect(kinds('def f(w):\r\n    return w\r\n')).toEqual(expected);
    expect(kinds('def f(w):\r    return w\r')).toEqual(expected);
  });

  test('tabs are a consistent indentation too', () => {
    expect(kinds('def f(w):\n\tu = w\n\treturn u\n')).toEqual(kinds('def f(w):\n    u = w\n    return u\n'));
  });

  test('each deeper level opens an INDENT; a return to an outer level closes each one', () => {
    expect(kinds('a\n  b\n    c\nd\n')).toEqual([
      'name:a', 'newline', 'indent', 'name:b', 'newline', 'indent', 'name:c', 'newline', 'dedent', 'dedent', 'name:d', 'newline', 'eof',
    ]);
  });

  test('open levels close at the end of the file, even without a final newline', () => {
    expect(kinds('a\n  b')).toEqual(['name:a', 'newline', 'indent', 'name:b', 'newline', 'dedent', 'eof']);
  });
});

describe('errors', () => {
  const cases: { source: string; message: string; line: number; col: number }[] = [
    { source: 'u = g $ 2', message: "unexpected character '$'", line: 1, col: 7 },
    { source: 'u = g × 2', message: 'unexpected character U+00D7', line: 1, col: 7 },
    { source: 'u = 🙂', message: 'unexpected character U+1F642', line: 1, col: 5 },
    { source: 'u = "a"', message: `unexpected character '"'`, line: 1, col: 5 },
    { source: 'u = 12abc', message: "invalid number literal '12abc'", line: 1, col: 5 },
    { source: 'u = 1.2.3 + x', message: "invalid number literal '1.2.3'", line: 1, col: 5 },
    { source: 'u = 1e', message: "invalid number literal '1e'", line: 1, col: 5 },
    { source: 'u = (g\n\n', message: "'(' was never closed", line: 1, col: 5 },
    { source: 'u = (g))', message: "unmatched ')'", line: 1, col: 8 },
    { source: 'a\n    b\n  c\n', message: 'unindent does not match any outer indentation level', line: 3, col: 3 },
    { source: 'a\n\tb\n    c\n', message: 'inconsistent use of tabs and spaces in indentation', line: 3, col: 5 },
  ];
  for (const c of cases) {
    test(`${JSON.stringify(c.source)}: ${c.message}`, () => {
      const err = lexError(c.source);
      expect(err.detail).toBe(c.message);
      expect(err.pos).toEqual({ line: c.line, col: c.col });
      expect(err.message).toBe(`<t>:${c.line}:${c.col}: ${c.message}`);
    });
  }
});
