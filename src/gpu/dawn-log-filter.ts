// Keeps Dawn's own diagnostics out of a user's terminal: a stream filter that drops the lines Dawn
// writes to stderr (a `Warning: ...` line, its `    at operator() (...)` source line and the blank
// line after) and passes everything else through unchanged, byte for byte.
import { Transform, type TransformCallback } from 'node:stream';

/** The starts of the lines Dawn prints; a line is dropped when it begins with one of them. */
const DAWN_LINE_STARTS = ['Warning: ', '    at operator() ('] as const;

/** True for a line (without its newline) that Dawn printed. */
export function isDawnLine(line: string): boolean {
  return DAWN_LINE_STARTS.some((start) => line.startsWith(start));
}

/**
 * Drops Dawn's lines. Text that cannot be one of them is passed on at once (a progress bar that
 * redraws with `\r` is not held back); a line that might be one is held until it can be told.
 */
export class DawnLogFilter extends Transform {
  #held = '';
  /** The previous line was Dawn's, so a blank line that follows is its too. */
  #afterDawn = false;

  override _transform(chunk: Buffer | string, _encoding: BufferEncoding, done: TransformCallback): void {
    this.#held += chunk.toString();
    let out = '';
    // A line starts after '\n' or after the '\r' with which a progress bar redraws itself.
    for (let end = this.#held.search(/[\r\n]/); end >= 0; end = this.#held.search(/[\r\n]/)) {
      const line = this.#held.slice(0, end);
      const terminator = this.#held[end]!;
      this.#held = this.#held.slice(end + 1);
      const dawn = isDawnLine(line) || (this.#afterDawn && line === '' && terminator === '\n');
      if (!dawn) out += line + terminator;
      this.#afterDawn = dawn && line !== '';
    }
    if (!this.#mightBeDawn(this.#held)) {
      out += this.#held;
      this.#held = '';
      this.#afterDawn = false;
    }
    done(null, out);
  }

  /** A line start that may still turn out to be Dawn's, so it must be held. */
  #mightBeDawn(start: string): boolean {
    if (start === '') return true;
    return DAWN_LINE_STARTS.some((dawn) => dawn.startsWith(start) || start.startsWith(dawn));
  }

  override _flush(done: TransformCallback): void {
    done(null, isDawnLine(this.#held) ? '' : this.#held);
  }
}
