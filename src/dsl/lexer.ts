// Lexer: program text → tokens, with Python's INDENT/DEDENT/NEWLINE handling of layout.
//
// Layout rules: a logical line ends at a newline outside brackets; blank and comment-only lines
// are ignored; the indentation of each logical line is compared as a string with the stack of open
// levels, so tabs and spaces may be used but never mixed inconsistently.
import type { Pos } from './ast.js';
import { ErrorSink } from './errors.js';

export type TokenKind = 'name' | 'number' | 'op' | 'newline' | 'indent' | 'dedent' | 'eof';

export interface Token {
  readonly kind: TokenKind;
  /** The token's text; for numbers the literal as written. */
  readonly text: string;
  readonly pos: Pos;
}

const OPERATORS = ['**', '+', '-', '*', '/', '(', ')', ',', ':', '='] as const;
const NUMBER = /^(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?/;
const NAME = /^[A-Za-z_][A-Za-z0-9_]*/;

export function tokenize(source: string, errors: ErrorSink): Token[] {
  const tokens: Token[] = [];
  const indents: string[] = [''];
  const lines = source.split(/\r\n|\r|\n/);
  let depth = 0; // open brackets: newlines inside them do not end the line
  let openedAt: Pos | undefined;

  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const lineNo = i + 1;
    let col = 0;
    if (depth === 0) {
      const indent = /^[ \t]*/.exec(line)![0];
      const rest = line.slice(indent.length);
      if (rest === '' || rest.startsWith('#')) continue;
      col = indent.length;
      const pos = { line: lineNo, col: col + 1 };
      const top = indents[indents.length - 1]!;
      if (indent !== top) {
        if (indent.startsWith(top)) {
          indents.push(indent);
          tokens.push({ kind: 'indent', text: indent, pos });
        } else if (indents.includes(indent)) {
          while (indents[indents.length - 1] !== indent) {
            indents.pop();
            tokens.push({ kind: 'dedent', text: '', pos });
          }
        } else {
          throw errors.error(pos, inconsistent(indent, top));
        }
      }
    }

    while (col < line.length) {
      const ch = line[col]!;
      const pos = { line: lineNo, col: col + 1 };
      if (ch === ' ' || ch === '\t') {
        col++;
        continue;
      }
      if (ch === '#') break;
      const rest = line.slice(col);
      const number = NUMBER.exec(rest);
      if (number) {
        const junk = /^[A-Za-z0-9_.]+/.exec(rest.slice(number[0].length));
        if (junk) throw errors.error(pos, `invalid number literal '${number[0]}${junk[0]}'`);
        tokens.push({ kind: 'number', text: number[0], pos });
        col += number[0].length;
        continue;
      }
      const name = NAME.exec(rest);
      if (name) {
        tokens.push({ kind: 'name', text: name[0], pos });
        col += name[0].length;
        continue;
      }
      const op = OPERATORS.find((o) => rest.startsWith(o));
      if (op) {
        if (op === '(') {
          if (depth === 0) openedAt = pos;
          depth++;
        } else if (op === ')') {
          if (depth === 0) throw errors.error(pos, "unmatched ')'");
          depth--;
        }
        tokens.push({ kind: 'op', text: op, pos });
        col += op.length;
        continue;
      }
      throw errors.error(pos, `unexpected character ${describeChar(rest)}`);
    }
    if (depth === 0 && tokens.length > 0 && tokens[tokens.length - 1]!.kind !== 'newline') {
      tokens.push({ kind: 'newline', text: '', pos: { line: lineNo, col: line.length + 1 } });
    }
  }

  if (depth > 0) throw errors.error(openedAt!, "'(' was never closed");
  const end = { line: lines.length, col: (lines[lines.length - 1] ?? '').length + 1 };
  while (indents.length > 1) {
    indents.pop();
    tokens.push({ kind: 'dedent', text: '', pos: end });
  }
  tokens.push({ kind: 'eof', text: '', pos: end });
  return tokens;
}

function inconsistent(indent: string, level: string): string {
  const mixed = (indent + level).includes('\t') && (indent + level).includes(' ');
  return mixed
    ? 'inconsistent use of tabs and spaces in indentation'
    : 'unindent does not match any outer indentation level';
}

function describeChar(rest: string): string {
  const code = rest.codePointAt(0)!;
  const hex = `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
  const ch = String.fromCodePoint(code);
  return code >= 0x21 && code < 0x7f ? `'${ch}'` : hex;
}
