// Benchmark: a short search on the default space — evaluations per minute and the engine's own share of the
// time (mutation, checking, keys, journaling, checkpoints) beside evaluation. Writes bench/search.md.
//   node bench/search.js [--budget 200] [--workers 2] [--backend cpu]
import { mkdtempSync, rmSync, writeFileSync, readFileSync, existsSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
const search = await import(join(dist, 'search', 'index.js'));

const option = (name, fallback) => {
  const at = process.argv.indexOf(`--${name}`);
  return at < 0 ? fallback : process.argv[at + 1];
};
const budget = Number(option('budget', '200'));
const workers = Number(option('workers', String(cpus().length)));
const backend = option('backend', 'cpu');
const spaceFile = option('space', 'search-spaces/lion.json');

const dir = mkdtempSync(join(tmpdir(), 'symevo-bench-search-'));
const space = search.loadSpace(join(root, spaceFile));
const created = search.createRun(dir, {
  name: space.name, space: search.spaceRecord(space), seed: 0, workers, backend, versions: {}, createdAt: new Date().toISOString(),
});
if (!created.ok) throw new Error(created.reason);
const summary = await search.runEngine({ dir, workers, backend, budget });
const entries = search.readJournal(dir).entries;
const trained = entries.filter((e) => !e.cacheHit).length;
const perMinute = (60 * summary.state.evaluations) / summary.seconds;
const engineMsPerCandidate = (1000 * summary.engineSeconds) / summary.state.evaluations;
const rss = process.resourceUsage().maxRSS / 1024;
rmSync(dir, { recursive: true, force: true });

const cpu = /model name\s*:\s*(.+)/.exec(existsSync('/proc/cpuinfo') ? readFileSync('/proc/cpuinfo', 'utf8') : '')?.[1] ?? cpus()[0]?.model;
const lines = [
  '# Search benchmark: a short search on the default space',
  '',
  `Machine: ${cpu}, ${cpus().length} cores, Node ${process.version}. Space ${spaceFile}, budget ${budget}, ${workers} worker(s), backend ${backend}, seed 0.`,
  'Reproduce: `npm run bench` (or `node bench/search.js` after `npm run build`).',
  '',
  '| measure | value |',
  '|---|---|',
  `| evaluations (journaled) | ${summary.state.evaluations} |`,
  `| of which trained (not cache hits or warm-start duplicates) | ${trained} |`,
  `| wall time | ${summary.seconds.toFixed(1)} s (the baseline's funnel run included) |`,
  `| evaluations per minute | ${perMinute.toFixed(1)} |`,
  `| cache hit rate | ${(100 * summary.cache.hitRate).toFixed(1)}% |`,
  `| redundant statements | ${(100 * summary.cache.redundantFraction).toFixed(1)}% |`,
  `| engine's own work | ${summary.engineSeconds.toFixed(2)} s = ${((100 * summary.engineSeconds) / summary.seconds).toFixed(1)}% of the wall time, ${engineMsPerCandidate.toFixed(2)} ms per candidate |`,
  `| peak RSS of the engine process | ${rss.toFixed(0)} MiB (worker threads included) |`,
  '',
  "The engine's own work is mutation, parsing and checking, simplification and fingerprint (the cache key),",
  'batching, journal appends with fsync and atomic checkpoints; the rest of the wall time is spent waiting for',
  'workers to train candidates.',
];
writeFileSync(join(root, 'bench', 'search.md'), lines.join('\n') + '\n');
console.log(lines.join('\n'));
