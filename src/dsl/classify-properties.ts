// Property tests of a Lion-like update (weights held at 0, so λ·w vanishes): invariance to the
// gradient's scale, one magnitude c·lr for every coordinate, at most one live state tensor.
import type { CheckedOptimizer } from './check.js';
import { runProbe, type ProbeRun, type ProbeSequence } from './classify-probe.js';
import { PROBE_LR } from './classify-probe.js';
import { simplifiedGraph } from './simplify.js';

/** Share of coordinate-steps that must satisfy a property (the behavioural test's threshold too). */
export const AGREEMENT_THRESHOLD = 0.995;
/** Sequences rerun with scaled gradients. */
const SCALE_SEQUENCES = 8;
/** Powers of two, so an exactly scale-invariant float32 program gives bit-identical updates. */
const GRADIENT_SCALES = [4, 0.25];
const SCALE_TOLERANCE = 1e-4;
const MAGNITUDE_TOLERANCE = 1e-3;

export interface PropertyResult {
  readonly name: 'scale-invariance' | 'constant-magnitude' | 'live-state';
  readonly pass: boolean;
  readonly detail: string;
}

const percent = (x: number) => `${(100 * x).toFixed(2)}%`;

export function propertyTests(
  checked: CheckedOptimizer,
  sequences: readonly ProbeSequence[],
  zeroRuns: readonly ProbeRun[],
): PropertyResult[] {
  return [scaleInvariance(checked, sequences, zeroRuns), constantMagnitude(zeroRuns), liveState(checked)];
}

function scaleInvariance(
  checked: CheckedOptimizer,
  sequences: readonly ProbeSequence[],
  zeroRuns: readonly ProbeRun[],
): PropertyResult {
  let same = 0;
  let total = 0;
  for (const scale of GRADIENT_SCALES) {
    sequences.slice(0, SCALE_SEQUENCES).forEach((seq, s) => {
      const scaled = runProbe(checked, seq, { gradScale: scale, zeroWeights: true });
      scaled.u.forEach((u, t) => {
        const base = zeroRuns[s]!.u[t]!;
        u.forEach((x, i) => {
          const y = base[i]!;
          if (Math.abs(x - y) <= SCALE_TOLERANCE * Math.max(Math.abs(x), Math.abs(y))) same++;
        });
        total += u.length;
      });
    });
  }
  const share = same / total;
  return {
    name: 'scale-invariance',
    pass: share >= AGREEMENT_THRESHOLD,
    detail: `g × ${GRADIENT_SCALES.join(' and g × ')} leave ${percent(share)} of updates unchanged`,
  };
}

function constantMagnitude(zeroRuns: readonly ProbeRun[]): PropertyResult {
  const sizes: number[] = [];
  for (const run of zeroRuns) for (const u of run.u) for (const x of u) sizes.push(Math.abs(x));
  const finite = sizes.filter((x) => Number.isFinite(x) && x > 0).sort((a, b) => a - b);
  const median = finite[Math.floor(finite.length / 2)] ?? 0;
  const close = median === 0 ? 0 : sizes.filter((x) => Math.abs(x - median) <= MAGNITUDE_TOLERANCE * median).length;
  const share = close / sizes.length;
  const c = median / PROBE_LR;
  return {
    name: 'constant-magnitude',
    pass: share >= AGREEMENT_THRESHOLD,
    detail: `${percent(share)} of |u| equal lr·${c.toPrecision(4)} (within ${MAGNITUDE_TOLERANCE * 100}%)`,
  };
}

function liveState(checked: CheckedOptimizer): PropertyResult {
  const { carried } = simplifiedGraph(checked);
  const live = checked.signature.slots.filter((_, i) => carried[i]);
  return {
    name: 'live-state',
    pass: live.length <= 1,
    detail: `${live.length} live state slot${live.length === 1 ? '' : 's'}${live.length > 0 ? ` (${live.join(', ')})` : ''}`,
  };
}
