// Chooses the engine's evaluator: local worker threads by default, a BullMQ queue when a Redis URL is given.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Evaluator } from './evaluator.js';
import { EvaluationPool } from './pool.js';
import { QueueEvaluator } from './queue-evaluator.js';
import { runId } from './queue-protocol.js';
import { CONFIG_FILE } from './run-store.js';

export interface EvaluatorChoice {
  readonly dir: string;
  readonly workers: number;
  readonly timeoutMs: number;
  /** redis://HOST:PORT: batches go to `symevo worker` processes instead of local threads. */
  readonly queue?: string;
  /** Redis out of reach this long ends the run. Default 10 s. */
  readonly redisTimeoutMs?: number;
}

export const DEFAULT_REDIS_TIMEOUT_MS = 10_000;

export async function openEvaluator(choice: EvaluatorChoice): Promise<Evaluator> {
  if (choice.queue === undefined) return new EvaluationPool({ workers: choice.workers, timeoutMs: choice.timeoutMs });
  return QueueEvaluator.open({
    url: choice.queue,
    run: runId(readFileSync(join(choice.dir, CONFIG_FILE), 'utf8')),
    workers: choice.workers,
    timeoutMs: choice.timeoutMs,
    redisTimeoutMs: choice.redisTimeoutMs ?? DEFAULT_REDIS_TIMEOUT_MS,
  });
}
