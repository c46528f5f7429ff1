// The leaves of an expression (names and constants: a statement's arguments) and replacing one of them.
import { assertNever, type Expr, type NameRef, type NumberLit } from '../dsl/index.js';

/** Child indices from the root down to a leaf: call arguments, binary [left, right], negate [operand]. */
export type LeafPath = readonly number[];

export interface Leaf {
  readonly path: LeafPath;
  readonly leaf: NameRef | NumberLit;
}

function children(e: Expr): readonly Expr[] {
  switch (e.kind) {
    case 'number':
    case 'name':
      return [];
    case 'call':
      return e.args;
    case 'binary':
      return [e.left, e.right];
    case 'negate':
      return [e.operand];
    default:
      return assertNever(e);
  }
}

/** Every name and constant of an expression, left to right. */
export function leavesOf(e: Expr, path: number[] = [], out: Leaf[] = []): Leaf[] {
  if (e.kind === 'number' || e.kind === 'name') out.push({ path: [...path], leaf: e });
  children(e).forEach((child, i) => leavesOf(child, [...path, i], out));
  return out;
}

/** A copy of `e` with the leaf at `path` replaced. */
export function replaceLeaf(e: Expr, path: LeafPath, leaf: Expr): Expr {
  if (path.length === 0) return leaf;
  const [i, ...rest] = path;
  const sub = (child: Expr, j: number) => (j === i ? replaceLeaf(child, rest, leaf) : child);
  switch (e.kind) {
    case 'number':
    case 'name':
      throw new RangeError('leaf path goes below a leaf');
    case 'call':
      return { ...e, args: e.args.map(sub) };
    case 'binary':
      return { ...e, left: sub(e.left, 0), right: sub(e.right, 1) };
    case 'negate':
      return { ...e, operand: sub(e.operand, 0) };
    default:
      return assertNever(e);
  }
}
