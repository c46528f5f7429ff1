// One line per finished run on the search dynamics: evaluations, how many were trained, cache hit
// rate, neutral children accepted, lr factors chosen, the best fitness, evaluations per minute, and
// how many of the distinct programs that reached the last stage the classifier calls lion-like.
// Plain JavaScript over dist/.
//   node scripts/summarize-dynamics.js runs/a runs/b ...
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const dist = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist');
const { readJournal, readConfig } = await import(join(dist, 'search', 'index.js'));
const { parseOptimizer, classifyOptimizer } = await import(join(dist, 'dsl', 'index.js'));

const CLASSIFY = 10;

for (const dir of process.argv.slice(2)) {
  const config = readConfig(dir);
  const entries = readJournal(dir).entries;
  const mutated = entries.filter((e) => e.parentId !== null);
  const hits = entries.filter((e) => e.cacheHit).length;
  const neutral = entries.filter((e) => e.mutation.neutral === true).length;
  const factors = {};
  for (const e of entries) if (!e.cacheHit && e.lrFactor !== undefined) factors[e.lrFactor] = (factors[e.lrFactor] ?? 0) + 1;
  const ok = entries.filter((e) => e.status === 'ok').sort((a, b) => b.stageReached - a.stageReached || a.score - b.score);
  const last = config.ok ? config.value.space.funnel.length - 1 : 0;
  const times = entries.map((e) => Date.parse(e.time)).filter(Number.isFinite);
  const minutes = (Math.max(...times) - Math.min(...times)) / 60000;
  const seen = new Set();
  const lionLike = [];
  for (const e of ok) {
    if (e.stageReached !== last || seen.has(e.fingerprint) || seen.size >= CLASSIFY) continue;
    seen.add(e.fingerprint);
    if (classifyOptimizer(parseOptimizer(e.program, 'candidate.dsl')).verdict === 'lion-like') lionLike.push(e.id);
  }
  const best = ok[0];
  console.log(JSON.stringify({
    run: dir,
    evaluations: entries.length,
    trained: entries.length - hits,
    cacheHitRate: Number((hits / entries.length).toFixed(3)),
    childCacheHitRate: Number((mutated.filter((e) => e.cacheHit).length / Math.max(1, mutated.length)).toFixed(3)),
    neutralAccepted: neutral,
    neutralShareOfChildren: Number((neutral / Math.max(1, mutated.length)).toFixed(3)),
    lrFactors: factors,
    reachedLastStage: ok.filter((e) => e.stageReached === last).length,
    best: best === undefined ? null : { id: best.id, stage: best.stageReached, score: Number(best.score.toFixed(4)), lrFactor: best.lrFactor },
    evaluationsPerMinute: Number((entries.length / minutes).toFixed(1)),
    lionLikeAtLastStage: `${lionLike.length}/${seen.size}`,
    lionLikeIds: lionLike,
  }));
}
