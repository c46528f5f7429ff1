// Trains K replicas of the charlm Transformer at once, replica k updated by candidate k, and measures
// each in validation bits per character, as the PyTorch twin does.
import type { Tensor, TensorBackend, TapeNode } from '../tensor/index.js';
import { Tape } from '../tensor/index.js';
import { CHARLM, charLmInitialParameters, charLmModel, type CharLmModel } from './charlm-model.js';
import { evaluationStarts, windowIds, windowStarts } from './data/char-windows.js';
import type { TextCorpus } from './data/moby-dick.js';
import { layoutViews, type ParameterLayout } from './layout.js';
import type { TrainingSettings } from './registry.js';
import { trainSteps, withReplicas, type ReplicaSetup } from './replicas.js';
import { learningRate } from './schedule.js';
import { transformerLogits, type TransformerBlock } from './transformer.js';
import type { ReplicaMetrics } from './train.js';
import type { ReplicaStorage, ReplicaUpdates } from './updates.js';

export interface CharLmRun<S> {
  readonly backend: TensorBackend<S>;
  readonly corpus: TextCorpus;
  /** Settings with the Transformer's sizes. */
  readonly settings: TrainingSettings;
  readonly replicas: number;
  readonly updates: (storage: ReplicaStorage<S>, layout: ParameterLayout) => ReplicaUpdates;
  readonly slots: number;
  /** The block every layer runs; default the twin's pre-norm block. */
  readonly block?: TransformerBlock;
  readonly checkEvery?: number;
  readonly onStep?: (step: number) => void;
  /** Also measure each replica's loss on step 1's batch before any update (one more forward pass). */
  readonly firstLoss?: boolean;
  /** False skips the validation and train-loss passes (their metrics are NaN), for timing training alone. */
  readonly measure?: boolean;
}

/** Per replica: valLoss is nats per character, valAccuracy the share of next characters predicted. */
export interface CharLmMetrics extends ReplicaMetrics {
  readonly bitsPerChar: number;
  /** The loss of step 1, when asked for. */
  readonly firstLoss?: number;
}

export async function trainCharLm<S>(run: CharLmRun<S>): Promise<CharLmMetrics[]> {
  const { backend, corpus, settings, replicas: K } = run;
  const size = settings.transformer;
  if (size === undefined) throw new RangeError('charlm: the settings carry no Transformer sizes');
  const model = charLmModel(size, corpus.vocabulary.length, run.block);
  const T = size.context;
  const { batch: B, steps } = settings;
  const starts = windowStarts(corpus.train.length, T, B, steps);
  const setup: ReplicaSetup<S> = { backend, replicas: K, layout: model.layout, init: charLmInitialParameters(model, settings.seed), slots: run.slots, updates: run.updates };
  return withReplicas(setup, async (session) => {
    const rows = Math.max(B, CHARLM.evalChunk) * T;
    const positions = session.allocate(rows, Float32Array.from({ length: rows }, (_, n) => n % T));
    // Inputs then targets of this step's windows, rewritten every step.
    const stepIds = session.allocate(2 * B * T);
    const hostIds = new Float32Array(2 * B * T);
    const batchLoss = (tape: Tape<S>, step: number, grads: S | undefined) => {
      windowIds(corpus.train, starts.subarray((step - 1) * B, step * B), T, hostIds);
      backend.write(stepIds, 0, hostIds);
      const params = modelParams(tape, model, session.storage.params, grads, K);
      return tape.softmaxCrossEntropy(charLmLogits(tape, model, params, stepIds, positions, 0, B), column(stepIds, B * T, B * T));
    };
    let first: Float32Array | undefined;
    if (run.firstLoss === true) {
      backend.resetArena();
      first = await backend.read(batchLoss(new Tape(backend), 1, undefined).value);
    }
    const flags = await trainSteps(setup, session, {
      steps,
      learningRate: (step) => learningRate(settings, step, steps),
      loss: (tape, step) => batchLoss(tape, step, session.storage.grads),
      ...(run.checkEvery === undefined ? {} : { checkEvery: run.checkEvery }),
      ...(run.onStep === undefined ? {} : { onStep: run.onStep }),
    });
    const skipped = { loss: new Array<number>(K).fill(NaN), accuracy: new Array<number>(K).fill(NaN) };
    const evaluate = async (ids: Int32Array, windows: number) => run.measure === false ? skipped : measure(backend, model, session.storage.params, K, session.allocate, positions, ids, windows);
    const val = await evaluate(corpus.val, CHARLM.evalWindows);
    const train = await evaluate(corpus.train, settings.trainEvalRows);
    return Array.from({ length: K }, (_, k) => ({
      trainLoss: train.loss[k]!,
      valLoss: val.loss[k]!,
      valAccuracy: val.accuracy[k]!,
      bitsPerChar: val.loss[k]! / Math.LN2,
      ...(first === undefined ? {} : { firstLoss: first[k]! }),
      ...(flags[k]! >= 0 ? { divergedAt: flags[k]! } : {}),
    }));
  });
}

