// Trains K replicas of one proxy model at once, replica k updated by candidate k, and measures each.
import type { Tensor, TensorBackend } from '../tensor/index.js';
import { Tape, mlpForward, mlpParams, mlpViews } from '../tensor/index.js';
import type { Dataset, Split } from './data/dataset.js';
import { labelsAsFloats } from './data/dataset.js';
import { initialParameters } from './init.js';
import { parameterLayout, type MlpParameterLayout, type ParameterLayout } from './layout.js';
import { sharedRows } from './model.js';
import type { TrainingSettings } from './registry.js';
import { learningRate } from './schedule.js';
import type { ReplicaStorage, ReplicaUpdates } from './updates.js';

export interface ReplicaMetrics {
  /** Mean loss over the task's fixed training subset after the last step. */
  readonly trainLoss: number;
  readonly valLoss: number;
  readonly valAccuracy: number;
  /** 1-based step at which the loss or the weights were first seen non-finite. */
  readonly divergedAt?: number;
}

export interface TrainingRun<S> {
  readonly backend: TensorBackend<S>;
  readonly dataset: Dataset;
  readonly settings: TrainingSettings;
  readonly replicas: number;
  /** Builds the replicas' update rules over the storage the run allocates. */
  readonly updates: (storage: ReplicaStorage<S>, layout: ParameterLayout) => ReplicaUpdates;
  readonly slots: number;
  /** Steps between reads of the divergence flags (a device sync); diverged replicas stop updating. */
  readonly checkEvery?: number;
  readonly onStep?: (step: number) => void;
}

const DEFAULT_CHECK_EVERY = 50;
/** Rows per forward pass when measuring: bounds the arena at [K, chunk, hidden]. */
export const EVAL_CHUNK = 1024;

export async function trainReplicas<S>(run: TrainingRun<S>): Promise<ReplicaMetrics[]> {
  const { backend, dataset, settings, replicas: K } = run;
  const layout = parameterLayout([dataset.inputs, ...settings.hidden, dataset.classes]);
  const init = initialParameters(layout, settings.seed);
  const owned: S[] = [];
  const allocate = (length: number, data?: Float32Array) => {
    const s = backend.allocate(length, data);
    owned.push(s);
    return s;
  };
  const storage: ReplicaStorage<S> = {
    params: allocate(K * layout.stride, repeat(init, K)),
    grads: allocate(K * layout.stride),
    slots: Array.from({ length: run.slots }, () => allocate(K * layout.stride)),
  };
  const updates = run.updates(storage, layout);
  try {
    const data = uploadSplits(backend, dataset, settings, allocate);
    const divergedAt = { storage: allocate(K, new Float32Array(K).fill(-1)), offset: 0, batch: K, batchStride: 1, rows: 1, cols: 1 };
    await trainLoop(run, layout, storage, updates, data.train, divergedAt);
    const flags = await backend.read(divergedAt);
    const val = await measure(backend, run, layout, storage.params, data.val);
    const train = await measure(backend, run, layout, storage.params, data.trainSubset);
    return Array.from({ length: K }, (_, k) => ({
      trainLoss: train.loss[k]!,
      valLoss: val.loss[k]!,
      valAccuracy: val.accuracy[k]!,
      ...(flags[k]! >= 0 ? { divergedAt: flags[k]! } : {}),
    }));
  } finally {
    updates.destroy();
    backend.resetArena();
    for (const s of owned) backend.free(s);
  }
}

interface DeviceSplit<S> {
  readonly n: number;
  readonly x: S;
  readonly y: S;
}

function uploadSplits<S>(backend: TensorBackend<S>, dataset: Dataset, settings: TrainingSettings, allocate: (n: number, d?: Float32Array) => S) {
  const up = (split: Split): DeviceSplit<S> => ({ n: split.n, x: allocate(split.x.length, split.x), y: allocate(split.n, labelsAsFloats(split.y)) });
  const train = up(dataset.train);
  return { train, val: up(dataset.val), trainSubset: { ...train, n: Math.min(settings.trainEvalRows, train.n) } };
}

async function trainLoop<S>(
  run: TrainingRun<S>,
  layout: MlpParameterLayout,
  storage: ReplicaStorage<S>,
  updates: ReplicaUpdates,
  train: DeviceSplit<S>,
  divergedAt: Tensor<S>,
): Promise<void> {
  const { backend, dataset, settings, replicas: K } = run;
  const checkEvery = run.checkEvery ?? DEFAULT_CHECK_EVERY;
  const placement = { replicas: K };
  const params = mlpViews(layout.mlp, storage.params, placement).flatMap((l) => [l.weight, l.bias]);
  const { batch, steps } = settings;
  // Whole batches only; step s reads rows [(s − 1)·batch mod (batches·batch), + batch).
  const batches = Math.floor(train.n / batch);
  if (batches === 0) throw new RangeError(`batch ${batch} is larger than the ${train.n} training rows`);
  const active = new Array<boolean>(K).fill(true);
  const tape = new Tape(backend);
  for (let step = 1; step <= steps; step++) {
    backend.resetArena();
    tape.reset();
    const start = ((step - 1) % batches) * batch;
    const x = tape.constant(sharedRows(train.x, start, batch, dataset.inputs));
    const labels = sharedRows(train.y, start, batch, 1);
    const layers = mlpParams(tape, layout.mlp, storage.params, storage.grads, placement);
    const logits = mlpForward(tape, layers, x, settings.activation);
    const loss = tape.softmaxCrossEntropy(logits, labels);
    tape.backward(loss);
    backend.markNonFinite(loss.value, step, divergedAt);
    backend.flush();
    await updates.apply(learningRate(settings, step, steps), step, active);
    if (step % checkEvery === 0 || step === steps) {
      for (const p of params) backend.markNonFinite({ ...p, rows: 1, cols: p.rows * p.cols }, step, divergedAt);
      const flags = await backend.read(divergedAt);
      flags.forEach((f, k) => {
        if (f >= 0) active[k] = false;
      });
    }
    run.onStep?.(step);
  }
}

/** Mean loss and accuracy per replica over a split, in chunks of EVAL_CHUNK rows. */
async function measure<S>(backend: TensorBackend<S>, run: TrainingRun<S>, layout: MlpParameterLayout, params: S, split: DeviceSplit<S>) {
  const K = run.replicas;
  const loss = new Float64Array(K);
  const correct = new Float64Array(K);
  const tape = new Tape(backend);
  for (let start = 0; start < split.n; start += EVAL_CHUNK) {
    backend.resetArena();
    tape.reset();
    const rows = Math.min(EVAL_CHUNK, split.n - start);
    // No gradients: the parameters enter the tape as constants.
    const layers = mlpParams(tape, layout.mlp, params, undefined, { replicas: K });
    const logits = mlpForward(tape, layers, tape.constant(sharedRows(split.x, start, rows, run.dataset.inputs)), run.settings.activation);
    const stats = await backend.read(backend.classificationStats(logits.value, sharedRows(split.y, start, rows, 1)));
    for (let k = 0; k < K; k++) {
      loss[k]! += stats[2 * k]!;
      correct[k]! += stats[2 * k + 1]!;
    }
  }
  return { loss: Array.from(loss, (l) => l / split.n), accuracy: Array.from(correct, (c) => c / split.n) };
}

function repeat(block: Float32Array, times: number): Float32Array {
  const out = new Float32Array(block.length * times);
  for (let k = 0; k < times; k++) out.set(block, k * block.length);
  return out;
}
