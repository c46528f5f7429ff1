// Strict JSON (RFC 8259) reader that reports the line and column of a syntax error and of a duplicate
// key, which JSON.parse does not do reliably; search-space files are read through it.

export interface JsonSyntaxError {
  /** 1-based. */
  readonly line: number;
  readonly col: number;
  readonly message: string;
}

export type JsonRead = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly error: JsonSyntaxError };

class Fail {
  constructor(
    readonly at: number,
    readonly message: string,
  ) {}
}

const ESCAPES: Readonly<Record<string, string>> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

export function readJson(text: string): JsonRead {
  const source = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  try {
    const reader = new Reader(source);
    reader.space();
    const value = reader.value();
    reader.space();
    if (reader.at < source.length) throw new Fail(reader.at, 'unexpected text after the JSON value');
    return { ok: true, value };
  } catch (e) {
    if (!(e instanceof Fail)) throw e;
    const before = source.slice(0, e.at).split('\n');
    // Columns count UTF-16 units like editors mostly do; the BOM is not a column.
    return { ok: false, error: { line: before.length, col: before[before.length - 1]!.length + 1, message: e.message } };
  }
}

class Reader {
  at = 0;

  constructor(private readonly s: string) {}

  space(): void {
    while (this.at < this.s.length && ' \t\n\r'.includes(this.s[this.at]!)) this.at++;
  }

  private describe(): string {
    if (this.at >= this.s.length) return 'the end of the file';
    const ch = this.s[this.at]!;
    return /[\x21-\x7e]/.test(ch) ? `'${ch}'` : `character U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
  }

  private expect(ch: string, what: string): void {
    if (this.s[this.at] !== ch) throw new Fail(this.at, `expected ${what}, found ${this.describe()}`);
    this.at++;
  }

  value(): unknown {
    const ch = this.s[this.at];
    if (ch === '{') return this.object();
    if (ch === '[') return this.array();
    if (ch === '"') return this.string();
    for (const [word, v] of [['true', true], ['false', false], ['null', null]] as const) {
      if (this.s.startsWith(word, this.at)) {
        this.at += word.length;
        return v;
      }
    }
    NUMBER.lastIndex = this.at;
    const m = NUMBER.exec(this.s);
    if (m && m[0] !== '-') {
      this.at += m[0].length;
      return Number(m[0]);
    }
    throw new Fail(this.at, `expected a value, found ${this.describe()}`);
  }

  private object(): Record<string, unknown> {
    this.at++;
    const out: Record<string, unknown> = {};
    this.space();
    if (this.s[this.at] === '}') {
      this.at++;
      return out;
    }
    for (;;) {
      this.space();
      const keyAt = this.at;
      if (this.s[this.at] !== '"') throw new Fail(this.at, `expected a double-quoted field name, found ${this.describe()}`);
      const key = this.string();
      if (Object.hasOwn(out, key)) throw new Fail(keyAt, `duplicate field "${key}"`);
      this.space();
      this.expect(':', "':' after a field name");
      this.space();
      // defineProperty: a "__proto__" key is data here, as with JSON.parse.
      Object.defineProperty(out, key, { value: this.value(), enumerable: true, writable: true, configurable: true });
      this.space();
      if (this.s[this.at] === ',') {
        this.at++;
        continue;
      }
      this.expect('}', "',' or '}' after a field value");
      return out;
    }
  }

  private array(): unknown[] {
    this.at++;
    const out: unknown[] = [];
    this.space();
    if (this.s[this.at] === ']') {
      this.at++;
      return out;
    }
    for (;;) {
      this.space();
      out.push(this.value());
      this.space();
      if (this.s[this.at] === ',') {
        this.at++;
        continue;
      }
      this.expect(']', "',' or ']' after an array element");
      return out;
    }
  }

  private string(): string {
    const start = this.at;
    this.at++;
    let out = '';
    for (;;) {
      if (this.at >= this.s.length) throw new Fail(start, 'unterminated string');
      const ch = this.s[this.at]!;
      if (ch === '"') {
        this.at++;
        return out;
      }
      if (ch < ' ') throw new Fail(this.at, 'control character in a string (write it as an escape such as \\n)');
      if (ch !== '\\') {
        out += ch;
        this.at++;
        continue;
      }
      const esc = this.s[this.at + 1] ?? '';
      if (esc === 'u' && /^[0-9a-fA-F]{4}$/.test(this.s.slice(this.at + 2, this.at + 6))) {
        out += String.fromCharCode(parseInt(this.s.slice(this.at + 2, this.at + 6), 16));
        this.at += 6;
      } else if (Object.hasOwn(ESCAPES, esc)) {
        out += ESCAPES[esc];
        this.at += 2;
      } else {
        throw new Fail(this.at, `invalid escape '\\${esc}' in a string`);
      }
    }
  }
}
