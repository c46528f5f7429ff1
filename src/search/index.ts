// Public surface of the search: mutation, fitness, regularized evolution, dedup cache and run store.
export type { Candidate, MutationKind, MutationRecord } from './candidate.js';
export {
  compareFitness,
  describeFitness,
  isBetter,
  isRepeatable,
  isUsable,
  FAILURE_STATUSES,
  type FailureStatus,
  type FitnessResult,
  type StageMetrics,
} from './fitness.js';
export { drawConstant, perturbConstant } from './constant-draws.js';
export { mutate, textMutator, type MutateResult, type MutationContext } from './mutate.js';
export {
  adopt,
  ask,
  evolutionConfig,
  initEvolution,
  isFinished,
  tell,
  wasTold,
  type Evaluated,
  type EvolutionConfig,
  type EvolutionEvent,
  type EvolutionState,
  type Member,
  type MutateFn,
  type MutateOutcome,
} from './evolution.js';
export { updateHallOfFame, type HallOfFameEntry } from './hall-of-fame.js';
export { candidateKey, liveStatementCount, redundantFraction, type CandidateKey } from './candidate-key.js';
export { DedupCache, type CacheStats } from './dedup-cache.js';
export { fromJson, toJson } from './json-values.js';
export { writeFileAtomic } from './atomic-file.js';
export {
  JOURNAL_FILE,
  JournalWriter,
  entryCandidate,
  entryFitness,
  journalEntry,
  readJournal,
  type JournalEntry,
  type JournalEntryBase,
  type JournalRead,
} from './journal.js';
export {
  BEST_DIR,
  CHECKPOINT_FILE,
  CONFIG_FILE,
  createRun,
  readCheckpoint,
  readConfig,
  recover,
  spaceRecord,
  writeBest,
  writeCheckpoint,
  type Recovery,
  type Result,
  type RunConfig,
} from './run-store.js';
export {
  loadSpace,
  parseSpace,
  validateTasks,
  SpaceError,
  LION_FUNCTIONS,
  SPACE_DEFAULTS,
  type SpaceIssue,
  type IssuePath,
} from './space.js';
export type * from './space-types.js';
export { runEngine, firstStatement, type EngineOptions, type EngineProgress, type EngineSummary } from './engine.js';
export { ENGINE_EXIT, type EngineMessage, type EngineRequest } from './engine-protocol.js';
export { superviseSearch, recordCrash, ENGINE_ENTRY, type SuperviseOptions, type SuperviseResult } from './supervisor.js';
export { EvaluationPool, WORKER_FILE, type BatchReply, type PoolOptions } from './pool.js';
export { EvaluatorLost, type Evaluator, type EvaluatorInfo } from './evaluator.js';
export { QueueEvaluator, type QueueEvaluatorOptions } from './queue-evaluator.js';
export { runQueueWorker, type QueueWorkerOptions, type QueueWorkerSummary } from './queue-worker.js';
export { batchJobId, decodeJob, decodeReply, encodeJob, encodeReply, parseRedisUrl, runId, QUEUE_NAME, type QueueJobData } from './queue-protocol.js';
export { DEFAULT_REDIS_TIMEOUT_MS } from './open-evaluator.js';
export { fitnessOf } from './outcome.js';
export { promotionThresholds, StageScores } from './thresholds.js';
export { spaceFromRecord } from './space-record.js';
export { acquireRunLock, lockHolder, LOCK_FILE } from './run-lock.js';
export {
  BASELINE_FILE, CRASHES_FILE, INFLIGHT_FILE, META_FILE, readBaseline, readCrashes, readInflight, readMeta,
  type BaselineRecord, type MetaRecord,
} from './run-files.js';
export { dialectFor, dialectJobFields, type DialectTable, type SearchDialect } from './dialect.js';
export { OPTIMIZER_DIALECT } from './optimizer-dialect.js';
export { runEngineProcess } from './engine-process-main.js';
