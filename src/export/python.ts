// What the Python targets share: literals, the update function written from the lowered program,
// helper collection (macros written from macros.ts), and the module docstring.
import { OPS, OP_NAMES, assertNever, expandMacro, type MacroOpName, type OpAlgebra, type OpName } from '../dsl/index.js';
import { atom, type Code, type OpTable } from './code.js';
import { hyperparameterRows, programLines, semanticsLines } from './doc.js';
import type { LExpr, Lowered } from './lower.js';
import { PYTHON_RESERVED, assignIdentifiers } from './names.js';

export interface PythonTarget {
  readonly ops: OpTable;
  /** Helpers that op helpers rely on, by name, in the order they are written. */
  readonly support: Readonly<Record<string, string>>;
}

/**
 * `head(args)` at `indent`, kept under 100 columns: on one line when it fits, else the arguments on
 * one continuation line, else one per line. `tail` follows the closing parenthesis (e.g. ':').
 */
export function pyCall(indent: string, head: string, args: readonly string[], tail = ''): string {
  const flat = `${indent}${head}(${args.join(', ')})${tail}`;
  if (flat.length <= 100) return flat;
  const inner = `${indent}    ${args.join(', ')}`;
  if (inner.length <= 100) return `${indent}${head}(\n${inner}\n${indent})${tail}`;
  return `${indent}${head}(\n${args.map((a) => `${indent}    ${a},`).join('\n')}\n${indent})${tail}`;
}

/** A Python float literal for a program constant (`3` → `3.0`, `-0` → `-0.0`). */
export function pyFloat(value: number): string {
  if (Object.is(value, -0)) return '-0.0';
  const text = String(value);
  return /[.e]/.test(text) ? text : `${text}.0`;
}

export interface PythonUpdate {
  /** `def NAME_update(...)` with its body. */
  readonly text: string;
  /** Identifier of each program input, in `l.inputs` order. */
  readonly inputs: readonly string[];
  /** Helper definitions the body uses (support first, then ops), each once. */
  readonly helpers: readonly string[];
}

/** The program as one Python function over the target's arrays: inputs and hyperparameters in, update and slots out. */
export function pythonUpdate(l: Lowered, t: PythonTarget, fnName: string, reserved: readonly string[]): PythonUpdate {
  const hyper = l.plan.list.map((h) => h.name);
  const wanted = [...l.inputs, ...l.body.map((s) => s.target)];
  const taken = new Set([...PYTHON_RESERVED, ...hyper, ...reserved, ...helperNames(t), fnName]);
  const id = assignIdentifiers(wanted, taken);
  const used = new Set<OpName>();
  const expr = (e: LExpr): Code => {
    switch (e.kind) {
      case 'const':
        return atom(`f32(${pyFloat(e.value)})`);
      case 'hyper':
        return atom(e.name);
      case 'var':
        return atom(id.get(e.name)!);
      case 'op':
        used.add(e.op);
        return t.ops[e.op].emit(e.args.map(expr));
      default:
        return assertNever(e);
    }
  };
  const params = [...l.inputs.map((n) => id.get(n)!), ...hyper];
  const returns = ['update', ...l.slots].join(', ');
  const lines = [
    pyCall('', `def ${fnName}`, params, ':'),
    `    """The program for one parameter tensor: returns (${returns}), scalars unbroadcast."""`,
    ...l.body.map((s) => `    ${id.get(s.target)!} = ${expr(s.value).text}`),
    `    return ${l.ret.map((e) => expr(e).text).join(', ')}`,
  ];
  return { text: lines.join('\n'), inputs: l.inputs.map((n) => id.get(n)!), helpers: helperDefinitions(t, used) };
}

function helperNames(t: PythonTarget): string[] {
  const names = Object.keys(t.support);
  for (const name of OP_NAMES) {
    const m = /^def ([A-Za-z_0-9]+)|^([A-Za-z_0-9]+) =/.exec(t.ops[name].define ?? '');
    if (m) names.push((m[1] ?? m[2])!);
    if (t.ops[name].macro) names.push(name);
  }
  return names;
}

/** Definitions for the used ops, closing over what macros expand to and what helpers need. */
function helperDefinitions(t: PythonTarget, used: Set<OpName>): string[] {
  const macros = new Map<OpName, string>();
  const pending = [...used];
  while (pending.length > 0) {
    const name = pending.pop()!;
    for (const op of t.ops[name].uses ?? []) {
      if (!used.has(op)) pending.push(op);
      used.add(op);
    }
    if (!t.ops[name].macro || macros.has(name)) continue;
    const inner = new Set<OpName>();
    macros.set(name, macroDefinition(name as MacroOpName, t, inner));
    for (const op of inner) {
      if (!used.has(op)) pending.push(op);
      used.add(op);
    }
  }
  const needs = new Set<string>();
  for (const op of used) for (const n of t.ops[op].needs ?? []) needs.add(n);
  const support = Object.entries(t.support).filter(([name]) => needs.has(name)).map(([, text]) => text);
  const ops = OP_NAMES.filter((op) => used.has(op)).map((op) => macros.get(op) ?? t.ops[op].define);
  return [...support, ...ops.filter((d): d is string => d !== undefined)];
}

/** `def rms(x): return sqrt(mean(square(x)))`, written by expanding the macro over the target's table. */
function macroDefinition(name: MacroOpName, t: PythonTarget, used: Set<OpName>): string {
  const params = ['x', 'y', 'z'].slice(0, OPS[name].arity);
  const algebra: OpAlgebra<Code> = {
    apply: (op, args) => {
      used.add(op);
      return t.ops[op].emit(args);
    },
    constant: (value) => atom(`f32(${pyFloat(value)})`),
  };
  const body = expandMacro(name, algebra, params.map(atom));
  return [`def ${name}(${params.join(', ')}):`, `    """${OPS[name].doc}"""`, `    return ${body.text}`].join('\n');
}

/** The module docstring: title, program, hyperparameters, semantics, and target notes. */
export function pythonDocstring(title: string, l: Lowered, roundOnce: boolean, notes: readonly string[] = []): string {
  const indent = (lines: readonly string[]) => lines.map((x) => `    ${x}`);
  return [
    `"""${title}`,
    '',
    'Exported by `symevo export` from this program (the trainer applies w = w - update):',
    '',
    ...indent(programLines(l)),
    '',
    "Hyperparameters (defaults are the program's constants):",
    '',
    ...indent(hyperparameterRows(l, (n) => n)),
    '',
    ...semanticsLines(roundOnce),
    ...(notes.length > 0 ? ['', ...notes] : []),
    '"""',
  ].join('\n');
}
