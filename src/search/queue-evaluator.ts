// The coordinator's side of distributed evaluation: batches become BullMQ jobs on a Redis server, and
// `symevo worker` processes on any machine run them (queue-worker.ts).
//
// BullMQ delivers at least once. Results are matched to waiting batches by job id (run id + a digest
// of the batch, queue-protocol.ts); a result for a batch nobody waits for is ignored, and the engine
// journals each candidate once. A worker that dies mid-batch stops renewing its job's lock: another
// worker's stall check puts the job back, and a job whose workers died twice fails, which comes back
// here as a `crash`. Redis out of reach for `redisTimeoutMs` rejects every waiting batch with
// EvaluatorLost naming the URL; the engine then stops with its run directory intact and resumable.
import { Job, Queue, QueueEvents } from 'bullmq';
import type { FunnelJob } from '../tasks/index.js';
import { EvaluatorLost, type BatchReply, type Evaluator } from './evaluator.js';
import { batchJobId, decodeReply, encodeJob, parseRedisUrl, QUEUE_NAME, STALLED_TOO_OFTEN, type QueueJobData } from './queue-protocol.js';

export interface QueueEvaluatorOptions {
  /** redis://HOST:PORT */
  readonly url: string;
  /** The run's id (queue-protocol.ts runId): every job id starts with it. */
  readonly run: string;
  /** Batches kept in flight: about the total concurrency of the workers. */
  readonly workers: number;
  /** A batch running longer on its worker is abandoned there (and retried once by the engine). */
  readonly timeoutMs: number;
  /** Redis out of reach this long ends the run. */
  readonly redisTimeoutMs: number;
  readonly onMessage?: (text: string) => void;
}

interface Waiter {
  readonly job: FunnelJob;
  readonly resolve: (reply: BatchReply) => void;
  readonly reject: (error: Error) => void;
}

/** Completed and failed jobs are kept a day, so a coordinator resumed within it finds their results. */
const KEEP_SECONDS = 24 * 3600;
const PING_EVERY_MS = 500;

export class QueueEvaluator implements Evaluator {
  readonly #waiting = new Map<string, Waiter>();
  #lost: EvaluatorLost | undefined;
  readonly #openedAt = Date.now();
  #lastAnswer = Date.now();
  #lastError = '';
  /** Redis stopped answering since the last check. */
  #interrupted = false;
  readonly #watch: NodeJS.Timeout;

