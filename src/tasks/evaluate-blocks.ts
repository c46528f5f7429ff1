// Evaluates Transformer blocks on charlm: every layer of the model runs the block, a fixed optimizer
// trains it, and each block is measured in bits per character, with its cost (parameters, FLOPs per
// token), the steps it trained and its wall time. Blocks differ in shape, so each trains on its own.
//
// Equal compute (Primer's fitness): with a reference block, each block trains the steps that spend
// what the reference spends in the stage's steps, by training FLOPs, so a costlier block must earn
// its cost with fewer steps. FLOPs rather than seconds: they are the same on every machine and in
// every run, so a candidate's score does not depend on what else shared its cores.
import { compileOptimizer, lowerBlock, type CpuOptimizer, type WebGpuOptimizer } from '../compile/index.js';
import { blockCost, type CheckedBlock, type CheckedOptimizer } from '../dsl/index.js';
import { acquireGpu, backendFromEnvironment, type BackendChoice } from '../gpu/index.js';
import { createTensorBackend } from '../tensor/index.js';
import { chooseTrainingBackend } from './backend-choice.js';
import { trainCharLm, type CharLmMetrics } from './charlm-train.js';
import { mobyDickCorpus } from './data/moby-dick.js';
import { resolveSettings } from './evaluate.js';
import type { SettingsOverrides, TrainingSettings } from './registry.js';
import type { TransformerSize } from './transformer.js';
import { cpuUpdates, slotCount, webGpuUpdates } from './updates.js';

export interface BlockEvaluationRequest {
  readonly blocks: readonly { readonly checked: CheckedBlock; readonly label: string }[];
  /** The optimizer every block trains with. */
  readonly optimizer: CheckedOptimizer;
  readonly overrides?: SettingsOverrides;
  readonly backend?: BackendChoice;
  /** Train each block for the steps that cost this block `steps` steps (equal compute). */
  readonly equalComputeTo?: CheckedBlock;
  readonly onStep?: (block: number, step: number, steps: number) => void;
  /** Also measure each block's loss on step 1's batch before any update. */
  readonly firstLoss?: boolean;
}

export type BlockEvaluation = BlockCostFacts &
  (
    | ({ readonly status: 'ok' | 'diverged'; readonly seconds: number; readonly steps: number } & CharLmMetrics)
    | { readonly status: 'invalid'; readonly reason: string }
  );

export interface BlockCostFacts {
  /** Parameters of one block. */
  readonly blockParameters: number;
  /** Forward FLOPs per token of the whole model (every layer's block, the final norm and the head). */
  readonly flopsPerToken: number;
}

export interface BlockEvaluationReport {
  readonly settings: TrainingSettings;
  readonly backend: 'cpu' | 'webgpu';
  readonly device: string;
  readonly results: readonly BlockEvaluation[];
  readonly seconds: number;
}

/** LayerNorm per feature (mean, variance, normalise, gain, bias), as blockCost counts it. */
const LAYER_NORM_FLOPS = 7;

/** The model's forward FLOPs per token with this block in every layer. */
export function blockModelCost(checked: CheckedBlock, size: TransformerSize, vocabulary: number): BlockCostFacts {
  const cost = blockCost(checked, size.width, size.context);
  return {
    blockParameters: cost.parameters,
    flopsPerToken: size.layers * cost.flopsPerToken + LAYER_NORM_FLOPS * size.width + 2 * size.width * vocabulary,
  };
}

/** Steps of a block at equal compute: the reference's steps × its FLOPs / the block's, at least 1. */
export function equalComputeSteps(steps: number, referenceFlops: number, blockFlops: number): number {
  return Math.max(1, Math.round((steps * referenceFlops) / blockFlops));
}

export async function evaluateBlocks(request: BlockEvaluationRequest): Promise<BlockEvaluationReport> {
  const settings = resolveSettings('charlm', request.overrides);
  const size = settings.transformer!;
  const corpus = mobyDickCorpus();
  const vocabulary = corpus.vocabulary.length;
  const started = performance.now();
  const choice = request.backend ?? backendFromEnvironment();
  const { gpu } = chooseTrainingBackend(await acquireGpu({ backend: choice }), choice);
  const device = gpu.kind === 'webgpu' ? gpu.device : undefined;
  const compiled = await compileOptimizer(request.optimizer, device === undefined ? { backend: 'cpu', output: 'weight' } : { backend: 'webgpu', device, output: 'weight' });
  if (!compiled.ok) throw new Error(`the blocks' optimizer does not compile: ${compiled.reason}`);
  const reference = request.equalComputeTo === undefined ? undefined : blockModelCost(request.equalComputeTo, size, vocabulary).flopsPerToken;
  const results: BlockEvaluation[] = [];
  for (const [index, { checked, label }] of request.blocks.entries()) {
    const cost = blockModelCost(checked, size, vocabulary);
    let lowered;
    try {
      lowered = lowerBlock(checked, label);
    } catch (error) {
      results.push({ status: 'invalid', reason: error instanceof Error ? error.message : String(error), ...cost });
      continue;
    }
    const steps = reference === undefined ? settings.steps : equalComputeSteps(settings.steps, reference, cost.flopsPerToken);
    const blockSettings = { ...settings, steps };
    const t0 = performance.now();
    const common = {
      corpus, settings: blockSettings, replicas: 1, slots: slotCount([request.optimizer]), block: lowered, firstLoss: request.firstLoss === true,
      ...(request.onStep === undefined ? {} : { onStep: (step: number) => request.onStep!(index, step, steps) }),
    };
    let m: CharLmMetrics;
    if (device === undefined) {
      const backend = await createTensorBackend('cpu');
      try {
        [m] = (await trainCharLm({ ...common, backend, updates: (s, l) => cpuUpdates([compiled.optimizer as CpuOptimizer], s, l) })) as [CharLmMetrics];
      } finally {
        backend.destroy();
      }
    } else {
      const backend = await createTensorBackend('webgpu', device);
      try {
        [m] = (await trainCharLm({ ...common, backend, updates: (s, l) => webGpuUpdates(device, [compiled.optimizer as WebGpuOptimizer], s, l) })) as [CharLmMetrics];
      } finally {
        backend.destroy();
      }
    }
    const status = m.divergedAt === undefined && Number.isFinite(m.valLoss) ? 'ok' : 'diverged';
    results.push({ status, ...m, ...cost, steps, seconds: (performance.now() - t0) / 1000 });
  }
  return {
    settings,
    backend: gpu.kind,
    device: gpu.kind === 'webgpu' ? gpu.adapterInfo.description : gpu.reason,
    results,
    seconds: (performance.now() - started) / 1000,
  };
}
