// What `--backend auto` trains on: a hardware GPU whenever one is found, and the cpu backend otherwise.
// A software adapter (llvmpipe, lavapipe, SwiftShader) is used only when asked for: per core it is no
// faster than the cpu backend on any proxy task, and slower on small ones (README, "Choosing the backend":
// the default search 32 s against 27 s, charlm's small size at half the speed, mnist and charlm's default
// size at parity with one llvmpipe thread).
import type { BackendChoice, Gpu } from '../gpu/index.js';

export interface BackendDecision {
  readonly gpu: Gpu;
  /** Why this backend, for the run's first lines and its config. */
  readonly why: string;
}

/** Applies the rule above to what acquireGpu found; an explicit `webgpu` or `cpu` choice stands. */
export function chooseTrainingBackend(gpu: Gpu, choice: BackendChoice): BackendDecision {
  if (gpu.kind === 'cpu') return { gpu, why: gpu.reason };
  const adapter = gpu.adapterInfo.description;
  if (choice !== 'auto') return { gpu, why: `the webgpu backend was requested (${adapter})` };
  if (!gpu.adapterInfo.isSoftware) return { gpu, why: `hardware adapter ${adapter}` };
  const reason = `the only adapter is a software one (${adapter}), no faster per core; --backend webgpu uses it`;
  return { gpu: { kind: 'cpu', reason }, why: reason };
}
