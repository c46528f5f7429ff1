// Speedup of blocks over a reference block as compute to equal quality (Primer's measure): every
// block is trained at several compute budgets, each expressed in steps of the reference block and
// spent at equal training FLOPs; the reference's bits/char at `--at` steps is the target quality;
// a block's speedup is (the reference's compute) ÷ (the compute at which the block reaches that
// quality, interpolated linearly in log compute between the budgets that bracket it).
// Plain JavaScript over dist/; sizes from a stage of a block space.
//   node scripts/block-speedup.js --space search-spaces/primer.json --stage 1 --at 300 \
//     --budgets 75,150,300,600 dsl/blocks/transformer.dsl dsl/blocks/primer.dsl [--json out.json]
//   --set width=64,layers=2,context=64,batch=32 replaces sizes of the stage (a held-out size).
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const dist = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist');
const { loadSpace } = await import(join(dist, 'search', 'index.js'));
const { parseBlock, parseOptimizer } = await import(join(dist, 'dsl', 'index.js'));
const { evaluateBlocks } = await import(join(dist, 'tasks', 'index.js'));

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    space: { type: 'string', default: 'search-spaces/primer.json' },
    stage: { type: 'string', default: '1' },
    at: { type: 'string', default: '300' },
    budgets: { type: 'string', default: '75,150,300,600' },
    reference: { type: 'string' },
    json: { type: 'string' },
    set: { type: 'string' },
  },
});
const space = loadSpace(values.space);
const spaceStage = space.funnel[Number(values.stage)];
if (spaceStage === undefined) throw new Error(`${values.space} has no stage ${values.stage}`);
const stage = { ...spaceStage, ...Object.fromEntries((values.set ?? '').split(',').filter(Boolean).map((kv) => [kv.split('=')[0], Number(kv.split('=')[1])])) };
const at = Number(values.at);
const budgets = [...new Set([...values.budgets.split(',').map(Number), at])].sort((a, b) => a - b);
const referenceFile = values.reference ?? space.baseline.file;
const files = [referenceFile, ...positionals.filter((f) => f !== referenceFile)];
const width = stage.width ?? 64;
const blocks = files.map((file) => ({ checked: parseBlock(readFileSync(file, 'utf8'), file, { width }), label: file }));
const optimizer = parseOptimizer(space.block.optimizer.source, space.block.optimizer.file);
const overrides = (steps) => ({
  steps, batch: stage.batch, lr: stage.lr, seed: stage.seed,
  transformer: { width: stage.width, heads: stage.heads, layers: stage.layers, context: stage.context },
});

const started = performance.now();
/** bitsPerChar[block][budget index], steps trained, FLOPs per token. */
const curves = blocks.map(() => ({ bits: [], steps: [], flopsPerToken: NaN, seconds: 0 }));
for (const budget of budgets) {
  const report = await evaluateBlocks({ blocks, optimizer, overrides: overrides(budget), backend: 'cpu', equalComputeTo: blocks[0].checked });
  report.results.forEach((r, i) => {
    if (r.status === 'invalid') throw new Error(`${files[i]}: ${r.reason}`);
    curves[i].bits.push(r.bitsPerChar);
    curves[i].steps.push(r.steps);
    curves[i].flopsPerToken = r.flopsPerToken;
    curves[i].seconds += r.seconds;
  });
  process.stderr.write(`budget ${budget}: ${report.results.map((r, i) => `${files[i]} ${r.bitsPerChar.toFixed(4)}`).join(', ')}\n`);
}

const target = curves[0].bits[budgets.indexOf(at)];
/** The budget (in reference steps) at which a curve reaches `target`, or a bound when it does not within the budgets. */
function computeFor(bits) {
  if (bits[0] <= target) return { bound: 'below', value: budgets[0] };
  for (let i = 1; i < budgets.length; i++) {
    if (bits[i] <= target) {
      const [x0, x1] = [Math.log(budgets[i - 1]), Math.log(budgets[i])];
      const t = (bits[i - 1] - target) / (bits[i - 1] - bits[i]);
      return { value: Math.exp(x0 + t * (x1 - x0)) };
    }
  }
  return { bound: 'above', value: budgets.at(-1) };
}

const rows = files.map((file, i) => {
  const c = computeFor(curves[i].bits);
  const speedup = at / c.value;
  return {
    block: file, flopsPerToken: curves[i].flopsPerToken, bitsPerChar: Object.fromEntries(budgets.map((b, j) => [b, curves[i].bits[j]])),
    steps: Object.fromEntries(budgets.map((b, j) => [b, curves[i].steps[j]])),
    computeToTarget: c.value, speedup, ...(c.bound === undefined ? {} : { bound: c.bound === 'below' ? 'at least' : 'at most' }), seconds: curves[i].seconds,
  };
});
const header = `| block | FLOPs/token | ${budgets.map((b) => `bits/char at ${b}`).join(' | ')} | speedup |`;
const lines = [
  `Target: ${referenceFile} at ${at} steps, ${target.toFixed(4)} bits/char; budgets in steps of the reference, spent at equal FLOPs;`,
  `${values.space} stage ${values.stage}${values.set ? ` with ${values.set}` : ''}: sizes (width ${stage.width}, ${stage.layers} layers, context ${stage.context}, batch ${stage.batch}, lr ${stage.lr}); ${((performance.now() - started) / 1000).toFixed(0)} s.`,
  '',
  header,
  `|${'---|'.repeat(budgets.length + 3)}`,
  ...rows.map((r) => `| ${r.block} | ${r.flopsPerToken.toLocaleString('en-US')} | ${budgets.map((b) => r.bitsPerChar[b].toFixed(4)).join(' | ')} | ${r.bound ? `${r.bound} ` : ''}${r.speedup.toFixed(2)}× |`),
];
console.log(lines.join('\n'));
if (values.json) writeFileSync(values.json, JSON.stringify({ space: values.space, stage: Number(values.stage), at, budgets, target, rows }, null, 2) + '\n');
