// Mutation of block programs, as Primer's search mutates its DNA: insert, delete or modify one op,
// retried until the child checks (every width fits) and behaves differently from its parent (its
// block fingerprint, the dedup key, differs). Each kind of change is a named function below.
import {
  BLOCK_ACTIVATIONS,
  blockFingerprint,
  checkBlock,
  DEFAULT_BLOCK_GENERATE_OPTIONS,
  DslError,
  ErrorSink,
  NO_POS,
  printExpr,
  printProgram,
  randomBlockExpr,
  sameWidth,
  widthExpr,
  type BlockCheckOptions,
  type CheckedBlock,
  type Expr,
  type Program,
  type Rng,
} from '../dsl/index.js';
import { replaceSite, scopeBefore, sitesOf, type Site } from './block-edits.js';

export type BlockMutationKind =
  | 'insert'
  | 'delete'
  | 'unwrap'
  | 'swap-activation'
  | 'insert-dconv'
  | 'change-dconv'
  | 'change-width'
  | 'change-heads'
  | 'change-constant'
  | 'rewire';

export interface BlockMutationRecord {
  readonly kind: BlockMutationKind;
  /** 1-based line of the changed statement in the printed child (the parent's, for delete). */
  readonly line: number;
  readonly detail: string;
}

export interface BlockMutationOptions {
  /** Relative weights of inserting, deleting and modifying an op. */
  readonly weights: { readonly insert: number; readonly delete: number; readonly modify: number };
  /** Width multiples dense() may be given. */
  readonly widths: readonly number[];
  readonly dconvTaps: readonly number[];
  readonly heads: readonly number[];
  readonly maxStatements: number;
  readonly maxRetries: number;
  /** The model width children must work at. */
  readonly check: BlockCheckOptions;
  /** A further test every child must pass (a size window), tried before the fingerprint. */
  readonly accept?: (child: CheckedBlock) => boolean;
}

export const DEFAULT_BLOCK_MUTATION: BlockMutationOptions = {
  weights: { insert: 1, delete: 1, modify: 2 },
  widths: DEFAULT_BLOCK_GENERATE_OPTIONS.widths,
  dconvTaps: DEFAULT_BLOCK_GENERATE_OPTIONS.dconvTaps,
  heads: DEFAULT_BLOCK_GENERATE_OPTIONS.heads,
  maxStatements: 16,
  maxRetries: 50,
  check: {},
};

export type BlockMutateResult =
  | {
      readonly ok: true;
      readonly child: CheckedBlock;
      readonly fingerprint: string;
      readonly mutation: BlockMutationRecord;
      readonly attempts: number;
    }
  | { readonly ok: false; readonly reason: string; readonly attempts: number };

interface Proposal {
  readonly program: Program;
  readonly mutation: BlockMutationRecord;
}

/** Line of body statement `index` in the printed program (`def` is line 1; the return follows the body). */
const lineOf = (index: number) => index + 2;

/** A child of `parent` that checks and whose fingerprint differs from the parent's, or a reason. */
export function mutateBlock(
  parent: CheckedBlock,
  rng: Rng,
  options: BlockMutationOptions = DEFAULT_BLOCK_MUTATION,
  parentFingerprint: string = blockFingerprint(parent),
): BlockMutateResult {
  for (let attempt = 1; attempt <= options.maxRetries; attempt++) {
    const proposal = propose(parent, rng, options);
    if (proposal === undefined) continue;
    const child = tryCheck(proposal.program, options.check);
    if (child === undefined || (options.accept !== undefined && !options.accept(child))) continue;
    const fingerprint = blockFingerprint(child);
    if (fingerprint === parentFingerprint) continue;
    return { ok: true, child, fingerprint, mutation: proposal.mutation, attempts: attempt };
  }
  const within = options.accept === undefined ? '' : ', passes the space\'s tests';
  return { ok: false, reason: `no child that checks${within} and behaves differently from its parent in ${options.maxRetries} attempts`, attempts: options.maxRetries };
}

function tryCheck(program: Program, options: BlockCheckOptions): CheckedBlock | undefined {
  const text = printProgram(program);
  try {
    return checkBlock(program, new ErrorSink('<child>', text), options);
  } catch (error) {
    if (error instanceof DslError) return undefined;
    throw error;
  }
}

function propose(parent: CheckedBlock, rng: Rng, o: BlockMutationOptions): Proposal | undefined {
  const { insert, delete: remove, modify } = o.weights;
  const weights = [parent.program.body.length < o.maxStatements ? insert : 0, remove, modify];
  const total = weights.reduce((a, b) => a + b, 0);
  if (!(total > 0)) return undefined;
  let r = rng.next() * total;
  const kind = weights.findIndex((w) => (r -= w) < 0);
  if (kind === 0) return insertStatement(parent, rng, o);
  if (kind === 1) return rng.chance(0.5) ? deleteStatement(parent, rng) : unwrap(parent, rng);
  if (kind === 2) return MODIFIERS[rng.int(MODIFIERS.length)]!(parent, rng, o);
  return undefined;
}

