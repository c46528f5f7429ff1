// Evaluates candidate optimizer programs on a proxy task: compile each, train all in one batch, report each.
import { compileOptimizer, type CpuOptimizer, type WebGpuOptimizer } from '../compile/index.js';
import type { CheckedOptimizer } from '../dsl/index.js';
import { acquireGpu, backendFromEnvironment, type BackendChoice } from '../gpu/index.js';
import { chooseTrainingBackend } from './backend-choice.js';
import { createTensorBackend } from '../tensor/index.js';
import { charLmReplicaLimit, trainCharLm } from './charlm-train.js';
import { taskSpec, type SettingsOverrides, type TaskSpec, type TrainingSettings } from './registry.js';
import type { Dataset } from './data/dataset.js';
import { parameterLayout } from './layout.js';
import { EVAL_CHUNK, trainReplicas, type ReplicaMetrics } from './train.js';
import { compileAll, cpuUpdates, slotCount, webGpuUpdates, type ReplicaStorage, type ReplicaUpdates } from './updates.js';
import type { ParameterLayout } from './layout.js';
import type { TensorBackend } from '../tensor/index.js';

export interface EvaluationRequest {
  readonly task: string;
  readonly programs: readonly CheckedOptimizer[];
  readonly overrides?: SettingsOverrides;
  readonly backend?: BackendChoice;
  readonly onStep?: (step: number, steps: number) => void;
  /** Replicas trained at once; more programs train in several passes. Default: replicaLimit. */
  readonly maxReplicas?: number;
}

export type CandidateEvaluation =
  | ({ readonly status: 'ok' | 'diverged' } & ReplicaMetrics)
  | { readonly status: 'invalid'; readonly reason: string };

export interface EvaluationReport {
  readonly task: string;
  readonly settings: TrainingSettings;
  readonly backend: 'cpu' | 'webgpu';
  /** The adapter's description on webgpu, or why the cpu backend runs. */
  readonly device: string;
  readonly results: readonly CandidateEvaluation[];
  /** Wall time of the batch: compilation, training and measurement of every replica. */
  readonly seconds: number;
  /** Replicas trained × steps / seconds. */
  readonly modelStepsPerSecond: number;
}

export function resolveSettings(task: string, overrides: SettingsOverrides = {}): TrainingSettings {
  const defaults = taskSpec(task).defaults;
  const defined = <T extends object>(o: T): Partial<T> => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
  const { transformer, ...rest } = overrides;
  const settings = { ...defaults, ...defined(rest) };
  if (transformer === undefined) return settings;
  if (defaults.transformer === undefined) throw new RangeError(`task '${task}' has no Transformer sizes to set`);
  return { ...settings, transformer: { ...defaults.transformer, ...defined(transformer) } };
}

interface TrainerRun<S> {
  readonly backend: TensorBackend<S>;
  readonly settings: TrainingSettings;
  readonly replicas: number;
  readonly slots: number;
  readonly updates: (storage: ReplicaStorage<S>, layout: ParameterLayout) => ReplicaUpdates;
  readonly onStep?: (step: number) => void;
}

/** What evaluation needs of a task kind: how many replicas fit, and training them. */
interface TaskTrainer {
  replicaLimit(device?: GPUDevice): number;
  train<S>(run: TrainerRun<S>): Promise<ReplicaMetrics[]>;
}

function taskTrainer(spec: TaskSpec, settings: TrainingSettings): TaskTrainer {
  if (spec.kind === 'charlm') {
    const corpus = spec.corpus();
    return {
      replicaLimit: (device) => charLmReplicaLimit(settings, corpus.vocabulary.length, device),
      train: (run) => trainCharLm({ ...run, corpus }),
    };
  }
  const dataset = spec.dataset();
  return {
    replicaLimit: (device) => replicaLimit(dataset, settings, device),
    train: (run) => trainReplicas({ ...run, dataset }),
  };
}

