// Named constants of a program: the learning-rate multiplier, the weight decay, or the one number
// of any statement, found by name so that a sweep or a search can set them.
//
// Where NAME is found, in order:
//   1. the statements that assign NAME, when together they hold exactly one number
//      (`lr = lr * 0.001`, `wd = w * 0.01`, `beta1 = 0.9`);
//   2. for `lr` and `wd`: the one number that is a factor of a product with the input `lr` (or
//      the weight `w`) as another factor, as simplified programs write them:
//      `update = (sign(x) + w * 0.01) * (lr * 0.001)`, `update = g * lr * 0.1`.
// More than one site is ambiguous. A program with no `lr` site at all applies the plain lr, so its
// multiplier is 1 and setting it prepends `lr = lr * VALUE`.
import { editAt, exprChildren, NO_POS, type Assign, type Expr, type NumberLit, type Program } from './ast.js';

/** Index of a statement, and child indices from its value down to the number. */
export interface ConstantSite {
  readonly statement: number;
  readonly path: readonly number[];
  readonly value: number;
}

/** The input that a product must also contain for a number to be the named constant. */
const PRODUCT_INPUTS: Readonly<Record<string, string>> = { lr: 'lr', wd: 'w' };

/** Every place NAME could be (rule 1, else rule 2); one place means it is found. */
export function namedConstantSites(program: Program, name: string): ConstantSite[] {
  const assigned = program.body.flatMap((s, statement) =>
    s.target === name ? numbersOf(s.value).map((n) => ({ statement, ...n })) : [],
  );
  if (assigned.length > 0) return assigned;
  const input = PRODUCT_INPUTS[name];
  if (input === undefined || !program.params.some((p) => p.name === input)) return [];
  // The input must still be the input where it is read: no earlier statement reassigns it.
  const reassignedAt = program.body.findIndex((s) => s.target === input);
  return program.body.flatMap((s, statement) =>
    reassignedAt >= 0 && statement > reassignedAt ? [] : productSites(s, input).map((n) => ({ statement, ...n })),
  );
}

export function findNamedConstant(program: Program, name: string): ConstantSite | undefined {
  const sites = namedConstantSites(program, name);
  return sites.length === 1 ? sites[0] : undefined;
}

/**
 * The program with NAME set to `value`, or why not. Without any `lr` site, the lr multiplier is 1
 * and `lr = lr * value` is prepended.
 */
export function setNamedConstant(program: Program, name: string, value: number): { ok: true; program: Program } | { ok: false; reason: string } {
  const sites = namedConstantSites(program, name);
  if (sites.length === 1) return { ok: true, program: withConstantAt(program, sites[0]!, value) };
  if (sites.length > 1) return { ok: false, reason: `${sites.length} numbers could be the constant ${name}; write it as \`${name} = ...\` with one number` };
  if (name === 'lr' && program.params.some((p) => p.name === 'lr')) {
    const scale: Assign = {
      kind: 'assign',
      target: 'lr',
      value: { kind: 'binary', op: '*', left: { kind: 'name', id: 'lr', pos: NO_POS }, right: { kind: 'number', value, pos: NO_POS }, pos: NO_POS },
      pos: NO_POS,
    };
    return { ok: true, program: { ...program, body: [scale, ...program.body] } };
  }
  return { ok: false, reason: `no constant ${name}: no statement \`${name} = ...\` with one number${PRODUCT_INPUTS[name] ? ` and no product of ${PRODUCT_INPUTS[name]} with one number` : ''}` };
}

/** The program with the constant at `site` set to `value`. */
export function withConstantAt(program: Program, site: ConstantSite, value: number): Program {
  const body = program.body.map((s, i): Assign => (i === site.statement ? { ...s, value: replaceAt(s.value, site.path, value) } : s));
  return { ...program, body };
}

interface Found {
  readonly path: readonly number[];
  readonly value: number;
}

function numbersOf(e: Expr, path: number[] = []): Found[] {
  if (e.kind === 'number') return [{ path, value: e.value }];
  return exprChildren(e).flatMap((child, i) => numbersOf(child, [...path, i]));
}

/** Numbers that are factors of a maximal product (a tree of `*`) that has `input` as a factor. */
function productSites(s: Assign, input: string): Found[] {
  const out: Found[] = [];
  const visit = (e: Expr, path: number[], inProduct: boolean) => {
    const isProduct = e.kind === 'binary' && e.op === '*';
    if (isProduct && !inProduct) {
      const factors: { e: Expr; path: number[] }[] = [];
      collectFactors(e, path, factors);
      const numbers = factors.filter((f) => f.e.kind === 'number');
      if (factors.some((f) => f.e.kind === 'name' && f.e.id === input) && numbers.length === 1) {
        out.push({ path: numbers[0]!.path, value: (numbers[0]!.e as NumberLit).value });
      }
      factors.forEach((f) => visit(f.e, f.path, false));
      return;
    }
    exprChildren(e).forEach((child, i) => visit(child, [...path, i], false));
  };
  visit(s.value, [], false);
  return out;
}

function collectFactors(e: Expr, path: number[], out: { e: Expr; path: number[] }[]): void {
  if (e.kind === 'binary' && e.op === '*') {
    collectFactors(e.left, [...path, 0], out);
    collectFactors(e.right, [...path, 1], out);
  } else {
    out.push({ e, path });
  }
}

function replaceAt(e: Expr, path: readonly number[], value: number): Expr {
  return editAt(e, path, (old) => {
    if (old.kind !== 'number') throw new RangeError('constant site does not point at a number');
    return { ...old, value };
  });
}
