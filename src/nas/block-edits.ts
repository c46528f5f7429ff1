// Where a block can be edited: every subexpression of every statement with what it is (width, or a
// constant), the names in scope before each statement, and a copy-on-write replacement by path.
import { editAt, exprChildren, type Expr, type Program } from '../dsl/index.js';
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

/** Every subexpression of the program, statements in order, each tree in pre-order. */
export function sitesOf(checked: CheckedBlock): Site[] {
  const { program, values } = checked;
  const roots = [...program.body.map((s) => s.value), program.ret.values[0]!];
  const out: Site[] = [];
  const walk = (statement: number, e: Expr, path: number[], inSize: boolean, parent?: Site['parent']) => {
    const value = values.get(e)!;
    const sized = inSize || value.kind === 'size';
    out.push({ statement, path, expr: e, value, inSize: sized, ...(parent ? { parent } : {}) });
    exprChildren(e).forEach((c, i) => walk(statement, c, [...path, i], sized, e.kind === 'call' ? { fn: e.fn, index: i } : undefined));
  };
  roots.forEach((root, i) => walk(i, root, [], false));
  return out;
}

/** A copy of the program with the subexpression at (statement, path) replaced. */
export function replaceSite(program: Program, statement: number, path: ExprPath, f: (e: Expr) => Expr): Program {
  if (statement === program.body.length) {
    return { ...program, ret: { ...program.ret, values: [editAt(program.ret.values[0]!, path, f)] } };
  }
  return { ...program, body: program.body.map((s, j) => (j === statement ? { ...s, value: editAt(s.value, path, f) } : s)) };
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
