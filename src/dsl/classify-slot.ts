// Momentum read off a state slot's own trajectory: a slot that evolves as s ← a·s + b·g (an EMA of
// the gradient up to scale) has β = a, whatever the memory length. Signs over a 50-step probe
// cannot tell β = 0.999 from 0.9996 (both barely move in 50 steps); the slot's recurrence can.
import type { ProbeRun, ProbeSequence } from './classify-probe.js';

/** Largest residual, relative to the slot's own energy, for the recurrence to count as exact. */
const MAX_RELATIVE_RESIDUAL = 1e-4;

export interface SlotMomentum {
  readonly slot: number;
  /** a of s ← a·s + b·g, in (0, 1). */
  readonly beta: number;
}

/**
 * For each state slot, least squares of s_{t+1} on (s_t, g_t) over every coordinate-step of the
 * runs; the slots whose fit is exact (float32 rounding aside) with 0 < a < 1 and b ≠ 0.
 */
export function slotMomenta(sequences: readonly ProbeSequence[], runs: readonly ProbeRun[]): SlotMomentum[] {
  const slotCount = runs[0]?.slots[0]?.length ?? 0;
  const found: SlotMomentum[] = [];
  for (let slot = 0; slot < slotCount; slot++) {
    const fit = recurrence(sequences, runs, slot);
    if (fit !== undefined && fit.a > 0 && fit.a < 1 && fit.b !== 0) found.push({ slot, beta: fit.a });
  }
  return found;
}

function recurrence(sequences: readonly ProbeSequence[], runs: readonly ProbeRun[], slot: number) {
  let ss = 0, sg = 0, gg = 0, ys = 0, yg = 0, yy = 0;
  const each = (f: (y: number, s: number, g: number) => void) => {
    runs.forEach((run, r) => {
      const grads = sequences[r]!.grads;
      run.slots.forEach((after, t) => {
        const y = after[slot]!;
        const before = t === 0 ? undefined : run.slots[t - 1]![slot]!;
        for (let i = 0; i < y.length; i++) f(y[i]!, before?.[i] ?? 0, grads[t]![i]!);
      });
    });
  };
  let finite = true;
  each((y, s, g) => {
    if (!Number.isFinite(y)) finite = false;
    ss += s * s;
    sg += s * g;
    gg += g * g;
    ys += y * s;
    yg += y * g;
    yy += y * y;
  });
  const det = ss * gg - sg * sg;
  if (!finite || !(det > 0) || !(yy > 0)) return undefined;
  const a = (ys * gg - yg * sg) / det;
  const b = (ss * yg - sg * ys) / det;
  let residual = 0;
  each((y, s, g) => {
    residual += (y - a * s - b * g) ** 2;
  });
  return residual <= MAX_RELATIVE_RESIDUAL * yy ? { a, b } : undefined;
}