type Modifier = (parent: CheckedBlock, rng: Rng, o: BlockMutationOptions) => Proposal | undefined;

const call = (fn: string, args: Expr[]): Expr => ({ kind: 'call', fn, args, keywords: [], pos: NO_POS });
const num = (value: number): Expr => ({ kind: 'number', value, pos: NO_POS });
const ref = (id: string): Expr => ({ kind: 'name', id, pos: NO_POS });

/** A site's statement as printed in the child, for the record's detail. */
function record(kind: BlockMutationKind, program: Program, statement: number, what: string): Proposal {
  const text = statement < program.body.length ? `${program.body[statement]!.target} = ${printExpr(program.body[statement]!.value)}` : `return ${printExpr(program.ret.values[0]!)}`;
  return { program, mutation: { kind, line: lineOf(statement), detail: `${what} in \`${text}\`` } };
}

function pickSite(sites: readonly Site[], rng: Rng, keep: (s: Site) => boolean): Site | undefined {
  const eligible = sites.filter(keep);
  return eligible.length === 0 ? undefined : rng.pick(eligible);
}

const isCallTo = (s: Site, fns: readonly string[]) => s.expr.kind === 'call' && fns.includes(s.expr.fn);

/** A new statement `t = op(...)` of t's own width, over names in scope: `q = dconv(q, 3)`, `f = square(f)`. */
function insertStatement(parent: CheckedBlock, rng: Rng, o: BlockMutationOptions): Proposal | undefined {
  const index = rng.int(parent.program.body.length + 1);
  const scope = [...scopeBefore(parent, index)].map(([name, width]) => ({ name, width }));
  const target = rng.pick(scope);
  let value: Expr | undefined;
  if (rng.chance(0.6)) {
    const wraps: (() => Expr)[] = [
      () => call(rng.pick(BLOCK_ACTIVATIONS), [ref(target.name)]),
      () => call('dconv', [ref(target.name), num(rng.pick(o.dconvTaps))]),
      () => call('layer_norm', [ref(target.name)]),
    ];
    value = rng.pick(wraps)();
  } else {
    const generate = { ...DEFAULT_BLOCK_GENERATE_OPTIONS, widths: [target.width], dconvTaps: o.dconvTaps, heads: o.heads };
    for (let i = 0; i < 8 && value === undefined; i++) {
      const drawn = randomBlockExpr(rng, scope, generate);
      if (sameWidth(drawn.width, target.width)) value = drawn.value;
    }
  }
  if (value === undefined) return undefined;
  const body = [...parent.program.body];
  body.splice(index, 0, { kind: 'assign', target: target.name, value, pos: NO_POS });
  const program = { ...parent.program, body };
  return { program, mutation: { kind: 'insert', line: lineOf(index), detail: `inserted \`${target.name} = ${printExpr(value)}\`` } };
}

function deleteStatement(parent: CheckedBlock, rng: Rng): Proposal | undefined {
  const { body } = parent.program;
  if (body.length === 0) return undefined;
  const index = rng.int(body.length);
  const gone = body[index]!;
  const program = { ...parent.program, body: body.filter((_, i) => i !== index) };
  return { program, mutation: { kind: 'delete', line: lineOf(index), detail: `deleted \`${gone.target} = ${printExpr(gone.value)}\`` } };
}

/** f(e) → e for an op that keeps the width: an activation, a dconv or a LayerNorm goes. */
function unwrap(parent: CheckedBlock, rng: Rng): Proposal | undefined {
  const site = pickSite(sitesOf(parent), rng, (s) => isCallTo(s, [...BLOCK_ACTIVATIONS, 'dconv', 'layer_norm']));
  if (site === undefined || site.expr.kind !== 'call') return undefined;
  const inner = site.expr.args[0]!;
  const program = replaceSite(parent.program, site.statement, site.path, () => inner);
  return record('unwrap', program, site.statement, `removed ${site.expr.fn}()`);
}

function swapActivation(parent: CheckedBlock, rng: Rng): Proposal | undefined {
  const site = pickSite(sitesOf(parent), rng, (s) => isCallTo(s, BLOCK_ACTIVATIONS));
  if (site === undefined || site.expr.kind !== 'call') return undefined;
  const from = site.expr.fn;
  const to = rng.pick(BLOCK_ACTIVATIONS.filter((a) => a !== from));
  const program = replaceSite(parent.program, site.statement, site.path, (e) => ({ ...(e as Extract<Expr, { kind: 'call' }>), fn: to }));
  return record('swap-activation', program, site.statement, `${from} → ${to}`);
}

