// Parser: tokens → Program. Recursive descent with one function per precedence level.
//
// Precedence, loosest first: `+ -`, `* /`, unary `-`, `**` (right-associative; its right operand
// may itself start with a unary minus, as in Python: `2 ** -x`). A minus written directly before a
// number folds into a negative literal, unless a `**` follows (`-2 ** 2` is `-(2 ** 2)`).
import type { Assign, BinaryOp, Expr, KeywordArg, Param, Pos, Program, Return } from './ast.js';
import { ErrorSink } from './errors.js';
import { tokenize, type Token } from './lexer.js';

/** Deeper nesting is refused rather than risking the stack on hostile input. */
const MAX_NESTING = 200;
/** Largest finite float32; literals beyond it would silently become infinite. */
const FLOAT32_MAX = 3.4028234663852886e38;

const RESERVED = new Set([
  'def', 'return', 'if', 'elif', 'else', 'for', 'while', 'in', 'not', 'and', 'or', 'is', 'lambda',
  'import', 'from', 'class', 'pass', 'with', 'as', 'yield', 'global', 'nonlocal', 'del', 'try',
  'except', 'finally', 'raise', 'assert', 'break', 'continue', 'True', 'False', 'None',
]);

export function parseProgram(source: string, file = '<input>'): Program {
  const errors = new ErrorSink(file, source);
  return new Parser(tokenize(source, errors), errors).program();
}

class Parser {
  private at = 0;
  private nesting = 0;

  constructor(
    private readonly tokens: readonly Token[],
    private readonly errors: ErrorSink,
  ) {}

  program(): Program {
    const def = this.peek();
    if (def.kind === 'eof') throw this.errors.error(def.pos, 'empty program: expected `def name(...):`');
    this.expectKeyword('def');
    const name = this.expectName('a function name');
    this.expectOp('(');
    const params: Param[] = [];
    while (!this.isOp(')')) {
      const tok = this.peek();
      const id = this.expectName('a parameter name');
      if (params.some((p) => p.name === id)) throw this.errors.error(tok.pos, `duplicate parameter '${id}'`);
      params.push({ name: id, pos: tok.pos });
      if (!this.isOp(')')) this.expectOp(',');
    }
    this.expectOp(')');
    this.expectOp(':');
    this.expect('newline', 'a new line after `:`');
    this.expect('indent', 'an indented body');

    const body: Assign[] = [];
    let ret: Return | undefined;
    while (this.peek().kind !== 'dedent' && this.peek().kind !== 'eof') {
      const tok = this.peek();
      if (ret) throw this.errors.error(tok.pos, '`return` must be the last statement');
      if (tok.kind === 'indent') throw this.errors.error(tok.pos, 'unexpected indent');
      if (tok.kind === 'name' && tok.text === 'return') ret = this.returnStatement();
      else body.push(this.assignment());
    }
    const end = this.peek();
    if (!ret) {
      // Point at the statement that should have been followed by the return, not past the file's end.
      const last = body[body.length - 1]?.pos ?? end.pos;
      throw this.errors.error(last, 'the function has no `return` statement after its last statement');
    }
    if (end.kind === 'dedent') this.next();
    const after = this.peek();
    if (after.kind !== 'eof') {
      throw this.errors.error(after.pos, 'unexpected text after the function; a file holds one `def`');
    }
    return { name: name, params, body, ret, pos: def.pos };
  }

  private returnStatement(): Return {
    const pos = this.next().pos;
    const values = [this.expression()];
    while (this.isOp(',')) {
      this.next();
      values.push(this.expression());
    }
    this.expect('newline', 'the end of the line');
    return { values, pos };
  }

  private assignment(): Assign {
    const tok = this.peek();
    const target = this.expectName('a statement (`name = expression` or `return ...`)');
    this.expectOp('=');
    const value = this.expression();
    this.expect('newline', 'the end of the line');
    return { kind: 'assign', target, value, pos: tok.pos };
  }

  private expression(): Expr {
    const outer = this.nesting;
    this.enter(this.peek());
    let left = this.term();
    while (this.isOp('+') || this.isOp('-')) {
      const op = this.next();
      this.enter(op); // a chain `a + b + c ...` nests to the left: as deep as it is long
      left = this.binary(op, left, this.term());
    }
    this.nesting = outer;
    return left;
  }

  private term(): Expr {
    const outer = this.nesting;
    let left = this.unary();
    while (this.isOp('*') || this.isOp('/')) {
      const op = this.next();
      this.enter(op);
      left = this.binary(op, left, this.unary());
    }
    this.nesting = outer;
    return left;
  }

