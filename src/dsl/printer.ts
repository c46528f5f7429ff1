// Canonical printer: one text per AST, so that parse(print(p)) equals p and text can serve as identity.
import { assertNever, type Expr, type Program } from './ast.js';

// Binding strength of each form; parentheses are added only where the parser needs them.
const ADDITIVE = 1;
const MULTIPLICATIVE = 2;
const UNARY = 3;
const POWER = 4;
const ATOM = 5;

const INDENT = '    ';

export function printProgram(p: Program): string {
  const lines = [`def ${p.name}(${p.params.map((q) => q.name).join(', ')}):`];
  for (const s of p.body) lines.push(`${INDENT}${s.target} = ${printExpr(s.value)}`);
  lines.push(`${INDENT}return ${p.ret.values.map(printExpr).join(', ')}`);
  return lines.join('\n') + '\n';
}

export function printNumber(value: number): string {
  return Object.is(value, -0) ? '-0' : String(value);
}

export function printExpr(e: Expr): string {
  switch (e.kind) {
    case 'number':
      return printNumber(e.value);
    case 'name':
      return e.id;
    case 'call': {
      const args = e.args.map(printExpr);
      for (const k of e.keywords) args.push(`${k.name}=${printExpr(k.value)}`);
      return `${e.fn}(${args.join(', ')})`;
    }
    case 'negate': {
      const operand = e.operand;
      const bare = operand.kind !== 'number' && operand.kind !== 'negate' && strength(operand) >= UNARY;
      return bare ? `-${printExpr(operand)}` : `-(${printExpr(operand)})`;
    }
    case 'binary': {
      if (e.op === '**') {
        return `${wrap(e.left, strength(e.left) <= POWER)} ** ${wrap(e.right, strength(e.right) < UNARY)}`;
      }
      const level = e.op === '+' || e.op === '-' ? ADDITIVE : MULTIPLICATIVE;
      return `${wrap(e.left, strength(e.left) < level)} ${e.op} ${wrap(e.right, strength(e.right) <= level)}`;
    }
    default:
      return assertNever(e);
  }
}

function wrap(e: Expr, parens: boolean): string {
  const text = printExpr(e);
  return parens ? `(${text})` : text;
}

function strength(e: Expr): number {
  switch (e.kind) {
    case 'number':
      return e.value < 0 || Object.is(e.value, -0) ? UNARY : ATOM;
    case 'name':
    case 'call':
      return ATOM;
    case 'negate':
      return UNARY;
    case 'binary':
      return e.op === '**' ? POWER : e.op === '+' || e.op === '-' ? ADDITIVE : MULTIPLICATIVE;
    default:
      return assertNever(e);
  }
}
