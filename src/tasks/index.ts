// Public surface of the proxy tasks: datasets, the task registry, batched training and evaluation.
export type { Dataset, Split } from './data/dataset.js';
export { teacherDataset, TEACHER } from './data/teacher.js';
export { mnistDataset, MNIST } from './data/mnist.js';
export { mulberry32, uniformSigned } from './data/mulberry32.js';
export { TASKS, TASK_NAMES, taskSpec, type SettingsOverrides, type TaskSpec, type TrainingSettings } from './registry.js';
export { learningRate, isScheduleName, SCHEDULE_NAMES, type Schedule, type ScheduleName } from './schedule.js';
export { parameterLayout, TENSOR_ALIGNMENT, type ParameterLayout, type ParameterTensor } from './layout.js';
export { initialParameters } from './init.js';
export { trainReplicas, type ReplicaMetrics, type TrainingRun } from './train.js';
export { rangesFor, slotCount, cpuUpdates, webGpuUpdates, type ReplicaStorage, type ReplicaUpdates } from './updates.js';
export { evaluatePrograms, replicaLimit, resolveSettings, type CandidateEvaluation, type EvaluationReport, type EvaluationRequest } from './evaluate.js';
export {
  bestAtEdge, bestCell, parseSweepAxis, parseSweepValues, settingText, sweepPrograms, sweepVariants,
  type ProgramSweep, type SweepAxis, type SweepCell, type SweepSetting,
} from './sweep.js';
export {
  checkTransformerSize, FEED_FORWARD_ACTIVATIONS, PRE_NORM_BLOCK, transformerLogits, transformerTensors,
  type BlockContext, type BlockParams, type FeedForwardActivation, type ModelTensor, type TransformerBlock, type TransformerSize,
} from './transformer.js';
export { CHARLM, CHARLM_SIZE, charLmInitialParameters, charLmModel, type CharLmModel } from './charlm-model.js';
export { charLmReplicaLimit, charLmStepFlops, trainCharLm, type CharLmMetrics, type CharLmRun } from './charlm-train.js';
export { mobyDickCorpus, MOBY_DICK, type TextCorpus } from './data/moby-dick.js';
export { namedLayout, layoutViews, type TensorShape } from './layout.js';
export { blockModelCost, equalComputeSteps, evaluateBlocks, type BlockEvaluation, type BlockEvaluationReport, type BlockEvaluationRequest } from './evaluate-blocks.js';
export { runFunnel, type FunnelJob, type FunnelOutcome, type FunnelMetric, type StageOutcome, type StageSpec } from './funnel.js';
export { DawnLogFilter, gpuChildEnvironment, isBackendChoice, prepareGpuEnvironment, type BackendChoice } from '../gpu/index.js';
