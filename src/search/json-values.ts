// JSON text for search records in which non-finite numbers survive: a NaN loss is written as
// {"$float":"NaN"} (plain JSON would turn it into null), and read back as NaN.

const replacer = (_key: string, value: unknown): unknown =>
  typeof value === 'number' && !Number.isFinite(value) ? { $float: String(value) } : value;

const reviver = (_key: string, value: unknown): unknown => {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  const keys = Object.keys(value);
  const tagged = keys.length === 1 && keys[0] === '$float' && typeof (value as { $float: unknown }).$float === 'string';
  return tagged ? Number((value as { $float: string }).$float) : value;
};

/** JSON text of a value; `indent` as JSON.stringify's. */
export function toJson(value: unknown, indent?: number): string {
  return JSON.stringify(value, replacer, indent);
}

/** Parses JSON text written by toJson; throws SyntaxError on malformed text. */
export function fromJson(text: string): unknown {
  return JSON.parse(text, reviver);
}
