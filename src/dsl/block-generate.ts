// Random block programs that check: one op per statement over earlier values of matching widths, and
// a residual return. For property tests, and for mutation to draw new statements from.
import { NO_POS, type Assign, type Expr, type Program } from './ast.js';
import { widthExpr } from './block-simplify.js';
import { BLOCK_ACTIVATIONS } from './ops.js';
import type { Rng } from './random.js';

export interface BlockGenerateOptions {
  readonly statements: number;
  /** Width multiples dense() may produce. */
  readonly widths: readonly number[];
  readonly dconvTaps: readonly number[];
  readonly heads: readonly number[];
}

/** Widths and taps of Primer's search that fit the charlm width; heads that divide all of them at width 64. */
export const DEFAULT_BLOCK_GENERATE_OPTIONS: BlockGenerateOptions = {
  statements: 6,
  widths: [0.5, 1, 2, 4],
  dconvTaps: [3, 7, 15, 31],
  heads: [1, 2, 4],
};

/** A value in scope: its name and width multiple. */
export interface BlockScopeValue {
  readonly name: string;
  readonly width: number;
}

const pos = NO_POS;
const ref = (id: string): Expr => ({ kind: 'name', id, pos });
const num = (value: number): Expr => ({ kind: 'number', value, pos });
const call = (fn: string, args: Expr[], keywords: { name: string; value: Expr }[] = []): Expr => ({
  kind: 'call',
  fn,
  args,
  keywords: keywords.map((k) => ({ ...k, pos })),
  pos,
});
const binary = (op: '+' | '-' | '*', left: Expr, right: Expr): Expr => ({ kind: 'binary', op, left, right, pos });
const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[rng.int(xs.length)]!;

/** A random block: `statements` statements, then a return of width `width` (a residual when it fits). */
export function randomBlock(rng: Rng, options: Partial<BlockGenerateOptions> = {}): Program {
  const o = { ...DEFAULT_BLOCK_GENERATE_OPTIONS, ...options };
  const scope: BlockScopeValue[] = [{ name: 'x', width: 1 }];
  const body: Assign[] = [];
  for (let i = 0; i < o.statements; i++) {
    const { value, width } = randomBlockExpr(rng, scope, o);
    const target = rng.next() < 0.3 ? pick(rng, scope).name : `h${i + 1}`;
    body.push({ kind: 'assign', target, value, pos });
    const existing = scope.findIndex((s) => s.name === target);
    if (existing >= 0) scope.splice(existing, 1);
    scope.push({ name: target, width });
  }
  const last = scope[scope.length - 1]!;
  const out = last.width === 1 ? ref(last.name) : call('dense', [ref(last.name), widthExpr(1)]);
  const residual = scope.some((s) => s.name === 'x' && s.width === 1) && last.name !== 'x';
  return {
    name: 'block',
    params: [{ name: 'x', pos }],
    body,
    ret: { values: [residual ? binary('+', ref('x'), out) : out], pos },
    pos,
  };
}

/** One op over values in scope, with the width of its result. */
export function randomBlockExpr(rng: Rng, scope: readonly BlockScopeValue[], o: BlockGenerateOptions): { value: Expr; width: number } {
  const a = pick(rng, scope);
  const same = scope.filter((s) => s.width === a.width);
  const other = pick(rng, same);
  const r = rng.next();
  if (r < 0.25) return { value: call(pick(rng, BLOCK_ACTIVATIONS), [ref(a.name)]), width: a.width };
  if (r < 0.45) {
    const width = pick(rng, o.widths);
    return { value: call('dense', [ref(a.name), widthExpr(width)]), width };
  }
  if (r < 0.55) return { value: binary(pick(rng, ['+', '-', '*'] as const), ref(a.name), ref(other.name)), width: a.width };
  if (r < 0.62) return { value: binary(pick(rng, ['+', '*'] as const), ref(a.name), num(pick(rng, [0.5, 2, -1, 0.1]))), width: a.width };
  if (r < 0.72) return { value: call('layer_norm', [ref(a.name)]), width: a.width };
  if (r < 0.82) return { value: call('dconv', [ref(a.name), num(pick(rng, o.dconvTaps))]), width: a.width };
  if (r < 0.9) return { value: call(pick(rng, ['max', 'min']), [ref(a.name), ref(other.name)]), width: a.width };
  const v = pick(rng, same);
  return {
    value: call('attention', [ref(a.name), ref(other.name), ref(v.name)], [{ name: 'heads', value: num(pick(rng, o.heads)) }]),
    width: a.width,
  };
}
