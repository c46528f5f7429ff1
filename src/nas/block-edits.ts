// Where a block can be edited: every subexpression of every statement with what it is (width, or a
// constant), the names in scope before each statement, and a copy-on-write replacement by path.
import { assertNever, type Expr, type Program } from '../dsl/index.js';
import type { BlockValue, CheckedBlock } from '../dsl/index.js';

/** Child indices from a statement's value (index = body length for the return value). */
export type ExprPath = readonly number[];

export interface Site {
  /** Statement index; body.length for the return value. */
  readonly statement: number;
  readonly path: ExprPath;
  readonly expr: Expr;
  readonly value: BlockValue;
  /** The call this is an argument of, and which argument (keyword values come after the positional ones). */
  readonly parent?: { readonly fn: string; readonly index: number };
  /** Part of a size (`4 * width`): its constants are not activation arithmetic. */
  readonly inSize: boolean;
}

export function childrenOf(e: Expr): readonly Expr[] {
  switch (e.kind) {
    case 'number':
    case 'name':
      return [];
    case 'call':
      return [...e.args, ...e.keywords.map((k) => k.value)];
    case 'binary':
      return [e.left, e.right];
    case 'negate':
      return [e.operand];
    default:
      return assertNever(e);
  }
}

/** Every subexpression of the program, statements in order, each tree in pre-order. */
export function sitesOf(checked: CheckedBlock): Site[] {
  const { program, values } = checked;
  const roots = [...program.body.map((s) => s.value), program.ret.values[0]!];
  const out: Site[] = [];
  const walk = (statement: number, e: Expr, path: number[], inSize: boolean, parent?: Site['parent']) => {
    const value = values.get(e)!;
    const sized = inSize || value.kind === 'size';
    out.push({ statement, path, expr: e, value, inSize: sized, ...(parent ? { parent } : {}) });
    childrenOf(e).forEach((c, i) => walk(statement, c, [...path, i], sized, e.kind === 'call' ? { fn: e.fn, index: i } : undefined));
  };
  roots.forEach((root, i) => walk(i, root, [], false));
  return out;
}

/** A copy of the program with the subexpression at (statement, path) replaced. */
export function replaceSite(program: Program, statement: number, path: ExprPath, f: (e: Expr) => Expr): Program {
  const edit = (e: Expr, depth: number): Expr => {
    if (depth === path.length) return f(e);
    const i = path[depth]!;
    switch (e.kind) {
      case 'number':
      case 'name':
        throw new Error('a path goes below a leaf');
      case 'call': {
        if (i < e.args.length) return { ...e, args: e.args.map((a, j) => (j === i ? edit(a, depth + 1) : a)) };
        const k = i - e.args.length;
        return { ...e, keywords: e.keywords.map((kw, j) => (j === k ? { ...kw, value: edit(kw.value, depth + 1) } : kw)) };
      }
      case 'binary':
        return i === 0 ? { ...e, left: edit(e.left, depth + 1) } : { ...e, right: edit(e.right, depth + 1) };
      case 'negate':
        return { ...e, operand: edit(e.operand, depth + 1) };
      default:
        return assertNever(e);
    }
  };
  if (statement === program.body.length) {
    return { ...program, ret: { ...program.ret, values: [edit(program.ret.values[0]!, 0)] } };
  }
  return { ...program, body: program.body.map((s, j) => (j === statement ? { ...s, value: edit(s.value, 0) } : s)) };
}

/** Activation names in scope before statement `index`, with their widths. */
export function scopeBefore(checked: CheckedBlock, index: number): Map<string, number> {
  const scope = new Map<string, number>([[checked.input, 1]]);
  for (const s of checked.program.body.slice(0, index)) {
    const v = checked.values.get(s.value)!;
    if (v.kind === 'activation') scope.set(s.target, v.width);
    else scope.delete(s.target);
  }
  return scope;
}
