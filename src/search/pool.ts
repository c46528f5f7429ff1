// The evaluation pool: Piscina worker threads, each with its own device, running funnel batches with a timeout.
// The local evaluator of the engine, and what a `symevo worker` process runs the batches it takes on.
import { availableParallelism, hostname } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import { prepareGpuEnvironment, type FunnelJob, type FunnelOutcome } from '../tasks/index.js';
import type { BatchReply, Evaluator, EvaluatorInfo } from './evaluator.js';

export type { BatchReply } from './evaluator.js';

/** What src/worker.ts sends back. */
type WorkerReply =
  | { readonly ok: true; readonly outcomes: readonly FunnelOutcome[]; readonly device?: WorkerDevice }
  | { readonly ok: false; readonly reason: string; readonly device?: WorkerDevice };
type WorkerDevice = Omit<EvaluatorInfo, 'host'>;

export interface PoolOptions {
  /** Default: one worker per core. */
  readonly workers?: number;
  /** A batch running longer is aborted (its worker thread is terminated and replaced). */
  readonly timeoutMs: number;
}

/** The compiled worker entry; from src/ (tests) and dist/ alike, the build output is what threads load. */
export const WORKER_FILE = fileURLToPath(new URL('../../dist/worker.js', import.meta.url));

export class EvaluationPool implements Evaluator {
  readonly workers: number;
  readonly #pool: Piscina;
  readonly #timeoutMs: number;

  constructor(options: PoolOptions) {
    this.workers = options.workers ?? availableParallelism();
    this.#timeoutMs = options.timeoutMs;
    // EGL reads the process environment once, from whichever thread opens it first; worker threads
    // cannot set it, so the main thread does before any worker starts.
    prepareGpuEnvironment();
    this.#pool = new Piscina({
      filename: WORKER_FILE,
      minThreads: this.workers,
      maxThreads: this.workers,
      // Workers keep their device and datasets between batches.
      idleTimeout: Number.POSITIVE_INFINITY,
    });
  }

  /**
   * Never rejects: a thrown error, a dead worker or the timeout all come back as a reason. A worker
   * process of the queue passes the time limit the coordinator set for the batch.
   */
  async run(job: FunnelJob, _attempt?: number, timeoutMs = this.#timeoutMs): Promise<BatchReply> {
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), timeoutMs);
    try {
      const reply = (await this.#pool.run(job, { signal: abort.signal })) as WorkerReply;
      const evaluator = reply.device === undefined ? {} : { evaluator: { host: hostname(), ...reply.device } };
      return reply.ok ? { ok: true, outcomes: reply.outcomes, ...evaluator } : { ok: false, reason: reply.reason, kind: 'failed', ...evaluator };
    } catch (error) {
      if (abort.signal.aborted) return { ok: false, reason: `the batch ran past its ${timeoutMs / 1000} s limit`, kind: 'timeout' };
      return { ok: false, reason: `the worker died: ${error instanceof Error ? error.message : String(error)}`, kind: 'failed' };
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * Terminates the workers. With webgpu devices alive in them this can crash the process now and
   * then (a native fault while a thread's isolate is torn down); a process about to exit should
   * skip it and exit.
   */
  async destroy(): Promise<void> {
    await this.#pool.destroy();
  }
}
