// Fits the Lion template F(β1, β2, λ, c) to a program's updates on the probe: a coarse-to-fine grid
// over β1, β2 on the signs, then closed-form least squares for c and λ.
//
// F: u_t = c·lr·(sign(β1·m + (1 − β1)·g_t) + λ·w), then m ← β2·m + (1 − β2)·g_t, m starting at 0.
// β is searched as k = −log2(1 − β), so grid points are spread evenly over memory lengths.
// A state slot that evolves as an EMA of g also gives β2 directly (classify-slot.ts), and β1 is
// then fitted alone: the probe's 50 steps show too little of a long memory (β2 near 0.999) for
// the sign grid to place it, while the slot's recurrence identifies it at any length.
import type { ProbeRun, ProbeSequence } from './classify-probe.js';
import { PROBE_LR } from './classify-probe.js';
import { slotMomenta } from './classify-slot.js';

/** Coordinates of each sequence used while searching β1, β2; the final agreement uses all of them. */
const FIT_WIDTH = 32;
const K_MIN = 1;
const K_MAX = 12;
/**
 * Grid levels: step in k, half-width of the window around the previous best (the first level spans
 * all of [K_MIN, K_MAX]), and whether to score on every coordinate. Signs of an exact Lion agree
 * over a small region of (β1, β2); the last level uses all the data to shrink that region.
 */
const LEVELS: readonly { readonly step: number; readonly radius: number; readonly all: boolean }[] = [
  { step: 1, radius: Infinity, all: false },
  { step: 0.25, radius: 1, all: false },
  { step: 0.05, radius: 0.25, all: false },
  { step: 0.01, radius: 0.03, all: true },
];
/** A coordinate fits F when it is within this fraction of the step size c·lr. */
const FIT_TOLERANCE = 0.01;
/**
 * A β2 read off a slot is preferred to the grid's when its signs agree nearly as well: on a short
 * probe, memories longer than the probe agree equally, and the slot's value is measured, not guessed.
 */
const SLOT_PREFERENCE = 5e-4;

/** Gradients and the program's update signs, one time series per (sequence, coordinate). */
interface SignData {
  readonly steps: number;
  readonly series: number;
  /** [series][steps] */
  readonly g: Float64Array;
  /** [series][steps]: −1, 0 or 1; 2 where the update was not finite, which matches no sign. */
  readonly sign: Int8Array;
}

export interface TemplateFit {
  readonly beta1: number;
  readonly beta2: number;
  readonly lambda: number;
  readonly c: number;
  /** Share of coordinate-steps (weights held at 0) where the update's sign is F's sign. */
  readonly signAgreement: number;
  /** Share of coordinate-steps (weights free) where the update is F's within 1% of c·lr. */
  readonly fitAgreement: number;
  /** The best single-β rule (β1 = β2): if it explains the signs as well, there are not two βs. */
  readonly singleBeta: { readonly beta: number; readonly signAgreement: number };
}

/** `zeroRuns[s]` ran sequence s with w held at 0, `freeRuns[s]` with w ← w − u. */
export function fitTemplate(
  sequences: readonly ProbeSequence[],
  zeroRuns: readonly ProbeRun[],
  freeRuns: readonly ProbeRun[],
): TemplateFit {
  const search = signData(sequences, zeroRuns, FIT_WIDTH);
  const all = signData(sequences, zeroRuns, Infinity);
  const [beta1, beta2] = bestBetas(search, all, slotMomenta(sequences, zeroRuns).map((s) => s.beta));
  const kSingle = fitSingleBeta(search, all);
  const template = templateSigns(all, beta1, beta2);
  const { c, lambda, fitAgreement } = fitScale(all, template, freeRuns);
  return {
    beta1,
    beta2,
    lambda,
    c,
    signAgreement: agreement(all, beta1, beta2),
    fitAgreement,
    singleBeta: { beta: betaOf(kSingle), signAgreement: agreement(all, betaOf(kSingle), betaOf(kSingle)) },
  };
}

const betaOf = (k: number) => 1 - 2 ** -k;

function signData(sequences: readonly ProbeSequence[], runs: readonly ProbeRun[], width: number): SignData {
  const steps = sequences[0]!.grads.length;
  const cols = Math.min(width, sequences[0]!.w0.length);
  const series = sequences.length * cols;
  const g = new Float64Array(series * steps);
  const sign = new Int8Array(series * steps);
  sequences.forEach((seq, s) => {
    for (let i = 0; i < cols; i++) {
      const base = (s * cols + i) * steps;
      for (let t = 0; t < steps; t++) {
        const u = runs[s]!.u[t]![i]!;
        g[base + t] = seq.grads[t]![i]!;
        sign[base + t] = Number.isFinite(u) ? Math.sign(u) : 2;
      }
    }
  });
  return { steps, series, g, sign };
}

/** Share of coordinate-steps where sign(β1·m + (1 − β1)·g) equals the program's update sign. */
function agreement(d: SignData, b1: number, b2: number): number {
  let same = 0;
  for (let s = 0; s < d.series; s++) {
    const base = s * d.steps;
    let m = 0;
    for (let t = 0; t < d.steps; t++) {
      const g = d.g[base + t]!;
      if (Math.sign(b1 * m + (1 - b1) * g) === d.sign[base + t]) same++;
      m = b2 * m + (1 - b2) * g;
    }
  }
  return same / (d.series * d.steps);
}