/** Every tensor of the model on the tape: parameters writing their gradients into `grads`, or constants. */
function modelParams<S>(tape: Tape<S>, model: CharLmModel, params: S, grads: S | undefined, K: number): Map<string, TapeNode<S>> {
  const values = layoutViews(model.layout, params, K);
  const gradients = grads === undefined ? undefined : layoutViews(model.layout, grads, K);
  return new Map([...values].map(([name, v]) => [name, gradients === undefined ? tape.constant(v) : tape.param(v, gradients.get(name)!)]));
}

/** `rows` floats from `offset` as a [1, rows, 1] tensor every replica reads. */
function column<S>(storage: S, offset: number, rows: number): Tensor<S> {
  return { storage, offset, batch: 1, batchStride: 0, rows, cols: 1 };
}

/** Logits [K, W·T, V] of `windows` windows whose input ids start at `offset` of `ids`. */
function charLmLogits<S>(tape: Tape<S>, model: CharLmModel, params: Map<string, TapeNode<S>>, ids: S, positions: S, offset: number, windows: number): TapeNode<S> {
  const rows = windows * model.size.context;
  return transformerLogits(tape, params, { tokens: column(ids, offset, rows), positions: column(positions, 0, rows) }, model.size, model.block);
}

/**
 * Mean loss (nats per character) and next-character accuracy per replica over the first `count`
 * non-overlapping windows of `ids`, CHARLM.evalChunk windows per forward pass.
 */
async function measure<S>(
  backend: TensorBackend<S>, model: CharLmModel, params: S, K: number,
  allocate: (n: number, d?: Float32Array) => S, positions: S, ids: Int32Array, count: number,
) {
  const T = model.size.context;
  const starts = evaluationStarts(ids.length, T, count);
  const W = starts.length;
  const all = allocate(2 * W * T, windowIds(ids, starts, T));
  const loss = new Float64Array(K);
  const correct = new Float64Array(K);
  const tape = new Tape(backend);
  for (let w = 0; w < W; w += CHARLM.evalChunk) {
    backend.resetArena();
    tape.reset();
    const windows = Math.min(CHARLM.evalChunk, W - w);
    const logits = charLmLogits(tape, model, modelParams(tape, model, params, undefined, K), all, positions, w * T, windows);
    const stats = await backend.read(backend.classificationStats(logits.value, column(all, W * T + w * T, windows * T)));
    for (let k = 0; k < K; k++) {
      loss[k]! += stats[2 * k]!;
      correct[k]! += stats[2 * k + 1]!;
    }
  }
  return { loss: Array.from(loss, (l) => l / (W * T)), accuracy: Array.from(correct, (c) => c / (W * T)) };
}

/** Forward and backward of one replica's step: about 6 flops per weight per character, plus attention's 12·T·D per character and layer. */
export function charLmStepFlops(settings: TrainingSettings, vocabulary: number): number {
  const size = settings.transformer!;
  const { width: D, layers: L, context: T } = size;
  const weights = L * 12 * D * D + D * vocabulary;
  return settings.batch * T * (6 * weights + L * 6 * T * D);
}

/** Host memory the cpu backend may fill with one batch of replicas. */
const CPU_BATCH_BYTES = 2 ** 30;

/**
 * Replicas one pass can train: on webgpu, the largest per-replica tensor (attention weights
 * [B·H·T, T], the feed-forward's [B·T, 4D], the logits [B·T, V]) times K must fit one storage binding;
 * on the cpu, the step's recorded activations (about 24·D + 2·H·T floats per character and block)
 * for all K stay within CPU_BATCH_BYTES.
 */
export function charLmReplicaLimit(settings: TrainingSettings, vocabulary: number, device?: GPUDevice): number {
  const { width: D, heads: H, layers: L, context: T } = settings.transformer!;
  const rows = Math.max(settings.batch, CHARLM.evalChunk) * T;
  const stride = charLmModel(settings.transformer!, vocabulary).layout.stride;
  const largest = 4 * Math.max(stride, rows * Math.max(4 * D, vocabulary), rows * H * T);
  if (device !== undefined) return Math.max(1, Math.floor(device.limits.maxStorageBufferBindingSize / largest));
  const perReplica = 4 * (4 * stride + rows * (L * (24 * D + 2 * H * T) + 3 * vocabulary));
  return Math.max(1, Math.floor(CPU_BATCH_BYTES / perReplica));
}
