// Lion-likeness classifier: is an optimizer program Lion up to constants (structurally or by
// behaviour on probe trajectories), with Lion's properties? The recovery criteria a search is judged by.
//
// Verdict: 'lion-like' when the structural or the behavioural test passes and every property test
// passes. Both tests also require Lion's constant ranges: 0.8 ≤ β1 ≤ 0.97, 0.95 ≤ β2 ≤ 0.999,
// β2 > β1, and c > 0 (the update descends).
import type { CheckedOptimizer } from './check.js';
import { fitTemplate, type TemplateFit } from './classify-fit.js';
import { probeSequences, runProbe } from './classify-probe.js';
import { AGREEMENT_THRESHOLD, propertyTests } from './classify-properties.js';
import { matchLionStructure, type LionConstants } from './classify-structure.js';
import { shortestFloat32 } from './emit.js';

export type { LionConstants } from './classify-structure.js';
export type { TemplateFit } from './classify-fit.js';
export { AGREEMENT_THRESHOLD } from './classify-properties.js';

export const LION_BETA1_RANGE = [0.8, 0.97] as const;
export const LION_BETA2_RANGE = [0.95, 0.999] as const;

export type ClassifyTestName = 'structural' | 'behavioural' | 'scale-invariance' | 'constant-magnitude' | 'live-state';

export interface ClassifyTest {
  readonly name: ClassifyTestName;
  readonly pass: boolean;
  readonly detail: string;
}

export interface Classification {
  readonly verdict: 'lion-like' | 'not-lion-like';
  /** structural, behavioural, then the property tests. */
  readonly tests: readonly ClassifyTest[];
  /** Constants read off the program when its shape is Lion's. */
  readonly structural?: LionConstants;
  /** The template fitted on the probe, whatever the program. */
  readonly fitted: TemplateFit;
}

const num = (x: number) => (Number.isFinite(x) ? Number(x.toPrecision(4)).toString() : String(x));
const percent = (x: number) => `${(100 * x).toFixed(2)}%`;

/**
 * A constant as written: the shortest decimal with the same float32 value, so that 0.999 (stored
 * as 0.99900001) is compared with the range [0.95, 0.999] as the 0.999 its author wrote.
 */
export const asWritten = (x: number): number => shortestFloat32(Math.fround(x));

/** Why constants fall outside Lion's ranges (compared as written); empty when they fit. */
export function lionConstantProblems(constants: Pick<LionConstants, 'beta1' | 'beta2' | 'c'>): string[] {
  const k = { beta1: asWritten(constants.beta1), beta2: asWritten(constants.beta2), c: constants.c };
  const problems: string[] = [];
  const [lo1, hi1] = LION_BETA1_RANGE;
  const [lo2, hi2] = LION_BETA2_RANGE;
  if (!(k.beta1 >= lo1 && k.beta1 <= hi1)) problems.push(`β1 = ${num(k.beta1)} is outside [${lo1}, ${hi1}]`);
  if (!(k.beta2 >= lo2 && k.beta2 <= hi2)) problems.push(`β2 = ${num(k.beta2)} is outside [${lo2}, ${hi2}]`);
  if (!(k.beta2 > k.beta1)) problems.push(`β2 = ${num(k.beta2)} is not above β1 = ${num(k.beta1)}`);
  if (!(k.c > 0)) problems.push(`c = ${num(k.c)} is not positive, so the update does not descend`);
  return problems;
}

const constantsText = (k: LionConstants) =>
  `β1 = ${num(k.beta1)}, β2 = ${num(k.beta2)}, λ = ${num(k.lambda)}, c = ${num(k.c)}`;

function structuralTest(checked: CheckedOptimizer): { test: ClassifyTest; constants?: LionConstants } {
  const match = matchLionStructure(checked);
  if (!match.matched) return { test: { name: 'structural', pass: false, detail: match.detail } };
  const problems = lionConstantProblems(match.constants);
  const detail = [`${match.detail} with ${constantsText(match.constants)}`, ...problems].join('; ');
  return { test: { name: 'structural', pass: problems.length === 0, detail }, constants: match.constants };
}

function behaviouralTest(fit: TemplateFit): ClassifyTest {
  const problems = lionConstantProblems(fit);
  if (fit.signAgreement < AGREEMENT_THRESHOLD) problems.push(`signs agree on less than ${percent(AGREEMENT_THRESHOLD)}`);
  if (fit.fitAgreement < AGREEMENT_THRESHOLD) problems.push(`updates match F on less than ${percent(AGREEMENT_THRESHOLD)}`);
  // Two βs are needed only if no single β (β1 = β2, a signum rule) explains the signs as well.
  if (fit.singleBeta.signAgreement >= AGREEMENT_THRESHOLD) {
    problems.push(
      `one β = ${num(fit.singleBeta.beta)} explains ${percent(fit.singleBeta.signAgreement)} of signs, so β2 > β1 is not shown`,
    );
  }
  const summary =
    `fit ${constantsText(fit)}: signs agree on ${percent(fit.signAgreement)}, ` +
    `updates match F on ${percent(fit.fitAgreement)} (best single β: ${percent(fit.singleBeta.signAgreement)})`;
  return { name: 'behavioural', pass: problems.length === 0, detail: [summary, ...problems].join('; ') };
}

/**
 * Runs the three kinds of test. Deterministic: the probe comes from a fixed seed. Costs about a
 * second of CPU for a short program (three interpreted runs of 32 × 50 steps on 256 coordinates).
 */
export function classifyOptimizer(checked: CheckedOptimizer): Classification {
  const sequences = probeSequences();
  const zeroRuns = sequences.map((seq) => runProbe(checked, seq, { zeroWeights: true }));
  const freeRuns = sequences.map((seq) => runProbe(checked, seq));
  const fitted = fitTemplate(sequences, zeroRuns, freeRuns);
  const structural = structuralTest(checked);
  const behavioural = behaviouralTest(fitted);
  const properties = propertyTests(checked, sequences, zeroRuns);
  const lionLike = (structural.test.pass || behavioural.pass) && properties.every((p) => p.pass);
  return {
    verdict: lionLike ? 'lion-like' : 'not-lion-like',
    tests: [structural.test, behavioural, ...properties],
    ...(structural.constants ? { structural: structural.constants } : {}),
    fitted,
  };
}
