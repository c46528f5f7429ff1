// What the engine hands batches to: local worker threads (pool.ts) or a BullMQ queue served by
// `symevo worker` processes on any machine (queue-evaluator.ts). Both run the same funnel code.
import type { FunnelJob, FunnelOutcome } from '../tasks/index.js';

/** Who trained a batch: the machine, the worker on it, and its device. */
export interface EvaluatorInfo {
  readonly host: string;
  /** A worker thread (`thread 3`) locally; a `symevo worker` process (`host:pid`) over a queue. */
  readonly worker: string;
  readonly backend: 'cpu' | 'webgpu';
  /** The adapter's description on webgpu, or why the cpu backend ran. */
  readonly adapter: string;
}

/** What a batch produced, or why it produced nothing. */
export type BatchReply =
  | { readonly ok: true; readonly outcomes: readonly FunnelOutcome[]; readonly evaluator?: EvaluatorInfo }
  | { readonly ok: false; readonly reason: string; readonly kind: 'failed' | 'timeout' | 'crash'; readonly evaluator?: EvaluatorInfo };

export interface Evaluator {
  /** Batches that run at once; the engine keeps this many in flight. */
  readonly workers: number;
  /**
   * Runs one batch. A batch's own failure (a thrown error, a dead worker, the timeout) comes back as
   * a reply; the promise rejects only when the evaluator itself is lost (EvaluatorLost).
   * `attempt` tells a deliberate retry from a repeated delivery of the same batch.
   */
  run(job: FunnelJob, attempt?: number): Promise<BatchReply>;
  /** Releases the workers or connections. */
  destroy(): Promise<void>;
}

/** The evaluator cannot go on (Redis unreachable): the run stops, resumable, and the command fails. */
export class EvaluatorLost extends Error {
  override readonly name = 'EvaluatorLost';
}
