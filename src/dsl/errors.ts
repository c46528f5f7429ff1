// The one error type for bad program text: file:line:col, a message, the line and a caret.
import type { Pos } from './ast.js';

export class DslError extends Error {
  override readonly name = 'DslError';

  constructor(
    readonly file: string,
    readonly pos: Pos,
    readonly detail: string,
    readonly sourceLine: string,
  ) {
    super(`${file}:${pos.line}:${pos.col}: ${detail}`);
  }

  /** The message, the offending line and a caret under the column, as shown to users. */
  format(): string {
    const line = this.sourceLine.replace(/\t/g, ' ');
    const printable = [...line].map((ch) => (isPrintable(ch) ? ch : '?')).join('');
    const caret = ' '.repeat(Math.max(0, this.pos.col - 1)) + '^';
    return `${this.message}\n    ${printable}\n    ${caret}`;
  }
}

function isPrintable(ch: string): boolean {
  const code = ch.codePointAt(0) ?? 0;
  return code >= 0x20 && code !== 0x7f && !(code >= 0x80 && code < 0xa0) && code !== 0xfffd;
}

/** Builds DslErrors for one source text, looking up the line a position falls on. */
export class ErrorSink {
  private readonly lines: string[];

  constructor(
    readonly file: string,
    source: string,
  ) {
    this.lines = source.split(/\r\n|\r|\n/);
  }

  error(pos: Pos, detail: string): DslError {
    return new DslError(this.file, pos, detail, this.lines[pos.line - 1] ?? '');
  }
}
