// What `--backend auto` trains on: a hardware GPU whenever one is found; on a software adapter
// (llvmpipe, lavapipe, SwiftShader) only when a model step is big enough to repay its per-dispatch
// cost, since on small models the cpu backend is faster on the same cores.
import type { BackendChoice, Gpu } from '../gpu/index.js';

/**
 * Floating-point work of one replica's training step below which the cpu backend beats a software
 * adapter. Measured on 2 cores (README, "Choosing the backend"): mlp-teacher (1.1 MFLOP a step) ran
 * a 100-evaluation search 2.5× faster on the cpu; mlp-mnist (20 MFLOP a step) trained 2.4–3.1×
 * faster on llvmpipe at K ≥ 8.
 */
export const SOFTWARE_ADAPTER_MIN_FLOPS = 8e6;

export interface BackendDecision {
  readonly gpu: Gpu;
  /** Why this backend, for the run's first lines and its config. */
  readonly why: string;
}

/** Applies the rule above to what acquireGpu found; an explicit `webgpu` or `cpu` choice stands. */
export function chooseTrainingBackend(gpu: Gpu, choice: BackendChoice, flopsPerStep: number): BackendDecision {
  if (gpu.kind === 'cpu') return { gpu, why: gpu.reason };
  const adapter = gpu.adapterInfo.description;
  if (choice !== 'auto') return { gpu, why: `the webgpu backend was requested (${adapter})` };
  if (!gpu.adapterInfo.isSoftware) return { gpu, why: `hardware adapter ${adapter}` };
  if (flopsPerStep >= SOFTWARE_ADAPTER_MIN_FLOPS) return { gpu, why: `software adapter ${adapter}, for a ${formatFlops(flopsPerStep)} step` };
  const reason = `faster than the software adapter for a ${formatFlops(flopsPerStep)} step`;
  return { gpu: { kind: 'cpu', reason }, why: reason };
}

/** Forward and backward of a dense layer cost about 6 flops per weight per example. */
export function denseStepFlops(widths: readonly number[], batch: number): number {
  let weights = 0;
  for (let i = 1; i < widths.length; i++) weights += widths[i - 1]! * widths[i]!;
  return 6 * weights * batch;
}

function formatFlops(flops: number): string {
  return flops >= 1e9 ? `${(flops / 1e9).toFixed(1)} GFLOP` : `${(flops / 1e6).toFixed(1)} MFLOP`;
}
