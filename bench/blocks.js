// Benchmark: the hand-written blocks (dsl/blocks/transformer.dsl, primer.dsl) trained through the block
// compiler on the charlm task, beside the PyTorch twin's committed numbers for the same switches
// (--act relu, and --act sqrelu --dconv); writes bench/blocks.md.
//
// Both AdamW learning rates of the twin's fixtures (0.003, 0.001) train as K = 2 replicas of one run,
// 300 steps, on the cpu backend. Plain JavaScript over dist/ (`npm run build` first).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
if (!existsSync(join(dist, 'compile', 'block-lower.js'))) {
  console.error('bench: dist/ is missing or old; run `npm run build`');
  process.exit(1);
}
const STEPS = Number(process.env['BLOCKS_STEPS'] ?? 300);
const BLOCKS = [
  { file: 'dsl/blocks/transformer.dsl', fixture: 'twin-relu.json', twin: '--act relu' },
  { file: 'dsl/blocks/primer.dsl', fixture: 'twin-sqrelu-dconv.json', twin: '--act sqrelu --dconv' },
];
const LRS = [
  [0.003, join(root, 'tests', 'fixtures', 'charlm', 'adamw-lr3e-3.dsl')],
  [0.001, join(root, 'dsl', 'optimizers', 'adamw.dsl')],
];

const { parseBlock, parseOptimizer, blockCost } = await import(join(dist, 'dsl', 'index.js'));
const { compileOptimizer, lowerBlock } = await import(join(dist, 'compile', 'index.js'));
const { CpuTensorBackend } = await import(join(dist, 'tensor', 'index.js'));
const { cpuUpdates, mobyDickCorpus, resolveSettings, slotCount, trainCharLm } = await import(join(dist, 'tasks', 'index.js'));

const programs = LRS.map(([, file]) => parseOptimizer(readFileSync(file, 'utf8'), file));
const optimizers = await Promise.all(programs.map(async (p) => {
  const r = await compileOptimizer(p, { backend: 'cpu', output: 'weight' });
  if (!r.ok) throw new Error(r.reason);
  return r.optimizer;
}));
const settings = resolveSettings('charlm', { steps: STEPS });
const rows = [];
for (const b of BLOCKS) {
  const checked = parseBlock(readFileSync(join(root, b.file), 'utf8'), b.file);
  const twin = JSON.parse(readFileSync(join(root, 'tests', 'fixtures', 'charlm', b.fixture), 'utf8')).rows;
  const backend = new CpuTensorBackend();
  const started = performance.now();
  const metrics = await trainCharLm({
    backend, corpus: mobyDickCorpus(), settings, replicas: LRS.length, slots: slotCount(programs), firstLoss: true,
    block: lowerBlock(checked, b.file), updates: (s, l) => cpuUpdates(optimizers, s, l),
  });
  const seconds = (performance.now() - started) / 1000;
  backend.destroy();
  const cost = blockCost(checked, settings.transformer.width, settings.transformer.context);
  LRS.forEach(([lr], k) => {
    const t = twin.find((r) => r.opt === 'adamw' && r.lr === lr && r.steps === STEPS);
    const row = {
      block: b.file, twin: b.twin, lr, firstLoss: metrics[k].firstLoss, bitsPerChar: metrics[k].bitsPerChar,
      twinFirstLoss: t?.first_loss, twinBitsPerChar: t?.val_bpc, parameters: cost.parameters, flopsPerToken: cost.flopsPerToken, seconds,
    };
    rows.push(row);
    console.log(JSON.stringify(row));
  });
}

const rel = (a, b) => (b === undefined ? 'n/a' : `${((100 * (a - b)) / b).toFixed(2)}%`);
const lines = [
  '# Hand-written blocks through the block compiler (charlm)',
  '',
  `\`node bench/blocks.js\` on ${cpus()[0]?.model ?? 'an unknown cpu'} (${cpus().length} cores, shared), cpu backend, ${STEPS} steps,`,
  'AdamW at both learning rates as K = 2 replicas of one run; twin: tests/fixtures/charlm (the PyTorch twin, same switches).',
  '',
  '| block | twin switches | LR | step-1 loss | twin | val bits/char | twin | difference | block parameters | forward FLOPs/token/block | wall s (both LRs) |',
  '|---|---|---|---|---|---|---|---|---|---|---|',
  ...rows.map((r) => `| ${r.block} | ${r.twin} | ${r.lr} | ${r.firstLoss.toFixed(5)} | ${r.twinFirstLoss?.toFixed(5) ?? 'n/a'} | ${r.bitsPerChar.toFixed(4)} | ${r.twinBitsPerChar?.toFixed(4) ?? 'n/a'} | ${rel(r.bitsPerChar, r.twinBitsPerChar)} | ${r.parameters.toLocaleString('en-US')} | ${r.flopsPerToken.toLocaleString('en-US')} | ${r.seconds.toFixed(0)} |`),
  '',
];
writeFileSync(join(root, 'bench', STEPS === 300 ? 'blocks.md' : `blocks-${STEPS}.md`), lines.join('\n'));
