// Neutral drift: a child that differs from its parent in text but not in behaviour is accepted
// (with `neutral: 'accept'`) and can be mutated later into one that changes behaviour: the path
// from AdamW to Lion with β2 = 0.999 that a search refusing neutral children cannot walk.
import { describe, expect, test } from 'vitest';
import { classifyOptimizer, parseOptimizer, printProgram, Rng, type Program } from '../../src/dsl/index.js';
import { candidateKey } from '../../src/search/candidate-key.js';
import { mutate, type MutateResult, type MutationContext } from '../../src/search/mutate.js';
import { ADAMW, LION_CONTEXT, withMutation } from './fixtures.js';

const ACCEPT = withMutation(LION_CONTEXT, { neutral: 'accept', weights: { insert: 0, delete: 0, modify: 1 } });
const RETRY = withMutation(ACCEPT, { neutral: 'retry' });

/** AdamW with `update = sign(m)` inserted after `update = m / sqrt_v`: v no longer reaches the update. */
const SIGN_OF_M = parseOptimizer(
  printProgram(ADAMW.program).replace('    update = m / sqrt_v\n', '    update = m / sqrt_v\n    update = sign(m)\n'),
  'adamw-sign.dsl',
);
const fingerprintOf = (p: Program) => candidateKey(parseOptimizer(printProgram(p))).fingerprint;

/** The first seed whose mutation has this detail, with its result. */
function firstWith(parent: Program, context: MutationContext, detail: string, seeds = 4000): MutateResult & { ok: true } {
  for (let seed = 0; seed < seeds; seed++) {
    const result = mutate(parent, Rng.fromSeed(seed), context);
    if (result.ok && result.mutation.detail === detail) return result;
  }
  throw new Error(`no seed below ${seeds} gives ${detail}`);
}

describe('neutral drift', () => {
  test('a neutral change to v is accepted, then m reading v changes behaviour into Lion with β2 = 0.999', () => {
    const parentFingerprint = fingerprintOf(SIGN_OF_M.program);
    const drift = firstWith(SIGN_OF_M.program, ACCEPT, 'g2 → g in `v = interp(g, v, 0.999)`');
    expect(drift.neutral).toBe(true);
    expect(drift.mutation.neutral).toBe(true);
    expect(drift.key.fingerprint).toBe(parentFingerprint);
    expect(printProgram(drift.child)).not.toBe(printProgram(SIGN_OF_M.program));

    const step = firstWith(drift.child, ACCEPT, 'm → v in `m = interp(g, v, 0.9)`');
    expect(step.neutral).toBe(false);
    expect(step.mutation.neutral).toBeUndefined();
    expect(step.key.fingerprint).not.toBe(parentFingerprint);
    const verdict = classifyOptimizer(step.checked);
    expect(verdict.verdict).toBe('lion-like');
    expect(verdict.structural?.beta2).toBe(0.999);
  }, 120_000);

  test('with retry, no child of the same behaviour is ever returned', () => {
    const parentFingerprint = fingerprintOf(SIGN_OF_M.program);
    let neutralWithAccept = 0;
    for (let seed = 0; seed < 300; seed++) {
      const retried = mutate(SIGN_OF_M.program, Rng.fromSeed(seed), RETRY);
      if (retried.ok) {
        expect(retried.neutral).toBe(false);
        expect(retried.key.fingerprint).not.toBe(parentFingerprint);
      }
      const accepted = mutate(SIGN_OF_M.program, Rng.fromSeed(seed), ACCEPT);
      if (accepted.ok && accepted.neutral) neutralWithAccept++;
    }
    // v's statement and g2's are dead in this parent: a good share of modifications are neutral.
    expect(neutralWithAccept).toBeGreaterThan(30);
  });
});
