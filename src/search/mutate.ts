// Mutation of optimizer programs, as in the Lion search: insert, delete or modify one statement,
// retried until the child checks and differs from its parent. With `neutral: 'retry'` it must
// behave differently: its fingerprint (of the simplified program, the dedup cache's key) differs.
// With `neutral: 'accept'` a child that differs only in text (same fingerprint) is a neutral child:
// it takes its parent's cached result and drifts, so a later mutation can build on what it changed.
//
// Modes: 'evolve' (the three kinds, by weight), 'constants-only' (perturb one constant: the
// hyperparameter-tuning baseline) and 'random' (a fresh random program: the random-search baseline).
import { LRUCache } from 'lru-cache';
import {
  CALLABLE_OPS,
  DslError,
  ErrorSink,
  checkOptimizer,
  parseOptimizer,
  printExpr,
  printProgram,
  randomOptimizer,
  randomStatement,
  scopeAt,
  type Assign,
  type CheckedOptimizer,
  type GenerateOptions,
  type NumberLit,
  type OpName,
  type OperatorForm,
  type Program,
  type Rng,
} from '../dsl/index.js';
import type { MutationRecord } from './candidate.js';
import { candidateKey, type CandidateKey } from './candidate-key.js';
import { drawConstant, perturbConstant } from './constant-draws.js';
import type { MutateFn } from './evolution.js';
import { leavesOf, replaceLeaf, type LeafPath } from './expr-leaves.js';
import type { SearchSpace } from './space-types.js';

/** What mutation reads of a search space (a SearchSpace is one). The parent carries the signature. */
export type MutationContext = Pick<SearchSpace, 'functions' | 'constants' | 'maxStatements' | 'mutation'>;

export type MutateResult =
  | {
      readonly ok: true;
      readonly child: Program;
      readonly checked: CheckedOptimizer;
      /** The child's cache key, already computed to compare it with the parent's. */
      readonly key: CandidateKey;
      readonly mutation: MutationRecord;
      /** Proposals made, this one included. */
      readonly attempts: number;
      /** Same fingerprint as the parent (only with `neutral: 'accept'`). */
      readonly neutral: boolean;
    }
  | { readonly ok: false; readonly reason: string; readonly attempts: number };

interface Proposal {
  readonly program: Program;
  readonly mutation: MutationRecord;
}

/** Ops written as operators in program text rather than called by name. */
const OPERATOR_FORMS: Partial<Record<OpName, OperatorForm>> = {
  add: '+',
  sub: '-',
  mul: '*',
  div: '/',
  power: '**',
  negative: 'negate',
};

/** Line of body statement `index` in the printed program (`def` is line 1). */
const lineOf = (index: number) => index + 2;

/**
 * A child of `parent` that checks and whose key fingerprint differs from the parent's, or a reason.
 * `parentFingerprint` (candidateKey's) may be passed when known, saving about a millisecond.
 */
export function mutate(parent: Program, rng: Rng, context: MutationContext, parentFingerprint?: string): MutateResult {
  if (parentFingerprint === undefined) {
    const parentChecked = tryCheck(parent);
    if (parentChecked === undefined) return { ok: false, reason: 'the parent program does not check', attempts: 0 };
    parentFingerprint = candidateKey(parentChecked).fingerprint;
  }
  const options = generateOptions(context, parent);
  const { maxRetries, mode } = context.mutation;
  const acceptNeutral = context.mutation.neutral === 'accept';
  const parentText = acceptNeutral ? printProgram(parent) : '';
  for (let attempt = 1; attempt <= maxRetries; attempt++) {
    const proposal = propose(parent, rng, context, options);
    if (proposal === undefined) continue;
    const checked = tryCheck(proposal.program);
    if (checked === undefined) continue;
    const key = candidateKey(checked);
    const neutral = key.fingerprint === parentFingerprint;
    if (neutral && (!acceptNeutral || printProgram(proposal.program) === parentText)) continue;
    const mutation = neutral ? { ...proposal.mutation, neutral: true as const } : proposal.mutation;
    return { ok: true, child: proposal.program, checked, key, mutation, attempts: attempt, neutral };
  }
  const differently = acceptNeutral ? 'differs from its parent in text' : 'behaves differently from its parent';
  const reason = `no child that checks and ${differently} in ${maxRetries} attempts (mode ${mode})`;
  return { ok: false, reason, attempts: maxRetries };
}

