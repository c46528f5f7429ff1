// The program AST: readonly tagged unions with source positions.

/** A 1-based source position. */
export interface Pos {
  readonly line: number;
  readonly col: number;
}

export type BinaryOp = '+' | '-' | '*' | '/' | '**';

export interface NumberLit {
  readonly kind: 'number';
  readonly value: number;
  readonly pos: Pos;
}

export interface NameRef {
  readonly kind: 'name';
  readonly id: string;
  readonly pos: Pos;
}

export interface KeywordArg {
  readonly name: string;
  readonly value: Expr;
  readonly pos: Pos;
}

export interface Call {
  readonly kind: 'call';
  readonly fn: string;
  readonly args: readonly Expr[];
  readonly keywords: readonly KeywordArg[];
  readonly pos: Pos;
}

export interface Binary {
  readonly kind: 'binary';
  readonly op: BinaryOp;
  readonly left: Expr;
  readonly right: Expr;
  readonly pos: Pos;
}

/** Unary minus applied to anything but a bare number (`-3` is a NumberLit). */
export interface Negate {
  readonly kind: 'negate';
  readonly operand: Expr;
  readonly pos: Pos;
}

export type Expr = NumberLit | NameRef | Call | Binary | Negate;

export interface Param {
  readonly name: string;
  readonly pos: Pos;
}

export interface Assign {
  readonly kind: 'assign';
  readonly target: string;
  readonly value: Expr;
  readonly pos: Pos;
}

export interface Return {
  readonly values: readonly Expr[];
  readonly pos: Pos;
}

export interface Program {
  readonly name: string;
  readonly params: readonly Param[];
  readonly body: readonly Assign[];
  readonly ret: Return;
  readonly pos: Pos;
}

export const NO_POS: Pos = Object.freeze({ line: 0, col: 0 });

export function assertNever(x: never): never {
  throw new Error(`unexpected value: ${JSON.stringify(x)}`);
}

/** An expression's direct subexpressions: call arguments then keyword values, binary [left, right], negate [operand]. */
export function exprChildren(e: Expr): readonly Expr[] {
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

/** A copy of `e` with the subexpression at `path` (child indices as exprChildren numbers them) replaced by f(it). */
export function editAt(e: Expr, path: readonly number[], f: (old: Expr) => Expr): Expr {
  if (path.length === 0) return f(e);
  const [i, ...rest] = path as [number, ...number[]];
  const edit = (child: Expr) => editAt(child, rest, f);
  switch (e.kind) {
    case 'number':
    case 'name':
      throw new RangeError('an expression path goes below a leaf');
    case 'call': {
      if (i < e.args.length) return { ...e, args: e.args.map((a, j) => (j === i ? edit(a) : a)) };
      const k = i - e.args.length;
      return { ...e, keywords: e.keywords.map((kw, j) => (j === k ? { ...kw, value: edit(kw.value) } : kw)) };
    }
    case 'binary':
      return i === 0 ? { ...e, left: edit(e.left) } : { ...e, right: edit(e.right) };
    case 'negate':
      return { ...e, operand: edit(e.operand) };
    default:
      return assertNever(e);
  }
}

/** Copies a program with every position set to NO_POS, so that structural equality ignores layout. */
export function withoutPositions(p: Program): Program {
  const expr = (e: Expr): Expr => {
    switch (e.kind) {
      case 'number':
        return { kind: 'number', value: e.value, pos: NO_POS };
      case 'name':
        return { kind: 'name', id: e.id, pos: NO_POS };
      case 'call':
        return {
          kind: 'call',
          fn: e.fn,
          args: e.args.map(expr),
          keywords: e.keywords.map((k) => ({ name: k.name, value: expr(k.value), pos: NO_POS })),
          pos: NO_POS,
        };
      case 'binary':
        return { kind: 'binary', op: e.op, left: expr(e.left), right: expr(e.right), pos: NO_POS };
      case 'negate':
        return { kind: 'negate', operand: expr(e.operand), pos: NO_POS };
      default:
        return assertNever(e);
    }
  };
  return {
    name: p.name,
    params: p.params.map((q) => ({ name: q.name, pos: NO_POS })),
    body: p.body.map((s) => ({ kind: 'assign', target: s.target, value: expr(s.value), pos: NO_POS })),
    ret: { values: p.ret.values.map(expr), pos: NO_POS },
    pos: NO_POS,
  };
}

/** Every name an expression reads, in left-to-right order (with repeats). */
export function namesRead(e: Expr, out: string[] = []): string[] {
  switch (e.kind) {
    case 'number':
      break;
    case 'name':
      out.push(e.id);
      break;
    case 'call':
      for (const a of e.args) namesRead(a, out);
      for (const k of e.keywords) namesRead(k.value, out);
      break;
    case 'binary':
      namesRead(e.left, out);
      namesRead(e.right, out);
      break;
    case 'negate':
      namesRead(e.operand, out);
      break;
    default:
      assertNever(e);
  }
  return out;
}
