// Identity of a program by behaviour (fingerprint); with the shape key, the relation between two programs.
import { createHash } from 'node:crypto';
import type { CheckedOptimizer } from './check.js';
import { runStep } from './interpret.js';
import { Rng } from './random.js';
import { shapeKey } from './shape-key.js';

/** Probe size: enough coordinates that functions differing on part of the line are told apart. */
const PROBE_ELEMENTS = 128;
/** Steps run, long enough for momentum to build up, so that state constants show. */
const PROBE_STEPS = 12;
const PROBE_LR = 0.01;
/** Mantissa bits kept (of float32's 23, about 5 significant digits): equal functions written differently may differ in the last bits. */
const MANTISSA_BITS = 17;

interface Probe {
  readonly w: Float32Array;
  readonly grads: readonly Float32Array[];
}

let probe: Probe | undefined;

/**
 * Fixed inputs: weights, and gradients made of a persistent part plus noise of the same size, with
 * magnitudes spanning 1e-4 to 10 across coordinates. The persistent part lets a moving average
 * grow, so two sign-based rules that differ only in a momentum constant still disagree somewhere.
 */
function fixedProbe(): Probe {
  if (probe) return probe;
  const rng = Rng.fromSeed(0x5eed);
  const scale = Float32Array.from({ length: PROBE_ELEMENTS }, () => 10 ** (rng.next() * 5 - 4));
  const vector = () => Float32Array.from(scale, (s) => rng.normal() * s);
  const w = vector();
  const persistent = vector();
  const grads = Array.from({ length: PROBE_STEPS }, () => {
    const noise = vector();
    return Float32Array.from(noise, (n, i) => n + persistent[i]! + 0.1 * w[i]!);
  });
  probe = { w, grads };
  return probe;
}

/**
 * Hash of the updates a program makes over a few steps on fixed inputs (w ← w − update each step),
 * rounded so that the same function written another way gets the same fingerprint.
 */
export function fingerprint(checked: CheckedOptimizer): string {
  return fingerprintOfUpdates(probeUpdates(checked));
}

/** The fingerprint of the updates a program made on the probe (fingerprintProbe), one per step. */
export function fingerprintOfUpdates(updates: readonly Float32Array[]): string {
  const hash = createHash('sha256');
  for (const update of updates) hash.update(roundedBytes(update));
  return hash.digest('hex').slice(0, 16);
}

/**
 * The fixed inputs of the fingerprint, for an executor other than the interpreter to run: start from
 * `w` with zero state, step t (1-based) gets `grads[t - 1]` and `lr`, then w ← w − update in float32.
 */
export function fingerprintProbe(): { readonly w: Float32Array; readonly grads: readonly Float32Array[]; readonly lr: number } {
  const { w, grads } = fixedProbe();
  return { w, grads, lr: PROBE_LR };
}

/** The updates a program makes on the fingerprint's fixed inputs, one per step. */
export function probeUpdates(checked: CheckedOptimizer): Float32Array[] {
  const { w: w0, grads } = fixedProbe();
  let w = Float32Array.from(w0);
  let slots = checked.signature.slots.map(() => new Float32Array(PROBE_ELEMENTS));
  return grads.map((g, t) => {
    const out = runStep(checked, { w, g, lr: PROBE_LR, step: t + 1, slots });
    w = w.map((x, i) => x - out.update[i]!);
    slots = out.slots.map((s) => Float32Array.from(s));
    return Float32Array.from(out.update);
  });
}

/**
 * The values with their float32 mantissa rounded to MANTISSA_BITS bits (round half up on the bit
 * pattern), as bytes to hash: equal functions written differently differ only in the last bits.
 * Bit rounding rather than decimal (toPrecision, or log10 and a power of ten): every mutation
 * attempt is fingerprinted, and this costs nanoseconds per value. Zeros of either sign hash alike;
 * every NaN hashes as one NaN.
 */
function roundedBytes(values: Float32Array): Uint8Array {
  const bits = new Uint32Array(values.buffer.slice(values.byteOffset, values.byteOffset + values.byteLength));
  const dropped = 23 - MANTISSA_BITS;
  const half = 1 << (dropped - 1);
  const keep = ~((1 << dropped) - 1) >>> 0;
  for (let i = 0; i < bits.length; i++) {
    const b = bits[i]!;
    if ((b & 0x7fffffff) === 0) bits[i] = 0;
    else if ((b & 0x7f800000) === 0x7f800000) bits[i] = (b & 0x007fffff) === 0 ? b : 0x7fc00000;
    else bits[i] = ((b + half) & keep) >>> 0;
  }
  return new Uint8Array(bits.buffer);
}

export type Relation = 'equivalent' | 'same-up-to-constants' | 'different';

export function compareOptimizers(a: CheckedOptimizer, b: CheckedOptimizer): Relation {
  if (fingerprint(a) === fingerprint(b)) return 'equivalent';
  if (shapeKey(a) === shapeKey(b)) return 'same-up-to-constants';
  return 'different';
}
