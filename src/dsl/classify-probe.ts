// Probe trajectories for the Lion-likeness classifier: seeded correlated random-walk gradients, and
// a program run over them step by step.
import type { CheckedOptimizer } from './check.js';
import { runStep } from './interpret.js';
import { Rng } from './random.js';

/** Independent sequences; each is one parameter tensor, so reductions see one tensor at a time. */
export const PROBE_SEQUENCES = 32;
export const PROBE_STEPS = 50;
/** Coordinates per sequence. */
export const PROBE_WIDTH = 256;
/** The lr input: a schedule's value is about 1, and programs carry their own lr multiplier. */
export const PROBE_LR = 1;
const PROBE_SEED = 0x11f7;

export interface ProbeSequence {
  /** Initial weights, [width], N(0, 1). */
  readonly w0: Float32Array;
  /** Gradients, [steps][width]. */
  readonly grads: readonly Float32Array[];
}

let cached: readonly ProbeSequence[] | undefined;

/**
 * Gradients g_t = σ_i·(r_t + ν·ε_t): a random walk r (step δ) seen through noise of relative size ν,
 * with δ and ν varying across sequences, so that the sign of a short average of g and the sign of a
 * long one disagree often enough to tell β1 from β2. Per-coordinate scales σ_i lie in [1e-4, 1e-2],
 * small against the probe's lr, so that programs which clip g to ±lr or bend it with arcsin see an
 * almost unchanged gradient, as they do in training.
 */
export function probeSequences(): readonly ProbeSequence[] {
  if (cached) return cached;
  const rng = Rng.fromSeed(PROBE_SEED);
  cached = Array.from({ length: PROBE_SEQUENCES }, () => {
    const drift = 0.05 + 0.3 * rng.next();
    const noise = 10 ** (rng.next() * 1.5 - 0.5);
    const scale = Float64Array.from({ length: PROBE_WIDTH }, () => 10 ** (rng.next() * 2 - 4));
    const walk = Float64Array.from({ length: PROBE_WIDTH }, () => rng.normal());
    const w0 = Float32Array.from({ length: PROBE_WIDTH }, () => rng.normal());
    const grads = Array.from({ length: PROBE_STEPS }, () => {
      const g = new Float32Array(PROBE_WIDTH);
      for (let i = 0; i < PROBE_WIDTH; i++) {
        walk[i] = walk[i]! + drift * rng.normal();
        g[i] = scale[i]! * (walk[i]! + noise * rng.normal());
      }
      return g;
    });
    return { w0, grads };
  });
  return cached;
}

export interface ProbeRun {
  /** The weights each step saw, [steps][width]. */
  readonly w: readonly Float32Array[];
  /** The updates the program returned, [steps][width]. */
  readonly u: readonly Float32Array[];
  /** Each state slot after each step, [steps][slot][width] (every slot is 0 before step 1). */
  readonly slots: readonly (readonly Float32Array[])[];
}

export interface RunOptions {
  /** Multiplies every gradient (scale-invariance test). Default 1. */
  readonly gradScale?: number;
  /** Hold w at 0 every step, which removes any weight-decay term. Default false: w ← w − update. */
  readonly zeroWeights?: boolean;
}

/** Runs a program over one probe sequence from zero state. */
export function runProbe(checked: CheckedOptimizer, seq: ProbeSequence, options: RunOptions = {}): ProbeRun {
  const scale = options.gradScale ?? 1;
  const zero = new Float32Array(PROBE_WIDTH);
  let w = options.zeroWeights ? zero : Float32Array.from(seq.w0);
  let slots = checked.signature.slots.map(() => new Float32Array(PROBE_WIDTH));
  const ws: Float32Array[] = [];
  const us: Float32Array[] = [];
  const after: Float32Array[][] = [];
  seq.grads.forEach((g0, t) => {
    const g = scale === 1 ? g0 : g0.map((x) => x * scale);
    const out = runStep(checked, { w, g, lr: PROBE_LR, step: t + 1, slots });
    ws.push(w);
    us.push(Float32Array.from(out.update));
    if (!options.zeroWeights) w = w.map((x, i) => x - out.update[i]!);
    slots = out.slots.map((s) => Float32Array.from(s));
    after.push(slots);
  });
  return { w: ws, u: us, slots: after };
}
