// Shared test fixtures for the search: a Lion-like mutation context, AdamW, and a toy fitness.
import { readFileSync } from 'node:fs';
import { assertNever, BINARY_OP_NAMES, parseOptimizer, type CheckedOptimizer, type Expr, type OpName, type Program } from '../../src/dsl/index.js';
import type { FitnessResult } from '../../src/search/fitness.js';
import type { MutationContext } from '../../src/search/mutate.js';

export const ADAMW: CheckedOptimizer = parseOptimizer(readFileSync('dsl/optimizers/adamw.dsl', 'utf8'), 'dsl/optimizers/adamw.dsl');

export const LION_CONTEXT: MutationContext = {
  functions: ['add', 'sub', 'mul', 'div', 'interp', 'sign', 'sqrt', 'square', 'abs', 'exp', 'log', 'tanh', 'clip', 'max', 'min', 'norm'],
  constants: { initial: { mean: 0, std: 1 }, perturb: { replaceProbability: 0.5, scaleLog2Std: 1 }, limit: 1e10 },
  maxStatements: 20,
  mutation: { mode: 'evolve', weights: { insert: 1, delete: 1, modify: 1 }, maxRetries: 1000 },
};

export function withMutation(context: MutationContext, mutation: Partial<MutationContext['mutation']>): MutationContext {
  return { ...context, mutation: { ...context.mutation, ...mutation } };
}

/** Every op a program uses, operators and unary minus included. */
export function opsUsed(program: Program): Set<OpName> {
  const out = new Set<OpName>();
  const visit = (e: Expr): void => {
    switch (e.kind) {
      case 'number':
      case 'name':
        return;
      case 'call':
        out.add(e.fn as OpName);
        e.args.forEach(visit);
        return;
      case 'binary':
        out.add(BINARY_OP_NAMES[e.op]);
        visit(e.left);
        visit(e.right);
        return;
      case 'negate':
        out.add('negative');
        visit(e.operand);
        return;
      default:
        assertNever(e);
    }
  };
  program.body.forEach((s) => visit(s.value));
  program.ret.values.forEach(visit);
  return out;
}

/** Every constant of a program's body, in order. */
export function constantsOf(program: Program): number[] {
  const out: number[] = [];
  const visit = (e: Expr): void => {
    if (e.kind === 'number') out.push(e.value);
    else if (e.kind === 'call') e.args.forEach(visit);
    else if (e.kind === 'binary') [e.left, e.right].forEach(visit);
    else if (e.kind === 'negate') visit(e.operand);
  };
  program.body.forEach((s) => visit(s.value));
  return out;
}

/** A fitness without training: how far the sum of a program's constants is from 5 (lower is better). */
export function toyFitness(programText: string): FitnessResult {
  const sum = constantsOf(parseOptimizer(programText).program).reduce((a, b) => a + b, 0);
  return { status: 'ok', stageReached: 0, score: Math.abs(sum - 5), metrics: [{ toy: Math.abs(sum - 5) }] };
}