  private unary(): Expr {
    if (!this.isOp('-')) return this.power();
    const minus = this.next();
    const literal = this.peek();
    const after = this.tokens[this.at + 1];
    if (literal.kind === 'number' && !(after?.kind === 'op' && after.text === '**')) {
      const value = -(this.primary() as { value: number }).value;
      return { kind: 'number', value, pos: minus.pos };
    }
    this.enter(minus);
    const operand = this.unary();
    this.nesting--;
    return { kind: 'negate', operand, pos: minus.pos };
  }

  private power(): Expr {
    const base = this.primary();
    if (!this.isOp('**')) return base;
    const op = this.next();
    this.enter(op);
    const exponent = this.unary();
    this.nesting--;
    return this.binary(op, base, exponent);
  }

  private enter(tok: Token): void {
    if (++this.nesting > MAX_NESTING) {
      throw this.errors.error(tok.pos, `expression nested more than ${MAX_NESTING} levels deep`);
    }
  }

  private primary(): Expr {
    const tok = this.next();
    if (tok.kind === 'number') {
      const value = Number(tok.text);
      if (!(Math.abs(value) <= FLOAT32_MAX)) {
        throw this.errors.error(tok.pos, `number ${tok.text} is out of float32 range (largest ${FLOAT32_MAX})`);
      }
      return { kind: 'number', value, pos: tok.pos };
    }
    if (tok.kind === 'name') {
      if (RESERVED.has(tok.text)) throw this.errors.error(tok.pos, `'${tok.text}' is not part of the language`);
      if (this.isOp('(')) return this.call(tok);
      return { kind: 'name', id: tok.text, pos: tok.pos };
    }
    if (tok.kind === 'op' && tok.text === '(') {
      const inner = this.expression();
      this.expectOp(')');
      return inner;
    }
    throw this.errors.error(tok.pos, `expected an expression, found ${describe(tok)}`);
  }

  private call(fn: Token): Expr {
    this.expectOp('(');
    const args: Expr[] = [];
    const keywords: KeywordArg[] = [];
    while (!this.isOp(')')) {
      const tok = this.peek();
      const after = this.tokens[this.at + 1];
      if (tok.kind === 'name' && after?.kind === 'op' && after.text === '=') {
        this.next();
        this.next();
        if (keywords.some((k) => k.name === tok.text)) {
          throw this.errors.error(tok.pos, `keyword argument '${tok.text}' given twice`);
        }
        keywords.push({ name: tok.text, value: this.expression(), pos: tok.pos });
      } else {
        if (keywords.length > 0) {
          throw this.errors.error(tok.pos, 'positional argument follows keyword argument');
        }
        args.push(this.expression());
      }
      if (!this.isOp(')')) this.expectOp(',');
    }
    this.expectOp(')');
    return { kind: 'call', fn: fn.text, args, keywords, pos: fn.pos };
  }

  private binary(op: Token, left: Expr, right: Expr): Expr {
    return { kind: 'binary', op: op.text as BinaryOp, left, right, pos: op.pos };
  }

  private peek(): Token {
    return this.tokens[this.at]!;
  }

  private next(): Token {
    const tok = this.tokens[this.at]!;
    if (tok.kind !== 'eof') this.at++;
    return tok;
  }

  private isOp(text: string): boolean {
    const tok = this.peek();
    return tok.kind === 'op' && tok.text === text;
  }

  private expect(kind: Token['kind'], what: string): Token {
    const tok = this.peek();
    if (tok.kind !== kind) throw this.errors.error(tok.pos, `expected ${what}, found ${describe(tok)}`);
    return this.next();
  }

  private expectOp(text: string): void {
    const tok = this.peek();
    if (!(tok.kind === 'op' && tok.text === text)) {
      throw this.errors.error(tok.pos, `expected '${text}', found ${describe(tok)}`);
    }
    this.next();
  }

  private expectKeyword(word: string): void {
    const tok = this.peek();
    if (!(tok.kind === 'name' && tok.text === word)) {
      throw this.errors.error(tok.pos, `expected '${word}', found ${describe(tok)}`);
    }
    this.next();
  }

  private expectName(what: string): string {
    const tok = this.peek();
    if (tok.kind !== 'name' || RESERVED.has(tok.text)) {
      throw this.errors.error(tok.pos, `expected ${what}, found ${describe(tok)}`);
    }
    return this.next().text;
  }
}

function describe(tok: Token): string {
  switch (tok.kind) {
    case 'eof':
      return 'the end of the file';
    case 'newline':
      return 'the end of the line';
    case 'indent':
      return 'an indent';
    case 'dedent':
      return 'a dedent';
    default:
      return `'${tok.text}'`;
  }
}
