// A `symevo worker` process: takes batches from the BullMQ queue on a Redis server and runs them on this
// machine's devices through the evaluation pool, the same worker threads and funnel as a local search.
//
// Training runs in the pool's threads, so this thread stays free to renew the job locks: a lock that
// lapses means the process is gone (kill -9, machine lost), and another worker's stall check, every
// half lock, puts the job back on the queue. maxStalledCount 1: a batch whose workers died twice fails.
import { hostname } from 'node:os';
import { Worker, type Job } from 'bullmq';
import type { BackendChoice } from '../tasks/index.js';
import { EvaluatorLost, type BatchReply } from './evaluator.js';
import { EvaluationPool } from './pool.js';
import { decodeJob, encodeReply, parseRedisUrl, QUEUE_NAME, type QueueJobData, type QueueJobResult } from './queue-protocol.js';

export interface QueueWorkerOptions {
  /** redis://HOST:PORT */
  readonly url: string;
  readonly backend: BackendChoice;
  /** Batches run at once, each on its own worker thread and device. */
  readonly concurrency: number;
  /** A job whose lock this process stops renewing for this long is re-queued for another worker. */
  readonly lockMs: number;
  /** Redis out of reach this long at start is an error; later, the worker keeps trying. */
  readonly redisTimeoutMs: number;
  readonly signal: AbortSignal;
  readonly log: (line: string) => void;
}

export interface QueueWorkerSummary {
  readonly worker: string;
  readonly batches: number;
}

/** Serves the queue until the signal aborts; throws EvaluatorLost when Redis cannot be reached at start. */
export async function runQueueWorker(options: QueueWorkerOptions): Promise<QueueWorkerSummary> {
  const target = parseRedisUrl(options.url);
  if (typeof target === 'string') throw new EvaluatorLost(target);
  const name = `${hostname()}:${process.pid}`;
  const pool = new EvaluationPool({ workers: options.concurrency, timeoutMs: 10 * 60 * 1000 });
  let batches = 0;
  const evaluate = async (job: Job<QueueJobData>): Promise<QueueJobResult> => {
    const batch = decodeJob(job.data.job);
    const { timeoutMs } = job.data;
    options.log(`took ${job.id} [${batch.programs.map((p) => p.id).join(',')}]`);
    const reply = await pool.run({ ...batch, backend: options.backend }, 0, timeoutMs);
    batches++;
    options.log(`done ${job.id} ${reply.ok ? 'ok' : reply.kind}`);
    return encodeReply(withWorker(reply, name, options.backend));
  };
  const worker = new Worker<QueueJobData, QueueJobResult>(QUEUE_NAME, evaluate, {
    connection: { ...target, retryStrategy: () => 500 },
    concurrency: options.concurrency,
    lockDuration: options.lockMs,
    stalledInterval: Math.max(250, Math.round(options.lockMs / 2)),
    maxStalledCount: 1,
    autorun: false,
  });
  let lastError = '';
  worker.on('error', (error: Error) => {
    if (error.message !== lastError) options.log(`Redis at ${options.url}: ${error.message}; retrying`);
    lastError = error.message;
  });
  try {
    const ready = worker.waitUntilReady().then(() => true);
    const timeout = new Promise<false>((resolve) => setTimeout(() => resolve(false), options.redisTimeoutMs).unref());
    if (!(await Promise.race([ready, timeout]))) {
      throw new EvaluatorLost(`cannot reach Redis at ${options.url} (${lastError || 'no answer'}) within ${options.redisTimeoutMs / 1000} s`);
    }
    options.log(`worker ${name} serving ${options.url}: ${options.concurrency} batch(es) at once on backend ${options.backend}`);
    const running = worker.run();
    await new Promise<void>((resolve) => {
      if (options.signal.aborted) resolve();
      options.signal.addEventListener('abort', () => resolve(), { once: true });
    });
    // Finishes the batches in hand, then stops taking new ones.
    await worker.close();
    await running;
    return { worker: name, batches };
  } finally {
    await Promise.race([worker.close(true).catch(() => undefined), new Promise((resolve) => setTimeout(resolve, 1000).unref())]);
    await pool.destroy();
  }
}

/** The reply with this process as the worker, keeping the thread's device. */
function withWorker(reply: BatchReply, name: string, backend: BackendChoice): BatchReply {
  const device = reply.evaluator ?? { backend: backend === 'webgpu' ? 'webgpu' : 'cpu', adapter: 'unknown' };
  return { ...reply, evaluator: { host: hostname(), worker: name, backend: device.backend, adapter: device.adapter } };
}
