// Trains K replicas of one proxy model at once, replica k updated by candidate k, and measures each.
import type { TensorBackend } from '../tensor/index.js';
import { Tape, mlpForward, mlpParams } from '../tensor/index.js';
import type { Dataset, Split } from './data/dataset.js';
import { labelsAsFloats } from './data/dataset.js';
import { initialParameters } from './init.js';
import { parameterLayout, type MlpParameterLayout, type ParameterLayout } from './layout.js';
import { sharedRows } from './model.js';
import type { TrainingSettings } from './registry.js';
import { learningRate } from './schedule.js';
import { trainSteps, withReplicas } from './replicas.js';
import type { ReplicaStorage, ReplicaUpdates } from './updates.js';

export interface ReplicaMetrics {
  /** Mean loss over the task's fixed training subset after the last step. */
  readonly trainLoss: number;
  readonly valLoss: number;
  readonly valAccuracy: number;
  /** 1-based step at which the loss or the weights were first seen non-finite. */
  readonly divergedAt?: number;
  /** Validation bits per character (the language-model tasks). */
  readonly bitsPerChar?: number;
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

/** Rows per forward pass when measuring: bounds the arena at [K, chunk, hidden]. */
export const EVAL_CHUNK = 1024;

export async function trainReplicas<S>(run: TrainingRun<S>): Promise<ReplicaMetrics[]> {
  const { backend, dataset, settings, replicas: K } = run;
  const layout = parameterLayout([dataset.inputs, ...settings.hidden, dataset.classes]);
  const setup = { backend, replicas: K, layout, init: initialParameters(layout, settings.seed), slots: run.slots, updates: run.updates };
  return withReplicas(setup, async (session) => {
    const data = uploadSplits(backend, dataset, settings, session.allocate);
    const { batch, steps } = settings;
    // Whole batches only; step s reads rows [(s − 1)·batch mod (batches·batch), + batch).
    const batches = Math.floor(data.train.n / batch);
    if (batches === 0) throw new RangeError(`batch ${batch} is larger than the ${data.train.n} training rows`);
    const placement = { replicas: K };
    const flags = await trainSteps(setup, session, {
      steps,
      learningRate: (step) => learningRate(settings, step, steps),
      loss: (tape, step) => {
        const start = ((step - 1) % batches) * batch;
        const x = tape.constant(sharedRows(data.train.x, start, batch, dataset.inputs));
        const layers = mlpParams(tape, layout.mlp, session.storage.params, session.storage.grads, placement);
        return tape.softmaxCrossEntropy(mlpForward(tape, layers, x, settings.activation), sharedRows(data.train.y, start, batch, 1));
      },
      ...(run.checkEvery === undefined ? {} : { checkEvery: run.checkEvery }),
      ...(run.onStep === undefined ? {} : { onStep: run.onStep }),
    });
    const val = await measure(backend, run, layout, session.storage.params, data.val);
    const train = await measure(backend, run, layout, session.storage.params, data.trainSubset);
    return Array.from({ length: K }, (_, k) => ({
      trainLoss: train.loss[k]!,
      valLoss: val.loss[k]!,
      valAccuracy: val.accuracy[k]!,
      ...(flags[k]! >= 0 ? { divergedAt: flags[k]! } : {}),
    }));
  });
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
