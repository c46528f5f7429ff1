// Distributed searches on real parts: a redis-server of their own per test, `symevo worker` processes and
// coordinators from the built CLI. One file, so that its searches run one after another on small machines.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Job, Queue, QueueEvents } from 'bullmq';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import {
  exitCode, idsUpTo, journal, redisServerPath, sequence, sleep, sortedIds, startCli, startRedis, startSearch, startWorker, stopAll, waitFor,
  type CliProcess, type Line, type RedisServer, type WorkerProcess,
} from './harness.js';

const REDIS = redisServerPath();
const REQUIRED = process.env['SYMEVO_REQUIRE_TOOLS'] === '1';
const root = mkdtempSync(join(tmpdir(), 'symevo-distributed-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

let processes: CliProcess[] = [];
let servers: RedisServer[] = [];
afterEach(async () => {
  await stopAll(processes);
  for (const s of servers) await s.stop();
  processes = [];
  servers = [];
});

async function redis(): Promise<RedisServer> {
  const server = await startRedis(REDIS!);
  servers.push(server);
  return server;
}

async function workers(url: string, count: number, env: NodeJS.ProcessEnv = {}): Promise<WorkerProcess[]> {
  const started = await Promise.all(Array.from({ length: count }, () => startWorker(url, env)));
  processes.push(...started);
  return started;
}

function coordinator(dir: string, options: Parameters<typeof startSearch>[1]): CliProcess {
  const c = startSearch(dir, options);
  processes.push(c);
  return c;
}

/** Trained entries (not cache hits, not known without training) carry the worker that trained them. */
const trained = (lines: readonly Line[]) => lines.filter((l) => l.evaluator !== undefined);

/** Candidates in the batches workers finished, each distinct job counted once. */
function evaluatedPrograms(all: readonly WorkerProcess[]): number {
  const programs = new Map<string, number>();
  for (const w of all) {
    const took = w.took();
    for (const id of w.done()) programs.set(id, took.get(id)!.length);
  }
  return [...programs.values()].reduce((a, b) => a + b, 0);
}

/** The same-seed local run the queued ones are compared with (computed once). */
let reference: Line[] | undefined;
async function localReference(budget: number): Promise<Line[]> {
  if (reference === undefined) {
    const dir = join(root, 'local');
    const local = startSearch(dir, { budget });
    expect(await local.exited).toBe(0);
    reference = journal(dir);
  }
  return reference;
}

const BUDGET = 15;

if (REDIS === undefined && !REQUIRED) {
  describe.skip('distributed search (redis-server is not installed; set SYMEVO_REQUIRE_TOOLS=1 to fail instead)', () => {
    it('needs redis-server', () => {});
  });
} else {
  describe('distributed search over BullMQ', () => {
    it('has redis-server', () => {
      expect(REDIS, 'redis-server is required (SYMEVO_REQUIRE_TOOLS=1) but was not found').toBeDefined();
    });

    it('completes a small search on two workers with the same evaluations as local mode', async () => {
      const server = await redis();
      const pair = await workers(server.url, 2);
      const dir = join(root, 'full');
      const run = coordinator(dir, { url: server.url, budget: BUDGET });
      expect(await exitCode(run, processes), run.output()).toBe(0);
      const lines = journal(dir);
      expect(lines.map((l) => l.id)).toEqual(idsUpTo(BUDGET));
      // Both workers trained, each under its own name, with its device.
      const names = new Set(trained(lines).map((l) => l.evaluator!.worker));
      expect([...names].sort()).toEqual(pair.map((w) => w.name).sort());
      expect(trained(lines).every((l) => l.evaluator!.backend === 'cpu' && l.evaluator!.adapter !== '')).toBe(true);
      // Each batch ran once: the programs trained are the journal's trained entries and the baseline.
      const done = pair.flatMap((w) => w.done());
      expect(new Set(done).size).toBe(done.length);
      expect(evaluatedPrograms(pair)).toBe(trained(lines).length + 1);
      expect(sequence(lines)).toEqual(sequence(await localReference(BUDGET)));
      // The baseline went through every stage on the workers, as it does locally.
      expect(readFileSync(join(dir, 'baseline.json'), 'utf8')).toBe(readFileSync(join(root, 'local', 'baseline.json'), 'utf8'));
      // inspect names the workers, with how many evaluations each trained, and the one behind a program.
      const inspect = startCli(['inspect', dir]);
      expect(await inspect.exited, inspect.output()).toBe(0);
      for (const w of pair) {
        const count = trained(lines).filter((l) => l.evaluator!.worker === w.name).length;
        expect(inspect.stdout()).toContain(`${w.name} (cpu) ${count}`);
      }
      const one = trained(lines).at(-1)!;
      const detail = startCli(['inspect', dir, '--id', String(one.id)]);
      expect(await detail.exited, detail.output()).toBe(0);
      expect(detail.stdout()).toContain(`trained by:  ${one.evaluator!.worker} (cpu)`);
    }, 240_000);

    it('journals a batch delivered twice once, and never mixes in a stale run\'s jobs', async () => {
      const server = await redis();
      const pair = await workers(server.url, 2);
      const connection = { host: '127.0.0.1', port: Number(new URL(server.url).port) };
      const queue = new Queue('symevo-batches', { connection });
      const events = new QueueEvents('symevo-batches', { connection });
      await events.waitUntilReady();
      const repeated = new Set<string>();
      let stale = 0;
      // Every finished batch of the run is delivered again, and a copy is queued under another run's id.
      events.on('completed', ({ jobId }) => {
        if (jobId.startsWith('stale.') || repeated.has(jobId)) return;
        repeated.add(jobId);
        void (async () => {
          const job = await Job.fromId(queue, jobId);
          if (job === undefined) return;
          await queue.add('batch', { ...job.data, run: 'stale' }, { jobId: `stale.${jobId.split('.')[1]}` });
          stale++;
          await job.retry('completed');
        })();
      });
      try {
        const dir = join(root, 'repeated');
        const run = coordinator(dir, { url: server.url, budget: BUDGET });
        expect(await exitCode(run, processes), run.output()).toBe(0);
        const lines = journal(dir);
        expect(lines.map((l) => l.id)).toEqual(idsUpTo(BUDGET));
        expect(sequence(lines)).toEqual(sequence(await localReference(BUDGET)));
        // The repeats and the stale copies did run on the workers.
        await waitFor('the repeated batches to run', () => pair.flatMap((w) => w.done()).filter((id) => id.startsWith('stale.')).length >= 1);
        const done = pair.flatMap((w) => w.done()).filter((id) => !id.startsWith('stale.'));
        expect(done.length).toBeGreaterThan(new Set(done).size);
        expect(stale).toBeGreaterThan(0);
      } finally {
        await events.close();
        await queue.close();
      }
    }, 240_000);

    it('finishes the batch of a worker killed with kill -9 on another worker', async () => {
      const server = await redis();
      const marker = join(root, 'hang-marker');
      // Whichever worker first takes candidate 7 hangs on it (holding its job); the other does not.
      const pair = await workers(server.url, 2, { SYMEVO_TEST_HOOKS: '1', SYMEVO_TEST_HANG_IDS: '7', SYMEVO_TEST_HANG_ONCE: marker });
      const dir = join(root, 'worker-killed');
      const run = coordinator(dir, { url: server.url, budget: BUDGET });
      await waitFor('a worker to hang on candidate 7', () => existsSync(marker));
      const [hung, survivor] = [...pair].sort((a) => ([...a.took().values()].some((ids) => ids.includes(7)) ? -1 : 1));
      const job = [...hung!.took()].find(([, ids]) => ids.includes(7))![0];
      hung!.child.kill('SIGKILL');
      expect(await exitCode(run, processes), run.output()).toBe(0);
      const lines = journal(dir);
      expect(lines.map((l) => l.id)).toEqual(idsUpTo(BUDGET));
      expect(lines.find((l) => l.id === 7)!.evaluator!.worker).toBe(survivor!.name);
      expect(hung!.done()).not.toContain(job);
      expect(survivor!.done().filter((id) => id === job)).toHaveLength(1);
      expect(evaluatedPrograms(pair)).toBe(trained(lines).length + 1);
      expect(sequence(lines)).toEqual(sequence(await localReference(BUDGET)));
    }, 240_000);

    it('records a batch that killed two workers as crash and finishes on the third', async () => {
      const server = await redis();
      const three = await workers(server.url, 3, { SYMEVO_TEST_HOOKS: '1', SYMEVO_TEST_CRASH_IDS: '7' });
      const dir = join(root, 'crash');
      const run = coordinator(dir, { url: server.url, budget: BUDGET });
      expect(await exitCode(run, processes), run.output()).toBe(0);
      const lines = journal(dir);
      expect(lines.map((l) => l.id)).toEqual(idsUpTo(BUDGET));
      const batch = three.flatMap((w) => [...w.took()]).find(([, ids]) => ids.includes(7))![1];
      expect(lines.filter((l) => l.status === 'crash').map((l) => l.id)).toEqual(batch);
      const dead = three.filter((w) => w.child.signalCode === 'SIGSEGV');
      expect(dead).toHaveLength(2);
      const alive = three.find((w) => !dead.includes(w))!;
      expect(new Set(trained(lines).slice(-3).map((l) => l.evaluator!.worker))).toEqual(new Set([alive.name]));
    }, 240_000);

    it('resumes a coordinator killed with kill -9 while the workers go on, using results finished meanwhile', async () => {
      const server = await redis();
      const pair = await workers(server.url, 2);
      const dir = join(root, 'coordinator-killed');
      const budget = 21;
      const run = coordinator(dir, { url: server.url, budget });
      // Kill the supervisor and its engine together while a batch is running on a worker.
      await waitFor('six journaled evaluations and a running batch', () => journal(dir).length >= 6 && pair.some((w) => w.took().size > w.done().length));
      const engine = Number(readFileSync(join(dir, 'engine.lock'), 'utf8'));
      run.child.kill('SIGKILL');
      process.kill(engine, 'SIGKILL');
      await run.exited;
      const before = journal(dir).map((l) => l.id);
      await waitFor('the workers to finish what they hold', () => pair.every((w) => w.took().size === w.done().length));
      const resumed = startCli(['resume', dir, '--queue', server.url]);
      processes.push(resumed);
      expect(await exitCode(resumed, processes), resumed.output()).toBe(0);
      expect(resumed.output()).toMatch(/was finished before this engine started; its result is used/);
      const lines = journal(dir);
      expect(lines.map((l) => l.id).slice(0, before.length)).toEqual(before);
      expect(sortedIds(lines)).toEqual(idsUpTo(budget));
      // No batch ran twice: the resumed coordinator found the finished ones by key.
      const done = pair.flatMap((w) => w.done());
      expect(new Set(done).size).toBe(done.length);
    }, 240_000);

    it('stops with a clear error when Redis goes away, and resumes once it is back', async () => {
      const server = await redis();
      await workers(server.url, 2);
      const dir = join(root, 'redis-lost');
      const run = coordinator(dir, { url: server.url, budget: 21, extra: ['--redis-timeout', '2'] });
      await waitFor('six journaled evaluations', () => journal(dir).length >= 6);
      await server.stop();
      expect(await exitCode(run, processes)).toBe(1);
      expect(run.output()).toContain(`lost the connection to Redis at ${server.url}`);
      expect(run.output()).not.toMatch(/^\s+at /m);
      // The run directory is intact: no lock left, each id journaled once, a checkpoint to resume from.
      expect(existsSync(join(dir, 'engine.lock'))).toBe(false);
      expect(existsSync(join(dir, 'checkpoint.json'))).toBe(true);
      const before = journal(dir).map((l) => l.id);
      expect(new Set(before).size).toBe(before.length);
      expect(before.length).toBeLessThan(21);
      await server.start();
      await sleep(1000);
      const resumed = startCli(['resume', dir, '--queue', server.url]);
      processes.push(resumed);
      expect(await exitCode(resumed, processes), resumed.output()).toBe(0);
      const lines = journal(dir);
      expect(lines.map((l) => l.id).slice(0, before.length)).toEqual(before);
      expect(sortedIds(lines)).toEqual(idsUpTo(21));
    }, 240_000);

    it('goes on when Redis comes back within the timeout, queueing again the batches it lost', async () => {
      const server = await redis();
      const pair = await workers(server.url, 2);
      const dir = join(root, 'redis-restarted');
      const run = coordinator(dir, { url: server.url, budget: BUDGET, extra: ['--redis-timeout', '30'] });
      await waitFor('a running batch', () => journal(dir).length >= 3 && pair.some((w) => w.took().size > w.done().length));
      // Restarted empty: the running batch's job is gone with the old server's data.
      await server.stop();
      await server.start();
      expect(await exitCode(run, processes), run.output()).toBe(0);
      expect(journal(dir).map((l) => l.id)).toEqual(idsUpTo(BUDGET));
      expect(sequence(journal(dir))).toEqual(sequence(await localReference(BUDGET)));
    }, 240_000);

    it('says which Redis it cannot reach at start and exits non-zero', async () => {
      const server = await redis();
      const url = server.url;
      await server.stop();
      const dir = join(root, 'no-redis');
      const run = coordinator(dir, { url, budget: BUDGET, extra: ['--redis-timeout', '1'] });
      expect(await exitCode(run, processes)).toBe(1);
      expect(run.output()).toContain(`cannot reach Redis at ${url}`);
      const worker = startCli(['worker', '--queue', url, '--backend', 'cpu', '--redis-timeout', '1']);
      processes.push(worker);
      expect(await worker.exited).toBe(1);
      expect(worker.output()).toContain(`cannot reach Redis at ${url}`);
      const bad = startCli(['search', '--space', 'tests/fixtures/spaces/tiny.json', '--out', join(root, 'bad-url'), '--queue', 'http://x']);
      expect(await bad.exited).toBe(2);
      expect(bad.output()).toMatch(/--queue: 'http:\/\/x' is not a redis:\/\/ URL/);
    }, 60_000);
  });
}
