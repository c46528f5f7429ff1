// Chooses the engine's evaluator: local worker threads by default, a BullMQ queue when a Redis URL is given.
import type { Evaluator } from './evaluator.js';
import { EvaluationPool } from './pool.js';
import { QueueEvaluator } from './queue-evaluator.js';
import { runId } from './queue-protocol.js';
import { readConfig } from './run-store.js';

export interface EvaluatorChoice {
  readonly dir: string;
  readonly workers: number;
  readonly timeoutMs: number;
  /** redis://HOST:PORT: batches go to `symevo worker` processes instead of local threads. */
  readonly queue?: string;
  /** Redis out of reach this long ends the run. Default 10 s. */
  readonly redisTimeoutMs?: number;
  readonly onMessage?: (text: string) => void;
}

export const DEFAULT_REDIS_TIMEOUT_MS = 10_000;

export async function openEvaluator(choice: EvaluatorChoice): Promise<Evaluator> {
  if (choice.queue === undefined) return new EvaluationPool({ workers: choice.workers, timeoutMs: choice.timeoutMs });
  const config = readConfig(choice.dir);
  if (!config.ok) throw new Error(config.reason);
  return QueueEvaluator.open({
    url: choice.queue,
    run: runId(config.value),
    workers: choice.workers,
    timeoutMs: choice.timeoutMs,
    redisTimeoutMs: choice.redisTimeoutMs ?? DEFAULT_REDIS_TIMEOUT_MS,
    ...(choice.onMessage === undefined ? {} : { onMessage: choice.onMessage }),
  });
}
