// Summarises finished runs for a write-up: statuses, funnel stages reached, cache hits, redundant
// statements, the best program and its Lion-likeness verdict. Plain JavaScript over dist/.
//   node scripts/summarize-runs.js runs/a runs/b ...
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const dist = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist');
const { readJournal, candidateKey, readMeta, readBaseline, readConfig } = await import(join(dist, 'search', 'index.js'));
const { parseOptimizer, classifyOptimizer } = await import(join(dist, 'dsl', 'index.js'));

for (const dir of process.argv.slice(2)) {
  const config = readConfig(dir);
  const entries = readJournal(dir).entries;
  const count = (pred) => entries.filter(pred).length;
  const statuses = {};
  for (const e of entries) statuses[e.status] = (statuses[e.status] ?? 0) + 1;
  const stages = {};
  for (const e of entries) if (e.status === 'ok') stages[e.stageReached] = (stages[e.stageReached] ?? 0) + 1;
  let statements = 0;
  let live = 0;
  const lionLike = [];
  const checkedPrograms = new Map();
  for (const e of entries) {
    let key;
    try {
      const checked = parseOptimizer(e.program, 'candidate.dsl');
      key = candidateKey(checked);
      checkedPrograms.set(e.fingerprint, checked);
    } catch {
      continue;
    }
    statements += key.statements;
    live += key.liveStatements;
  }
  const baseline = readBaseline(dir);
  const best = entries.filter((e) => e.status === 'ok').sort((a, b) => b.stageReached - a.stageReached || a.score - b.score);
  // Classify the distinct behaviours that reached the last stage (the classifier takes about a second each).
  const seen = new Set();
  for (const e of best) {
    if (seen.has(e.fingerprint) || seen.size >= 20) continue;
    seen.add(e.fingerprint);
    const c = classifyOptimizer(checkedPrograms.get(e.fingerprint));
    if (c.verdict === 'lion-like') lionLike.push(e.id);
  }
  const meta = readMeta(dir);
  const lastMeta = meta.length === 0 ? [] : meta.filter((m) => m.evaluation === meta.at(-1).evaluation);
  console.log(JSON.stringify({
    run: dir,
    space: config.ok ? config.value.space.name : undefined,
    mode: config.ok ? config.value.space.mutation.mode : undefined,
    seed: config.ok ? config.value.seed : undefined,
    evaluations: entries.length,
    statuses,
    stagesReached: stages,
    cacheHits: count((e) => e.cacheHit),
    cacheHitRate: count((e) => e.cacheHit) / entries.length,
    redundantFraction: 1 - live / statements,
    baselineScores: baseline?.scores,
    best: best.slice(0, 3).map((e) => ({ id: e.id, stage: e.stageReached, score: e.score, metrics: e.metrics.at(-1) })),
    lionLikeAmongTop20Behaviours: lionLike,
    lastMetaValidation: lastMeta.map((m) => ({ id: m.id, valLoss: m.metrics.valLoss, valAccuracy: m.metrics.valAccuracy })),
    firstTimeBeatingBaselineAtLastStage: entries.find((e) => e.status === 'ok' && e.stageReached === (baseline?.scores.length ?? 1) - 1 && e.score < (baseline?.scores.at(-1) ?? -Infinity))?.id,
  }, null, 1));
}
