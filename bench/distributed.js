// Benchmark: distributed evaluation over BullMQ against local worker threads. The same short search runs
// with 1, 2 and 4 `symevo worker` processes (one thread each) and locally with as many Piscina threads,
// on this machine; then the queue's round trip per batch is timed with batches that train nothing.
// Writes bench/distributed.md.
// Each pair runs `--rounds` times, local and queue alternating, and the faster of each is reported: the
// machine may be shared, and interference only ever slows a run down.
//   node bench/distributed.js [--budget 40] [--rounds 2] [--space search-spaces/lion.json] [--round-trips 100]
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const search = await import(join(root, 'dist', 'search', 'index.js'));

const option = (name, fallback) => {
  const at = process.argv.indexOf(`--${name}`);
  return at < 0 ? fallback : process.argv[at + 1];
};
const budget = Number(option('budget', '40'));
const rounds = Number(option('rounds', '2'));
const spaceFile = option('space', 'search-spaces/lion.json');
const roundTrips = Number(option('round-trips', '100'));
const counts = [1, 2, 4];
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const redisPath = ['/usr/bin/redis-server', '/usr/local/bin/redis-server'].find(existsSync) ?? spawnSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' }).stdout.trim();
if (!redisPath) {
  console.error('bench/distributed.js needs redis-server; skipped');
  process.exit(0);
}
const port = await new Promise((resolve) => {
  const server = createServer().listen(0, '127.0.0.1', () => {
    const { port: p } = server.address();
    server.close(() => resolve(p));
  });
});
const url = `redis://127.0.0.1:${port}`;
const redis = spawn(redisPath, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
await sleep(500);

async function startWorkers(n) {
  const workers = Array.from({ length: n }, () => {
    const child = spawn(process.execPath, [join(root, 'bin', 'symevo.js'), 'worker', '--queue', url, '--backend', 'cpu', '--concurrency', '1'], { stdio: ['ignore', 'ignore', 'pipe'] });
    let log = '';
    child.stderr.on('data', (d) => (log += d.toString()));
    return { child, log: () => log };
  });
  while (!workers.every((w) => /serving/.test(w.log()))) await sleep(100);
  return workers;
}

async function stopWorkers(workers) {
  await Promise.all(workers.map((w) => new Promise((resolve) => {
    w.child.once('exit', resolve);
    w.child.kill('SIGKILL');
  })));
}

const space = search.loadSpace(join(root, spaceFile));
async function runSearch(workers, queue) {
  const dir = mkdtempSync(join(tmpdir(), 'symevo-bench-distributed-'));
  const created = search.createRun(dir, {
    name: space.name, space: search.spaceRecord(space), seed: 0, workers, backend: 'cpu', versions: {}, createdAt: new Date().toISOString(),
  });
  if (!created.ok) throw new Error(created.reason);
  const summary = await search.runEngine({ dir, workers, backend: 'cpu', budget, ...(queue ? { queue } : {}) });
  const entries = search.readJournal(dir).entries;
  rmSync(dir, { recursive: true, force: true });
  return {
    seconds: summary.seconds,
    perMinute: (60 * summary.state.evaluations) / summary.seconds,
    trainedPerMinute: (60 * summary.evaluated) / summary.seconds,
    sequence: JSON.stringify(entries.map((e) => [e.id, e.program, e.status, e.status === 'ok' ? e.score : null])),
  };
}

const faster = (a, b) => (a === undefined || b.perMinute > a.perMinute ? b : a);
const rows = counts.map((n) => ({ n, local: undefined, queued: undefined, same: true }));
for (let round = 0; round < rounds; round++) {
  for (const row of rows) {
    const local = await runSearch(row.n);
    const workers = await startWorkers(row.n);
    const queued = await runSearch(row.n, url);
    await stopWorkers(workers);
    row.same &&= local.sequence === queued.sequence;
    row.local = faster(row.local, local);
    row.queued = faster(row.queued, queued);
    console.log(`round ${round + 1}, ${row.n} worker(s): local ${local.perMinute.toFixed(1)}/min, queue ${queued.perMinute.toFixed(1)}/min`);
  }
}

// The round trip: batches that train nothing, one at a time, through the pool and through the queue.
const empty = { stages: space.funnel, thresholds: [], metric: space.metric.name, lowerIsBetter: space.metric.lowerIsBetter, programs: [], backend: 'cpu' };
async function timeBatches(evaluator) {
  for (let i = 0; i < 5; i++) await evaluator.run(empty, 1_000_000 + i);
  const t0 = performance.now();
  for (let i = 0; i < roundTrips; i++) await evaluator.run(empty, i);
  return (performance.now() - t0) / roundTrips;
}
const pool = new search.EvaluationPool({ workers: 1, timeoutMs: 60_000 });
const poolMs = await timeBatches(pool);
await pool.destroy();
const [worker] = await startWorkers(1);
const queue = await search.QueueEvaluator.open({ url, run: `bench${Date.now()}`, workers: 1, timeoutMs: 60_000, redisTimeoutMs: 10_000 });
const queueMs = await timeBatches(queue);
await queue.destroy();
await stopWorkers([worker]);
redis.kill('SIGKILL');

const cpu = /model name\s*:\s*(.+)/.exec(existsSync('/proc/cpuinfo') ? readFileSync('/proc/cpuinfo', 'utf8') : '')?.[1] ?? cpus()[0]?.model;
const load = loadavg()[0].toFixed(1);
const lines = [
  '# Distributed evaluation: BullMQ workers against local worker threads',
  '',
  `Machine: ${cpu}, ${cpus().length} cores, Node ${process.version}; Redis ${spawnSync(redisPath, ['--version'], { encoding: 'utf8' }).stdout.match(/v=(\S+)/)?.[1] ?? '?'} on loopback; load average ${load} at the end.`,
  `Space ${spaceFile}, budget ${budget}, backend cpu, seed 0, the faster of ${rounds} alternating runs of each mode. Queue: N \`symevo worker --concurrency 1\` processes on this machine, the`,
  'engine keeping N batches in flight; local: the same engine with N Piscina threads. Both train on the same cores, so',
  'with more workers than cores the figures show the overhead of each mode, not scaling. The worker processes start',
  'before the clock (on a real set-up they wait for work); the local threads start inside it, with the baseline run.',
  'Reproduce: `npm run bench` (or `node bench/distributed.js` after `npm run build`).',
  '',
  '| workers | local evals/min | queue evals/min | local trained/min | queue trained/min | queue / local | same evaluations |',
  '|---|---|---|---|---|---|---|',
  ...rows.map(({ n, local, queued, same }) =>
    `| ${n} | ${local.perMinute.toFixed(1)} | ${queued.perMinute.toFixed(1)} | ${local.trainedPerMinute.toFixed(1)} | ${queued.trainedPerMinute.toFixed(1)} | ${(queued.perMinute / local.perMinute).toFixed(2)} | ${same ? 'yes' : 'no'} |`),
  '',
  `Round trip of a batch that trains nothing, ${roundTrips} in a row: ${poolMs.toFixed(2)} ms through the local pool, ${queueMs.toFixed(2)} ms through`,
  `the queue (add, a worker takes it, runs it on its pool, completes it, the coordinator hears of it): the queue adds`,
  `${(queueMs - poolMs).toFixed(2)} ms per batch. "Same evaluations": the journals of the two modes hold the same ids, programs,`,
  'statuses and scores in the same order.',
];
writeFileSync(join(root, 'bench', 'distributed.md'), lines.join('\n') + '\n');
console.log(lines.join('\n'));
process.exit(0);
