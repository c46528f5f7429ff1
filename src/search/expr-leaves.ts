// The leaves of an expression (names and constants: a statement's arguments) and replacing one of them.
import { editAt, exprChildren, type Expr, type NameRef, type NumberLit } from '../dsl/index.js';

/** Child indices from the root down to a leaf: call arguments, binary [left, right], negate [operand]. */
export type LeafPath = readonly number[];

export interface Leaf {
  readonly path: LeafPath;
  readonly leaf: NameRef | NumberLit;
}

/** Every name and constant of an expression, left to right. */
export function leavesOf(e: Expr, path: number[] = [], out: Leaf[] = []): Leaf[] {
  if (e.kind === 'number' || e.kind === 'name') out.push({ path: [...path], leaf: e });
  exprChildren(e).forEach((child, i) => leavesOf(child, [...path, i], out));
  return out;
}

/** A copy of `e` with the leaf at `path` replaced. */
export function replaceLeaf(e: Expr, path: LeafPath, leaf: Expr): Expr {
  return editAt(e, path, () => leaf);
}