/** e → dconv(e, k) for an activation-valued subexpression e (Primer's DConv after a projection). */
function insertDconv(parent: CheckedBlock, rng: Rng, o: BlockMutationOptions): Proposal | undefined {
  const site = pickSite(sitesOf(parent), rng, (s) => s.value.kind === 'activation' && !isCallTo(s, ['dconv']));
  if (site === undefined) return undefined;
  const taps = rng.pick(o.dconvTaps);
  const program = replaceSite(parent.program, site.statement, site.path, (e) => call('dconv', [e, num(taps)]));
  return record('insert-dconv', program, site.statement, `dconv(·, ${taps}) around \`${printExpr(site.expr)}\``);
}

function changeDconv(parent: CheckedBlock, rng: Rng, o: BlockMutationOptions): Proposal | undefined {
  const site = pickSite(sitesOf(parent), rng, (s) => s.parent?.fn === 'dconv' && s.parent.index === 1 && s.value.kind === 'scalar');
  if (site === undefined || site.value.kind !== 'scalar') return undefined;
  const from = site.value.value;
  const choices = o.dconvTaps.filter((k) => k !== from);
  if (choices.length === 0) return undefined;
  const to = rng.pick(choices);
  const program = replaceSite(parent.program, site.statement, site.path, () => num(to));
  return record('change-dconv', program, site.statement, `dconv taps ${from} → ${to}`);
}

function changeWidth(parent: CheckedBlock, rng: Rng, o: BlockMutationOptions): Proposal | undefined {
  const site = pickSite(sitesOf(parent), rng, (s) => s.parent?.fn === 'dense' && s.parent.index === 1 && s.value.kind === 'size');
  if (site === undefined || site.value.kind !== 'size') return undefined;
  const from = site.value.multiple;
  const choices = o.widths.filter((w) => !sameWidth(w, from));
  if (choices.length === 0) return undefined;
  const to = rng.pick(choices);
  const program = replaceSite(parent.program, site.statement, site.path, () => widthExpr(to));
  return record('change-width', program, site.statement, `dense size ${printExpr(site.expr)} → ${printExpr(widthExpr(to))}`);
}

function changeHeads(parent: CheckedBlock, rng: Rng, o: BlockMutationOptions): Proposal | undefined {
  const site = pickSite(sitesOf(parent), rng, (s) => s.parent?.fn === 'attention' && s.parent.index === 3 && s.value.kind === 'scalar');
  if (site === undefined || site.value.kind !== 'scalar') return undefined;
  const from = site.value.value;
  const choices = o.heads.filter((h) => h !== from);
  if (choices.length === 0) return undefined;
  const to = rng.pick(choices);
  const program = replaceSite(parent.program, site.statement, site.path, () => num(to));
  return record('change-heads', program, site.statement, `heads ${from} → ${to}`);
}

/** A constant in activation arithmetic, times 2 ** N(0, 1), to 4 significant digits. */
function changeConstant(parent: CheckedBlock, rng: Rng): Proposal | undefined {
  const site = pickSite(sitesOf(parent), rng, (s) => s.expr.kind === 'number' && s.parent === undefined && !s.inSize);
  if (site === undefined || site.expr.kind !== 'number') return undefined;
  const from = site.expr.value;
  const to = Number((from * 2 ** rng.normal()).toPrecision(4));
  const program = replaceSite(parent.program, site.statement, site.path, () => num(to));
  return record('change-constant', program, site.statement, `${from} → ${to}`);
}

/** A name read by an op → another name in scope of the same width. */
function rewire(parent: CheckedBlock, rng: Rng): Proposal | undefined {
  const site = pickSite(sitesOf(parent), rng, (s) => s.expr.kind === 'name' && s.value.kind === 'activation');
  if (site === undefined || site.expr.kind !== 'name' || site.value.kind !== 'activation') return undefined;
  const width = site.value.width;
  const from = site.expr.id;
  const choices = [...scopeBefore(parent, site.statement)].filter(([name, w]) => name !== from && sameWidth(w, width)).map(([name]) => name);
  if (choices.length === 0) return undefined;
  const to = rng.pick(choices);
  const program = replaceSite(parent.program, site.statement, site.path, () => ref(to));
  return record('rewire', program, site.statement, `${from} → ${to}`);
}

const MODIFIERS: readonly Modifier[] = [swapActivation, insertDconv, changeDconv, changeWidth, changeHeads, changeConstant, rewire];
