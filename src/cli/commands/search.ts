// `symevo search` starts a run; `symevo resume` continues one. Both supervise the engine in a child process.
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Option, type Command } from 'commander';
import {
  BEST_DIR, JOURNAL_FILE, SpaceError, createRun, loadSpace, parseRedisUrl, readConfig, spaceRecord, superviseSearch, validateTasks,
  type EngineMessage, type SearchSpace,
} from '../../search/index.js';
import { SEARCH_ENGINE_ENTRY } from '../../nas/index.js';
import { TASK_NAMES } from '../../tasks/index.js';
import { UsageError } from '../exit.js';
import { nonNegativeInteger, positiveInteger, positiveSeconds } from '../options.js';
import { formatDuration, searchDisplay } from '../search-display.js';
import { packageVersions } from '../versions.js';

interface RunOptions {
  readonly budget?: number;
  readonly workers?: number;
  readonly backend?: string;
  readonly batchTimeout?: number;
  readonly verbose?: boolean;
  readonly queue?: string;
  readonly redisTimeout?: number;
}

const backendOption = () => new Option('--backend <name>', 'where candidates train').choices(['auto', 'webgpu', 'cpu']);
const commonOptions = (command: Command) =>
  command
    .option('--budget <n>', 'evaluations in the whole run (default: the space\'s)', positiveInteger)
    .option('--workers <n>', 'worker threads, each with its own device (default: one per core); with --queue, batches kept in flight', positiveInteger)
    .option('--queue <url>', 'evaluate on `symevo worker` processes through this Redis server (redis://HOST:PORT) instead of local threads')
    .option('--redis-timeout <seconds>', 'with --queue: stop with an error when Redis is out of reach this long (default 10)', positiveSeconds)
    .option('--batch-timeout <seconds>', 'abandon (and retry once) a batch running longer', positiveInteger)
    .option('--verbose', 'also show the GPU driver\'s own diagnostics');

export function registerSearch(program: Command): void {
  commonOptions(
    program
      .command('search')
      .description('evolve programs of a search space; the run directory keeps every evaluation')
      .requiredOption('--space <file>', 'search-space file (see search-spaces/)')
      .option('--out <dir>', 'run directory (default: runs/<space name>-<time>)')
      .option('--seed <s>', 'random seed of the search', nonNegativeInteger, 0),
  )
    .addOption(backendOption().default('auto'))
    .action(async (options: RunOptions & { space: string; out?: string; seed: number }) => {
      checkQueue(options);
      const space = loadSearchSpace(options.space);
      const dir = options.out ?? join('runs', `${space.name}-${new Date().toISOString().replace(/[:.]/g, '-')}`);
      const workers = options.workers ?? availableParallelism();
      const created = createRun(dir, {
        name: space.name,
        space: spaceRecord(space),
        seed: options.seed,
        workers,
        backend: options.backend ?? 'auto',
        versions: packageVersions(),
        createdAt: new Date().toISOString(),
      });
      if (!created.ok) throw new UsageError(created.reason);
      process.stderr.write(`run directory: ${dir}\n`);
      process.exitCode = await supervise(dir, { ...options, workers });
    });

  commonOptions(program.command('resume').description('continue a run from its checkpoint and journal').argument('<dir>', 'run directory'))
    .addOption(backendOption())
    .action(async (dir: string, options: RunOptions) => {
      checkQueue(options);
      const config = readConfig(dir);
      if (!config.ok) throw new UsageError(config.reason);
      process.exitCode = await supervise(dir, { ...options, workers: options.workers ?? config.value.workers, backend: options.backend ?? config.value.backend });
    });
}

function checkQueue(options: RunOptions): void {
  if (options.queue === undefined) return;
  const target = parseRedisUrl(options.queue);
  if (typeof target === 'string') throw new UsageError(`--queue: ${target}`);
}

function loadSearchSpace(file: string): SearchSpace {
  try {
    const space = loadSpace(file);
    validateTasks(space, TASK_NAMES);
    return space;
  } catch (error) {
    if (error instanceof SpaceError) throw new UsageError(error.message);
    throw error;
  }
}

async function supervise(dir: string, options: RunOptions & { workers: number }): Promise<number> {
  const display = searchDisplay();
  let done: Extract<EngineMessage, { type: 'done' }>['summary'] | undefined;
  const result = await superviseSearch({
    dir,
    entry: SEARCH_ENGINE_ENTRY,
    workers: options.workers,
    backend: options.backend ?? 'auto',
    verbose: options.verbose === true,
    ...(options.budget === undefined ? {} : { budget: options.budget }),
    ...(options.batchTimeout === undefined ? {} : { batchTimeoutMs: options.batchTimeout * 1000 }),
    ...(options.queue === undefined ? {} : { queue: options.queue }),
    ...(options.redisTimeout === undefined ? {} : { redisTimeoutMs: options.redisTimeout * 1000 }),
    onMessage: (m) => {
      if (m.type === 'done') done = m.summary;
      display.onMessage(m);
    },
  });
  display.stop();
  if (done !== undefined) {
    const outside = done.seconds > 0 ? (100 * done.engineSeconds) / done.seconds : 0;
    process.stdout.write(
      `${done.stopped ? 'stopped' : 'finished'}: ${done.evaluations}/${done.budget} evaluations (${done.evaluated} trained here) in ${formatDuration(done.seconds)}; ` +
        `cache hit rate ${(100 * done.cache.hitRate).toFixed(1)}%, redundant statements ${(100 * done.cache.redundantFraction).toFixed(1)}%, engine's own work ${outside.toFixed(1)}% of the time\n` +
        `journal: ${join(dir, JOURNAL_FILE)}; best programs: ${join(dir, BEST_DIR)}/\n`,
    );
  }
  if (result.exitCode === 130) process.stderr.write(`stopped; continue with: symevo resume ${dir}\n`);
  return result.exitCode;
}
