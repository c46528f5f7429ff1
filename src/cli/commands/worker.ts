// `symevo worker --queue redis://HOST:PORT`: evaluates batches of any search whose coordinator uses that
// queue, on this machine's devices, until stopped (SIGINT/SIGTERM finish the batches in hand first).
import { availableParallelism } from 'node:os';
import { Option, type Command } from 'commander';
import { DEFAULT_REDIS_TIMEOUT_MS, EvaluatorLost, parseRedisUrl, runQueueWorker } from '../../search/index.js';
import { isBackendChoice } from '../../tasks/index.js';
import { EXIT_FAILURE, UsageError } from '../exit.js';
import { positiveInteger, positiveSeconds } from '../options.js';

interface WorkerOptions {
  readonly queue: string;
  readonly backend: string;
  readonly concurrency?: number;
  readonly lockTimeout: number;
  readonly redisTimeout?: number;
}

export function registerWorker(program: Command): void {
  program
    .command('worker')
    .description('evaluate batches from the queue of distributed searches (see `search --queue`)')
    .requiredOption('--queue <url>', 'the Redis server of the queue, redis://HOST:PORT')
    .addOption(new Option('--backend <name>', 'where candidates train').choices(['auto', 'webgpu', 'cpu']).default('auto'))
    .option('--concurrency <n>', 'batches at once, each on its own worker thread and device (default: one per core)', positiveInteger)
    .option('--lock-timeout <seconds>', 'a batch whose worker is silent this long goes to another worker', positiveSeconds, 30)
    .option('--redis-timeout <seconds>', 'give up when Redis cannot be reached at start within this time', positiveSeconds)
    .action(async (options: WorkerOptions) => {
      const target = parseRedisUrl(options.queue);
      if (typeof target === 'string') throw new UsageError(`--queue: ${target}`);
      if (!isBackendChoice(options.backend)) throw new UsageError(`unknown backend '${options.backend}'`);
      const stop = new AbortController();
      let stops = 0;
      const onSignal = () => {
        if (++stops > 1) process.exit(130);
        process.stderr.write('stopping after the batches in hand (again to stop now)\n');
        stop.abort();
      };
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
      try {
        const summary = await runQueueWorker({
          url: options.queue,
          backend: options.backend,
          concurrency: options.concurrency ?? availableParallelism(),
          lockMs: options.lockTimeout * 1000,
          redisTimeoutMs: (options.redisTimeout ?? DEFAULT_REDIS_TIMEOUT_MS / 1000) * 1000,
          signal: stop.signal,
          log: (line) => process.stderr.write(`${line}\n`),
        });
        process.stderr.write(`worker ${summary.worker} stopped after ${summary.batches} batch(es)\n`);
        process.exitCode = 0;
      } catch (error) {
        if (!(error instanceof EvaluatorLost)) throw error;
        process.stderr.write(`symevo worker: ${error.message}\n`);
        process.exitCode = EXIT_FAILURE;
      } finally {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      }
    });
}
