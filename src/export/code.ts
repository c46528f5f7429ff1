// Code text with its binding strength, and the small combinators the op tables are written with.
import type { OpName } from '../dsl/index.js';

export interface Code {
  readonly text: string;
  /** How tightly the text binds: ADDITIVE < MULTIPLICATIVE < UNARY < ATOM. */
  readonly prec: number;
}

export const ADDITIVE = 1;
export const MULTIPLICATIVE = 2;
export const UNARY = 3;
export const ATOM = 5;

export const atom = (text: string): Code => ({ text, prec: ATOM });

const wrap = (c: Code, parens: boolean) => (parens ? `(${c.text})` : c.text);

/** `name(a, b)`. */
export const call =
  (name: string) =>
  (args: readonly Code[]): Code =>
    atom(`${name}(${args.map((a) => a.text).join(', ')})`);

/** A left-associative infix operator. */
export const infix =
  (symbol: string, prec: number) =>
  ([x, y]: readonly Code[]): Code => ({ text: `${wrap(x!, x!.prec < prec)} ${symbol} ${wrap(y!, y!.prec <= prec)}`, prec });

/** Unary minus; the operand is parenthesised unless it is an atom (so `-(-x)`, never `--x`). */
export const negate = ([x]: readonly Code[]): Code => ({ text: `-${wrap(x!, x!.prec < ATOM)}`, prec: UNARY });

/** One op in a target: how a use is written, and the helper definitions it relies on. */
export interface OpEntry {
  readonly emit: (args: readonly Code[]) => Code;
  /** Helper definition text, included once when the op is used. */
  readonly define?: string;
  /** Other helpers (by name in the target's support table) this op's code calls. */
  readonly needs?: readonly string[];
  /** Ops whose helpers this op's helper calls. */
  readonly uses?: readonly OpName[];
  /** The op is a macro: its helper is written from its definition in macros.ts. */
  readonly macro?: true;
}

export type OpTable = Record<OpName, OpEntry>;