/**
 * `mutate` over canonical program text, the form the evolution state keeps. Parsed parents and
 * their fingerprints are remembered (tournaments pick the same good parents again and again).
 */
export function textMutator(
  context: MutationContext,
  remember = 4096,
  /** Told each child's text and key, so a caller need not fingerprint the child again. */
  onChild?: (program: string, key: CandidateKey) => void,
): MutateFn {
  const parents = new LRUCache<string, { program: Program; fingerprint: string }>({ max: remember });
  return (parentText, rng) => {
    let parent = parents.get(parentText);
    if (parent === undefined) {
      let checked: CheckedOptimizer;
      try {
        checked = parseOptimizer(parentText, '<parent>');
      } catch (error) {
        if (error instanceof DslError) return { ok: false, reason: `the parent does not parse: ${error.message}` };
        throw error;
      }
      parent = { program: checked.program, fingerprint: candidateKey(checked).fingerprint };
      parents.set(parentText, parent);
    }
    const result = mutate(parent.program, rng, context, parent.fingerprint);
    if (!result.ok) return result;
    const program = printProgram(result.child);
    onChild?.(program, result.key);
    return { ok: true, program, mutation: result.mutation };
  };
}

function propose(parent: Program, rng: Rng, context: MutationContext, options: Partial<GenerateOptions>): Proposal | undefined {
  switch (context.mutation.mode) {
    case 'constants-only':
      return modifyConstant(parent, rng, context);
    case 'random':
      return randomProgram(parent, rng, context, options);
    case 'evolve': {
      const { insert, delete: remove, modify } = context.mutation.weights;
      // Insertion is disabled once the program reaches maxStatements.
      const weights = [parent.body.length < context.maxStatements ? insert : 0, remove, modify];
      const kind = weightedIndex(rng, weights);
      if (kind === 0) return insertStatement(parent, rng, options);
      if (kind === 1) return deleteStatement(parent, rng);
      if (kind === 2) return modifyArgument(parent, rng, context);
      return undefined;
    }
  }
}

/** A new random statement at a random position, writing a fresh variable or an existing one. */
function insertStatement(parent: Program, rng: Rng, options: Partial<GenerateOptions>): Proposal | undefined {
  const index = rng.int(parent.body.length + 1);
  let statement: Assign;
  try {
    statement = randomStatement(rng, scopeAt(parent, index), options);
  } catch {
    return undefined; // nothing in the function set fits here; another attempt draws another position
  }
  const body = [...parent.body.slice(0, index), statement, ...parent.body.slice(index)];
  return { program: { ...parent, body }, mutation: { kind: 'insert', line: lineOf(index), detail: `insert \`${printStatement(statement)}\`` } };
}

/** Removes a random statement; the return stays, and the checker refuses a child that needed it. */
function deleteStatement(parent: Program, rng: Rng): Proposal | undefined {
  if (parent.body.length === 0) return undefined;
  const index = rng.int(parent.body.length);
  const body = parent.body.filter((_, i) => i !== index);
  const detail = `delete \`${printStatement(parent.body[index]!)}\``;
  return { program: { ...parent, body }, mutation: { kind: 'delete', line: lineOf(index), detail } };
}

/** Changes one argument of a random statement: a variable to another of its type, or a constant. */
function modifyArgument(parent: Program, rng: Rng, context: MutationContext): Proposal | undefined {
  if (parent.body.length === 0) return undefined;
  const index = rng.int(parent.body.length);
  const leaves = leavesOf(parent.body[index]!.value);
  if (leaves.length === 0) return undefined;
  const { path, leaf } = rng.pick(leaves);
  if (leaf.kind === 'number') return withConstant(parent, index, path, leaf, rng, context);
  const scope = scopeAt(parent, index).readable;
  const type = scope.get(leaf.id);
  const others = [...scope.keys()].filter((name) => name !== leaf.id && scope.get(name) === type);
  if (others.length === 0) return undefined;
  const name = rng.pick(others);
  const program = replaceStatementLeaf(parent, index, path, { kind: 'name', id: name, pos: leaf.pos });
  const detail = `${leaf.id} → ${name} in \`${printStatement(program.body[index]!)}\``;
  return { program, mutation: { kind: 'modify-variable', line: lineOf(index), detail } };
}

