// A block run in numbers: the best score over time (bits/char, with the evaluation and minute it
// was reached), and over the distinct trained blocks, how many keep attention, how many the Primer
// tests call squared ReLU, DConv after q/k/v (width 3 or other) or Primer-like, and the FLOPs of
// the blocks that reached the last stage against the baseline's. Plain JavaScript over dist/.
//   node scripts/summarize-block-run.js runs/NAME
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const dist = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist');
const { readJournal } = await import(join(dist, 'search', 'index.js'));
const { classifyBlock, parseBlock } = await import(join(dist, 'dsl', 'index.js'));

const dir = process.argv[2];
if (dir === undefined) throw new Error('usage: node scripts/summarize-block-run.js runs/NAME');
const entries = readJournal(dir).entries;
const start = Date.parse(entries[0].time) - (entries[0].timings?.batchSeconds ?? 0) * 1000;
const bits = (nats) => nats / Math.LN2;
const last = Math.max(...entries.filter((e) => e.status === 'ok').map((e) => e.stageReached));

const improvements = [];
let best;
for (const e of entries) {
  if (e.status !== 'ok' || e.stageReached !== last) continue;
  if (best === undefined || e.score < best.score) {
    best = e;
    const m = e.metrics[last];
    improvements.push({ id: e.id, evaluation: e.id + 1, minute: Number(((Date.parse(e.time) - start) / 60000).toFixed(1)), bitsPerChar: Number(bits(e.score).toFixed(4)), steps: m.steps, flopsPerToken: m.flopsPerToken, mutation: e.mutation.detail });
  }
}

const seen = new Set();
const counts = { distinctTrained: 0, withAttention: 0, squaredRelu: 0, dconv3AfterQkv: 0, otherDconvAfterQkv: 0, primerLike: 0, partial: 0 };
for (const e of entries) {
  if (e.cacheHit || e.status === 'invalid' || seen.has(e.fingerprint)) continue;
  seen.add(e.fingerprint);
  counts.distinctTrained++;
  const c = classifyBlock(parseBlock(e.program, `candidate-${e.id}.dsl`));
  if (c.attention.length > 0) counts.withAttention++;
  if (c.squaredRelu) counts.squaredRelu++;
  if (c.dconv3) counts.dconv3AfterQkv++;
  if (c.dconvOther) counts.otherDconvAfterQkv++;
  if (c.verdict === 'primer-like') counts.primerLike++;
  if (c.verdict === 'partial') counts.partial++;
}
console.log(JSON.stringify({ run: dir, evaluations: entries.length, improvements, counts }, null, 2));