  private constructor(
    readonly options: QueueEvaluatorOptions,
    readonly queue: Queue<QueueJobData>,
    readonly events: QueueEvents,
  ) {
    events.on('completed', ({ jobId, returnvalue }) => this.#settle(jobId, checkReply(decodeReply(returnvalue))));
    events.on('failed', ({ jobId, failedReason }) => this.#settle(jobId, failedReply(failedReason)));
    this.#watch = setInterval(() => void this.#ping(), PING_EVERY_MS);
  }

  get workers(): number {
    return this.options.workers;
  }

  /** Connects to Redis, or throws EvaluatorLost naming the URL when it cannot within redisTimeoutMs. */
  static async open(options: QueueEvaluatorOptions): Promise<QueueEvaluator> {
    const target = parseRedisUrl(options.url);
    if (typeof target === 'string') throw new EvaluatorLost(target);
    const connection = { ...target, retryStrategy: () => 500 };
    const queue = new Queue<QueueJobData>(QUEUE_NAME, { connection });
    const events = new QueueEvents(QUEUE_NAME, { connection });
    let lastError = 'no answer';
    queue.on('error', (error: Error) => (lastError = error.message));
    events.on('error', (error: Error) => (lastError = error.message));
    const ready = Promise.all([queue.waitUntilReady(), events.waitUntilReady()]).then(() => true);
    const timeout = new Promise<false>((resolve) => setTimeout(() => resolve(false), options.redisTimeoutMs).unref());
    if (!(await Promise.race([ready, timeout]))) {
      await closeAll(queue, events);
      throw new EvaluatorLost(`cannot reach Redis at ${options.url} (${lastError}) within ${options.redisTimeoutMs / 1000} s`);
    }
    const evaluator = new QueueEvaluator(options, queue, events);
    // A closed connection, however short the outage, may have been to a server that restarted empty.
    (await queue.client).on('close', () => (evaluator.#interrupted = true));
    queue.on('error', (error: Error) => (evaluator.#lastError = error.message));
    events.on('error', (error: Error) => (evaluator.#lastError = error.message));
    return evaluator;
  }

  async run(job: FunnelJob, attempt = 0): Promise<BatchReply> {
    if (this.#lost !== undefined) throw this.#lost;
    const id = batchJobId(this.options.run, job, attempt);
    const reply = new Promise<BatchReply>((resolve, reject) => this.#waiting.set(id, { job, resolve, reject }));
    // Marked handled now: Redis may be lost while the job is still being added.
    reply.catch(() => undefined);
    // Not awaited: with Redis gone the add waits, and the reply must still end when the loss is declared.
    void this.#submit(id, job);
    return reply;
  }

  /**
   * Adds the job unless BullMQ holds its id already (a resumed coordinator dispatching a batch again, or
   * a check after Redis came back), and settles it when it has finished. Never rejects.
   */
  async #submit(id: string, job: FunnelJob): Promise<void> {
    try {
      await this.queue.add('batch', { run: this.options.run, job: encodeJob(job), timeoutMs: this.options.timeoutMs }, {
        jobId: id,
        attempts: 1,
        removeOnComplete: { age: KEEP_SECONDS },
        removeOnFail: { age: KEEP_SECONDS },
      });
      // It may have finished before this coordinator listened: a result found by key.
      const existing = await Job.fromId<QueueJobData, unknown>(this.queue, id);
      const state = await existing?.getState();
      if (state === 'completed' || state === 'failed') {
        if (existing!.timestamp < this.#openedAt) this.options.onMessage?.(`batch ${id} was finished before this engine started; its result is used`);
        this.#settle(id, state === 'completed' ? checkReply(decodeReply(existing!.returnvalue)) : failedReply(existing!.failedReason));
      }
    } catch (error) {
      if (this.#lost === undefined) this.#settle(id, { ok: false, kind: 'failed', reason: `the batch could not be queued: ${(error as Error).message}` });
    }
  }

  async destroy(): Promise<void> {
    clearInterval(this.#watch);
    await closeAll(this.queue, this.events);
  }

  /** Hands a result to the batch waiting for it; a result nobody waits for (a repeat) is dropped. */
  #settle(jobId: string, reply: BatchReply): void {
    const waiter = this.#waiting.get(jobId);
    if (waiter === undefined) return;
    this.#waiting.delete(jobId);
    // Only outcomes of candidates this batch holds count.
    const ids = new Set(waiter.job.programs.map((p) => p.id));
    waiter.resolve(reply.ok ? { ...reply, outcomes: reply.outcomes.filter((o) => ids.has(o.id)) } : reply);
  }

  async #ping(): Promise<void> {
    if (this.#lost !== undefined) return;
    const silent = Date.now() - this.#lastAnswer;
    if (silent > this.options.redisTimeoutMs) {
      this.#lose(`lost the connection to Redis at ${this.options.url}: no answer for ${(silent / 1000).toFixed(0)} s (${this.#lastError || 'no reply'})`);
      return;
    }
    try {
      const client = await this.queue.client;
      if (client.status !== 'ready') {
        this.#interrupted = true;
        return;
      }
      await withTimeout(client.ping(), PING_EVERY_MS * 2);
      this.#lastAnswer = Date.now();
    } catch (error) {
      this.#interrupted = true;
      this.#lastError = (error as Error).message;
      return;
    }
    // Back after an outage: a Redis restarted without its data lost the jobs waited for; queue them again.
    if (this.#interrupted) {
      this.#interrupted = false;
      for (const [id, waiter] of this.#waiting) void this.#submit(id, waiter.job);
    }
  }

  #lose(message: string): void {
    this.#lost = new EvaluatorLost(message);
    clearInterval(this.#watch);
    for (const waiter of this.#waiting.values()) waiter.reject(this.#lost);
    this.#waiting.clear();
  }
}

function checkReply(value: unknown): BatchReply {
  const reply = value as Partial<BatchReply> | null;
  if (typeof reply !== 'object' || reply === null || typeof reply.ok !== 'boolean') return { ok: false, kind: 'failed', reason: 'a worker returned something that is not a batch result' };
  if (reply.ok && !Array.isArray(reply.outcomes)) return { ok: false, kind: 'failed', reason: 'a worker returned a result without outcomes' };
  return reply as BatchReply;
}

function failedReply(reason: string): BatchReply {
  if (STALLED_TOO_OFTEN.test(reason)) return { ok: false, kind: 'crash', reason: `the batch's workers died twice while running it (${reason})` };
  return { ok: false, kind: 'failed', reason };
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return Promise.race([promise, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`no reply within ${ms} ms`)), ms).unref())]);
}

/** Closes both connections, forcibly when Redis does not answer. */
async function closeAll(queue: Queue, events: QueueEvents): Promise<void> {
  const closed = Promise.all([queue.close(), events.close()]).catch(() => undefined);
  await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, 1000).unref())]);
  for (const client of [queue.client, events.client]) void client.then((c) => c.disconnect(), () => undefined);
}