/** Perturbs one constant, chosen uniformly among all constants of the body. */
function modifyConstant(parent: Program, rng: Rng, context: MutationContext): Proposal | undefined {
  const constants = parent.body.flatMap((s, index) =>
    leavesOf(s.value).flatMap(({ path, leaf }) => (leaf.kind === 'number' ? [{ index, path, leaf }] : [])),
  );
  if (constants.length === 0) return undefined;
  const { index, path, leaf } = rng.pick(constants);
  return withConstant(parent, index, path, leaf, rng, context);
}

function withConstant(
  parent: Program,
  index: number,
  path: LeafPath,
  leaf: NumberLit,
  rng: Rng,
  context: MutationContext,
): Proposal {
  const value = perturbConstant(leaf.value, rng, context.constants);
  const program = replaceStatementLeaf(parent, index, path, { kind: 'number', value, pos: leaf.pos });
  const detail = `${printExpr(leaf)} → ${printExpr({ ...leaf, value })} in \`${printStatement(program.body[index]!)}\``;
  return { program, mutation: { kind: 'modify-constant', line: lineOf(index), detail } };
}

/** A fresh random program with the parent's signature, up to maxStatements long. */
function randomProgram(parent: Program, rng: Rng, context: MutationContext, options: Partial<GenerateOptions>): Proposal | undefined {
  let program: Program;
  try {
    program = randomOptimizer(rng, { ...options, statements: [1, Math.max(1, context.maxStatements)] });
  } catch {
    return undefined;
  }
  return { program, mutation: { kind: 'random', detail: `random program of ${program.body.length} statements` } };
}

function replaceStatementLeaf(parent: Program, index: number, path: LeafPath, leaf: Assign['value']): Program {
  const body = parent.body.map((s, i) => (i === index ? { ...s, value: replaceLeaf(s.value, path, leaf) } : s));
  return { ...parent, body };
}

/** Generator options for the space: its functions, operators for the arithmetic ops, its constants. */
function generateOptions(context: MutationContext, parent: Program): Partial<GenerateOptions> {
  const operators = context.functions.flatMap((fn) => OPERATOR_FORMS[fn] ?? []);
  const functions = context.functions.filter((fn) => OPERATOR_FORMS[fn] === undefined && CALLABLE_OPS.includes(fn));
  return {
    params: parent.params.map((p) => p.name),
    name: parent.name,
    functions,
    operators,
    // Every allowed op equally likely, whether it is written as an operator or called.
    operatorProbability: operators.length / Math.max(1, operators.length + functions.length),
    // A new variable or an existing one of matching type, evenly, as the Lion search's insert.
    freshProbability: 0.5,
    constant: (rng) => drawConstant(rng, context.constants),
  };
}

/** An index drawn with probability proportional to its weight; -1 when all weights are 0. */
function weightedIndex(rng: Rng, weights: readonly number[]): number {
  const total = weights.reduce((a, b) => a + Math.max(0, b), 0);
  if (!(total > 0)) return -1;
  let x = rng.next() * total;
  let last = -1;
  for (let i = 0; i < weights.length; i++) {
    if (!(weights[i]! > 0)) continue;
    last = i;
    x -= weights[i]!;
    if (x < 0) return i;
  }
  return last; // x may reach 0 only by rounding: the last positive weight
}

function tryCheck(program: Program): CheckedOptimizer | undefined {
  try {
    // Error text is discarded, so the sink needs no source to quote.
    return checkOptimizer(program, new ErrorSink('<mutant>', ''));
  } catch (error) {
    if (error instanceof DslError) return undefined;
    throw error;
  }
}

function printStatement(s: Assign): string {
  return `${s.target} = ${printExpr(s.value)}`;
}