function templateSigns(d: SignData, b1: number, b2: number): Int8Array {
  const out = new Int8Array(d.series * d.steps);
  for (let s = 0; s < d.series; s++) {
    const base = s * d.steps;
    let m = 0;
    for (let t = 0; t < d.steps; t++) {
      const g = d.g[base + t]!;
      out[base + t] = Math.sign(b1 * m + (1 - b1) * g);
      m = b2 * m + (1 - b2) * g;
    }
  }
  return out;
}

/** Grid points from..to (clipped to [K_MIN, K_MAX]) spaced by step. */
function range(from: number, to: number, step: number): number[] {
  const lo = Math.max(K_MIN, from);
  const hi = Math.min(K_MAX, to);
  const n = Math.floor((hi - lo) / step + 1e-9);
  return Array.from({ length: n + 1 }, (_, i) => lo + i * step);
}

/**
 * The best point of each grid; among tied points, their centre if it scores as well (signs of an
 * exact Lion agree on a small region of (β1, β2), and its centre is the least biased estimate).
 */
function bestOf(points: readonly (readonly number[])[], score: (p: readonly number[]) => number): number[] {
  const scores = points.map(score);
  const top = Math.max(...scores);
  const tied = points.filter((_, i) => scores[i]! >= top);
  const centre = tied[0]!.map((_, j) => tied.reduce((sum, p) => sum + p[j]!, 0) / tied.length);
  return score(centre) >= top ? centre : [...tied[0]!];
}

function fitBetas(search: SignData, all: SignData): [number, number] {
  let best = [K_MIN, K_MIN];
  for (const { step, radius, all: useAll } of LEVELS) {
    const d = useAll ? all : search;
    const score = ([k1, k2]: readonly number[]) => agreement(d, betaOf(k1!), betaOf(k2!));
    const ks1 = range(best[0]! - radius, best[0]! + radius, step);
    const ks2 = range(best[1]! - radius, best[1]! + radius, step);
    best = bestOf(ks1.flatMap((k1) => ks2.map((k2) => [k1, k2])), score);
  }
  return [best[0]!, best[1]!];
}

/** The grid's (β1, β2), or a slot's β2 with β1 fitted to it when its signs agree about as well. */
function bestBetas(search: SignData, all: SignData, slotBetas: readonly number[]): [number, number] {
  const [k1, k2] = fitBetas(search, all);
  const grid: [number, number] = [betaOf(k1), betaOf(k2)];
  const gridAgreement = agreement(all, ...grid);
  let best: { betas: [number, number]; agreement: number } | undefined;
  for (const beta2 of slotBetas) {
    const betas: [number, number] = [betaOf(fitBeta1(search, all, beta2)), beta2];
    const a = agreement(all, ...betas);
    if (best === undefined || a > best.agreement) best = { betas, agreement: a };
  }
  return best !== undefined && best.agreement >= gridAgreement - SLOT_PREFERENCE ? best.betas : grid;
}

/** k of β1 with β2 held fixed. */
function fitBeta1(search: SignData, all: SignData, beta2: number): number {
  let best = K_MIN;
  for (const { step, radius, all: useAll } of LEVELS) {
    const d = useAll ? all : search;
    const score = ([k]: readonly number[]) => agreement(d, betaOf(k!), beta2);
    best = bestOf(range(best - radius, best + radius, step).map((k) => [k]), score)[0]!;
  }
  return best;
}

function fitSingleBeta(search: SignData, all: SignData): number {
  let best = K_MIN;
  for (const { step, radius, all: useAll } of LEVELS) {
    const d = useAll ? all : search;
    const score = ([k]: readonly number[]) => agreement(d, betaOf(k!), betaOf(k!));
    best = bestOf(range(best - radius, best + radius, step).map((k) => [k]), score)[0]!;
  }
  return best;
}

/**
 * Least squares of u/lr ≈ a·s + b·w over every coordinate-step of the free-weight runs, where s is
 * F's sign; then c = a and λ = b / a. Non-finite updates are left out of the sums and count as misfits.
 */
function fitScale(d: SignData, s: Int8Array, runs: readonly ProbeRun[]) {
  const cols = d.series / runs.length;
  const at = (k: number, f: (x: number, w: number, sk: number) => void) => {
    const series = Math.floor(k / d.steps);
    const t = k % d.steps;
    const run = runs[Math.floor(series / cols)]!;
    const i = series % cols;
    f(run.u[t]![i]! / PROBE_LR, run.w[t]![i]!, s[k]!);
  };
  let ss = 0, sw = 0, ww = 0, xs = 0, xw = 0;
  for (let k = 0; k < s.length; k++) {
    at(k, (x, w, sk) => {
      if (!Number.isFinite(x)) return;
      ss += sk * sk;
      sw += sk * w;
      ww += w * w;
      xs += x * sk;
      xw += x * w;
    });
  }
  const det = ss * ww - sw * sw;
  const a = det === 0 ? 0 : (xs * ww - xw * sw) / det;
  const b = det === 0 ? 0 : (ss * xw - sw * xs) / det;
  let fits = 0;
  for (let k = 0; k < s.length; k++) {
    at(k, (x, w, sk) => {
      if (Math.abs(x - (a * sk + b * w)) <= FIT_TOLERANCE * Math.abs(a)) fits++;
    });
  }
  return { c: a, lambda: a === 0 ? 0 : b / a, fitAgreement: a === 0 ? 0 : fits / s.length };
}
