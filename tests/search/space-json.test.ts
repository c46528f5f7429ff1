// The strict JSON reader of space files: values as JSON.parse gives them, errors at line:col.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readJson } from '../../src/search/space-json.js';

const errorOf = (text: string) => {
  const r = readJson(text);
  if (r.ok) throw new Error(`expected a syntax error in ${JSON.stringify(text)}`);
  return r.error;
};

describe('readJson', () => {
  it('reads what JSON.parse reads', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const text = JSON.stringify(value, null, 2);
        const r = readJson(text);
        expect(r.ok).toBe(true);
        expect(r.ok && r.value).toEqual(JSON.parse(text));
      }),
      { numRuns: 300 },
    );
  });

  it('keeps escapes, a __proto__ field as data, and skips a byte-order mark', () => {
    const r = readJson('\ufeff{"a": "x\\n\\u00e9\\"", "__proto__": {"b": 1}}');
    expect(r).toEqual({ ok: true, value: JSON.parse('{"a": "x\\n\\u00e9\\"", "__proto__": {"b": 1}}') });
    expect(r.ok && Object.getPrototypeOf(r.value)).toBe(Object.prototype);
  });

  it('reports a missing comma at its line and column', () => {
    expect(errorOf('{\n  "a": 1\n  "b": 2\n}')).toEqual({ line: 3, col: 3, message: "expected ',' or '}' after a field value, found '\"'" });
  });

  it('reports a trailing comma, a bare word and an unfinished file', () => {
    expect(errorOf('{"a": [1, 2,]}')).toMatchObject({ line: 1, col: 13, message: "expected a value, found ']'" });
    expect(errorOf('{"a": tru}')).toMatchObject({ line: 1, col: 7, message: "expected a value, found 't'" });
    expect(errorOf('{"a": 1')).toMatchObject({ line: 1, col: 8, message: "expected ',' or '}' after a field value, found the end of the file" });
    expect(errorOf('')).toMatchObject({ line: 1, col: 1, message: 'expected a value, found the end of the file' });
    expect(errorOf('{} x')).toMatchObject({ line: 1, col: 4, message: 'unexpected text after the JSON value' });
  });

  it('reports comments, single quotes and duplicate fields', () => {
    expect(errorOf('{\n  // no\n}')).toMatchObject({ line: 2, col: 3, message: "expected a double-quoted field name, found '/'" });
    expect(errorOf("{'a': 1}")).toMatchObject({ line: 1, col: 2 });
    expect(errorOf('{"a": 1,\n "a": 2}')).toEqual({ line: 2, col: 2, message: 'duplicate field "a"' });
  });

  it('reports strings with raw newlines, bad escapes or no end', () => {
    expect(errorOf('"a\nb"')).toMatchObject({ line: 1, col: 3, message: 'control character in a string (write it as an escape such as \\n)' });
    expect(errorOf('"\\x"')).toMatchObject({ line: 1, col: 2, message: "invalid escape '\\x' in a string" });
    expect(errorOf('{"a": "b}')).toMatchObject({ line: 1, col: 7, message: 'unterminated string' });
  });

  it('rejects numbers JSON does not allow', () => {
    for (const text of ['01', '+1', '.5', '1.', 'NaN', '-']) expect(readJson(text).ok, text).toBe(false);
  });
});
