// Names in exported code: the optimizer's name in each casing, and program variables kept apart
// from the target's keywords, helpers and hyperparameter names.

/** "lion-program4" → "LionProgram4"; a name that would start with a digit gets "Program" in front. */
export function pascalName(text: string): string {
  const words = text.split(/[^A-Za-z0-9]+/).filter((w) => w !== '');
  const name = words.map((w) => w[0]!.toUpperCase() + w.slice(1)).join('');
  if (name === '') return 'Exported';
  return /^[0-9]/.test(name) ? `Program${name}` : name;
}

/** "LionProgram4" → "lion_program4". */
export function snakeName(pascal: string): string {
  return pascal.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
}

/** "weight_decay_2" → "weightDecay2". */
export function camelName(snake: string): string {
  return snake.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/**
 * Identifiers for wanted names: each keeps its wanted text unless that is reserved or already
 * given, in which case underscores are appended until it is free. Names that are free keep their
 * text first, so a rename never takes a name the program itself uses. A name wanted twice gets one
 * identifier.
 */
export function assignIdentifiers(wanted: readonly string[], reserved: ReadonlySet<string>): Map<string, string> {
  const out = new Map<string, string>();
  const taken = new Set(reserved);
  for (const name of wanted) {
    if (out.has(name)) continue;
    if (!taken.has(name)) {
      out.set(name, name);
      taken.add(name);
    }
  }
  for (const name of wanted) {
    if (out.has(name)) continue;
    let id = `${name}_`;
    while (taken.has(id) || wanted.includes(id)) id += '_';
    out.set(name, id);
    taken.add(id);
  }
  return out;
}

export const PYTHON_RESERVED: ReadonlySet<string> = new Set([
  'False', 'None', 'True', 'and', 'as', 'assert', 'async', 'await', 'break', 'class', 'continue', 'def', 'del',
  'elif', 'else', 'except', 'finally', 'for', 'from', 'global', 'if', 'import', 'in', 'is', 'lambda', 'nonlocal',
  'not', 'or', 'pass', 'raise', 'return', 'try', 'while', 'with', 'yield', 'match', 'case',
  // builtins and modules the exported files use
  'abs', 'callable', 'dict', 'float', 'int', 'len', 'max', 'min', 'print', 'range', 'self', 'super', 'zip',
  'math', 'np', 'torch', 'jax', 'jnp', 'optax', 'NamedTuple', 'Any', 'f32', 'state', 'group',
]);

export const TYPESCRIPT_RESERVED: ReadonlySet<string> = new Set([
  'break', 'case', 'catch', 'class', 'const', 'continue', 'debugger', 'default', 'delete', 'do', 'else', 'enum',
  'export', 'extends', 'false', 'finally', 'for', 'function', 'if', 'import', 'in', 'instanceof', 'new', 'null',
  'return', 'super', 'switch', 'this', 'throw', 'true', 'try', 'typeof', 'var', 'void', 'while', 'with', 'yield',
  'let', 'static', 'implements', 'interface', 'package', 'private', 'protected', 'public', 'await', 'arguments',
  'eval', 'any', 'number', 'string', 'boolean', 'type', 'as', 'of', 'undefined', 'NaN', 'Infinity',
  // globals and locals the exported file uses
  'Math', 'Number', 'Float32Array', 'Object', 'f', 'n', 'i', 'hp', 'state',
]);