export async function evaluatePrograms(request: EvaluationRequest): Promise<EvaluationReport> {
  const spec = taskSpec(request.task);
  const settings = resolveSettings(request.task, request.overrides);
  const trainer = taskTrainer(spec, settings);
  const started = performance.now();
  const choice = request.backend ?? backendFromEnvironment();
  const { gpu } = chooseTrainingBackend(await acquireGpu({ backend: choice }), choice);
  const backendName = gpu.kind;
  const device = gpu.kind === 'webgpu' ? gpu.device : undefined;
  const compiled = await compileAll<CpuOptimizer | WebGpuOptimizer>(request.programs, (checked, label) =>
    device === undefined
      ? compileOptimizer(checked, { backend: 'cpu', output: 'weight', label })
      : compileOptimizer(checked, { backend: 'webgpu', device, output: 'weight', label }),
  );
  const valid = compiled.flatMap((c, i) => (c.ok ? [{ index: i, optimizer: c.optimizer }] : []));
  const onStep = request.onStep === undefined ? undefined : (step: number) => request.onStep!(step, settings.steps);
  const metrics: ReplicaMetrics[] = [];
  const optimizers = valid.map((v) => v.optimizer);
  const limit = request.maxReplicas ?? trainer.replicaLimit(device);
  for (let start = 0; start < optimizers.length; start += limit) {
    const group = optimizers.slice(start, start + limit);
    const common = { settings, replicas: group.length, slots: slotCount(group.map((o) => o.checked)), ...(onStep ? { onStep } : {}) };
    if (device === undefined) {
      const backend = await createTensorBackend('cpu');
      try {
        metrics.push(...(await trainer.train({ ...common, backend, updates: (s, l) => cpuUpdates(group as CpuOptimizer[], s, l) })));
      } finally {
        backend.destroy();
      }
    } else {
      const backend = await createTensorBackend('webgpu', device);
      try {
        metrics.push(...(await trainer.train({ ...common, backend, updates: (s, l) => webGpuUpdates(device, group as WebGpuOptimizer[], s, l) })));
      } finally {
        backend.destroy();
      }
    }
  }
  const seconds = (performance.now() - started) / 1000;
  // Valid programs were trained in order, so their metrics come in the same order.
  let next = 0;
  const results = compiled.map((c): CandidateEvaluation => {
    if (!c.ok) return { status: 'invalid', reason: c.reason };
    const m = metrics[next++]!;
    return { status: m.divergedAt === undefined ? 'ok' : 'diverged', ...m };
  });
  return {
    task: spec.name,
    settings,
    backend: backendName,
    device: gpu.kind === 'webgpu' ? gpu.adapterInfo.description : gpu.reason,
    results,
    seconds,
    modelStepsPerSecond: (valid.length * settings.steps) / seconds,
  };
}

/** Host memory the cpu backend may fill with one batch of replicas. */
const CPU_BATCH_BYTES = 2 ** 30;

/**
 * How many replicas one pass can train: on webgpu, every per-replica buffer (parameters, state,
 * the widest activation of an evaluation chunk) must fit one storage binding; on the cpu, a
 * batch stays within CPU_BATCH_BYTES of parameters, state and activations.
 */
export function replicaLimit(dataset: Dataset, settings: TrainingSettings, device?: GPUDevice): number {
  const layout = parameterLayout([dataset.inputs, ...settings.hidden, dataset.classes]);
  const widest = Math.max(dataset.classes, ...settings.hidden);
  const rows = Math.max(settings.batch, EVAL_CHUNK);
  const perReplica = 4 * Math.max(layout.stride, rows * widest);
  if (device !== undefined) return Math.max(1, Math.floor(device.limits.maxStorageBufferBindingSize / perReplica));
  const total = 4 * (4 * layout.stride + 3 * rows * (dataset.inputs + widest));
  return Math.max(1, Math.floor(CPU_BATCH_BYTES / total));
}
