// Benchmark: one optimizer step of AdamW and Lion on 1M and 16M parameters, webgpu and cpu; writes bench/results.md.
//
// Plain JavaScript over the built package (dist/): `npm run bench` builds first, then runs this file.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  cpuCopySeconds, cpuStepSeconds, gpuAwaitedStepSeconds, gpuCopySeconds, gpuCpuLoad, gpuStepSeconds, gpuTensors, interpreterStepSeconds, median,
} from './measure.js';
import { analysisNotes, resultsMarkdown } from './report.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
if (!existsSync(join(dist, 'compile', 'index.js'))) {
  console.error('bench: dist/ is missing; run `npm run bench`, which builds first, or `npm run build`');
  process.exit(1);
}
const { parseOptimizer, runStep } = await import(join(dist, 'dsl', 'index.js'));
const { compileOptimizer } = await import(join(dist, 'compile', 'index.js'));
const { acquireWebGpu, releaseGpu } = await import(join(dist, 'gpu', 'index.js'));

const SIZES = [1 << 20, 1 << 24];
const PROGRAMS = [
  { name: 'AdamW', file: 'dsl/optimizers/adamw.dsl' },
  { name: 'Lion', file: 'dsl/optimizers/lion.dsl' },
];
const started = performance.now();
const load = (file) => parseOptimizer(readFileSync(join(root, file), 'utf8'), file);

/** Bytes a step must move at least: every input array read once, every output array written once. */
function floorBytes(checked, n, output) {
  const reads = 2 + checked.signature.slots.length; // w, g, slots
  const writes = checked.signature.slots.length + (output === 'both' ? 2 : 1); // slots, and w - update or update
  return (reads + writes) * 4 * n;
}

async function compiled(checked, options) {
  const result = await compileOptimizer(checked, options);
  if (!result.ok) throw new Error(result.reason);
  return result.optimizer;
}

function machine() {
  const cpuInfo = existsSync('/proc/cpuinfo') ? readFileSync('/proc/cpuinfo', 'utf8') : '';
  const model = /model name\s*:\s*(.+)/.exec(cpuInfo)?.[1]?.trim() ?? cpus()[0]?.model ?? 'unknown';
  return { cpu: model, cores: cpus().length, node: process.version };
}

const gpu = await acquireWebGpu();
const { device } = gpu;
console.log(`adapter: ${gpu.adapterInfo.device} (${gpu.adapterInfo.description}), ${gpu.dawnBackend}, ${gpu.featureLevel}`);

const copy = {
  cpu: cpuCopySeconds(SIZES[1]),
  gpu: await gpuCopySeconds(device, SIZES[1]),
  bytes: 2 * 4 * SIZES[1],
};
console.log(`copy of 16M floats: cpu ${(copy.cpu * 1e3).toFixed(1)} ms, gpu ${(copy.gpu * 1e3).toFixed(1)} ms`);

const rows = [];
/** Seconds per runStep on 1M elements by program name: the cpu backend's speed before its fast path. */
const interpreter = {};
for (const program of PROGRAMS) {
  const checked = load(program.file);
  for (const n of SIZES) {
    const bytes = floorBytes(checked, n, 'weight');
    const optimizer = await compiled(checked, { backend: 'webgpu', device, output: 'weight', label: program.name });
    const { tensors, destroy } = gpuTensors(device, checked, n);
    const seconds = await gpuStepSeconds(device, optimizer, tensors, { warmup: 5, reps: 7, batch: n > SIZES[0] ? 4 : 20 });
    destroy();
    optimizer.destroy();
    rows.push({ program: program.name, n, backend: 'webgpu', seconds, bytes, copySeconds: copy.gpu });
    console.log(`${program.name} n=${n} webgpu ${(seconds * 1e3).toFixed(2)} ms`);

    const cpuOptimizer = await compiled(checked, { backend: 'cpu', output: 'weight' });
    const cpuSeconds = await cpuStepSeconds(cpuOptimizer, checked, n, { reps: n > SIZES[0] ? 5 : 15 });
    rows.push({ program: program.name, n, backend: 'cpu', seconds: cpuSeconds, bytes, copySeconds: copy.cpu });
    console.log(`${program.name} n=${n} cpu ${(cpuSeconds * 1e3).toFixed(2)} ms`);
    // The reference interpreter right after the row, so that both see the same machine load.
    if (n === SIZES[0]) interpreter[program.name] = interpreterStepSeconds(runStep, checked, n);
  }
}

// Experiments that locate the limit (reported in the Notes). Variants of one comparison run in
// interleaved rounds on the same buffers, so that drift in the machine's speed hits all alike.
const lion = load('dsl/optimizers/lion.dsl');
const adamw = load('dsl/optimizers/adamw.dsl');
// Lion's five arrays (read w, g, m; write w, m) with one add and one multiply instead of Lion's math.
const lionTraffic = parseOptimizer('def traffic(w, g, m, lr):\n    m = m + g\n    update = w * lr\n    return update, m\n', '<traffic>');
const big = SIZES[1];

async function compare(checked, n, variants, rounds = 5) {
  const optimizers = [];
  for (const variant of Object.values(variants)) {
    optimizers.push(await compiled(variant.checked ?? checked, { backend: 'webgpu', device, output: 'weight', ...variant.options }));
  }
  const { tensors, destroy } = gpuTensors(device, checked, n);
  const times = optimizers.map(() => []);
  for (let round = 0; round < rounds; round++) {
    for (const [k, optimizer] of optimizers.entries()) {
      times[k].push(await gpuStepSeconds(device, optimizer, tensors, { warmup: 2, reps: 1, batch: 4 }));
    }
  }
  destroy();
  for (const optimizer of optimizers) optimizer.destroy();
  return Object.fromEntries(Object.keys(variants).map((name, k) => [name, median(times[k])]));
}

/** Loops per chunk of the cpu backend's step in `weight` mode: one per node, one per copied output, w -= update. */
async function cpuLoops(checked) {
  const { program } = await compiled(checked, { backend: 'cpu', output: 'weight' });
  return [...program.passes, program.final].reduce((sum, pass) => sum + pass.instructions.length + pass.reductions.length, 0)
    + program.outputs.copies.length + 1;
}

async function single(checked, n, options, measure, timing) {
  const optimizer = await compiled(checked, { backend: 'webgpu', device, output: 'weight', ...options });
  const { tensors, destroy } = gpuTensors(device, checked, n);
  const result = await measure(device, optimizer, tensors, timing);
  destroy();
  optimizer.destroy();
  return result;
}

const experiments = {
  lion: await compare(lion, big, {
    default: {},
    traffic: { checked: lionTraffic },
    noBarriers: { options: { barriers: false } },
    scalar: { options: { vectorize: false } },
    workgroup64: { options: { workgroupSize: 64 } },
  }),
  adamw: await compare(adamw, big, { default: {}, noBarriers: { options: { barriers: false } }, scalar: { options: { vectorize: false } } }),
  lionCpuLoad: await single(lion, big, {}, gpuCpuLoad, {}),
  tinySubmitted: await single(lion, 1024, {}, gpuStepSeconds, { batch: 200, reps: 5 }),
  tinyAwaited: await single(lion, 1024, {}, gpuAwaitedStepSeconds, { reps: 100 }),
  awaited1M: await single(lion, SIZES[0], {}, gpuAwaitedStepSeconds, { reps: 20 }),
  lionBytes: floorBytes(lion, big, 'weight'),
  interpreter: { adamw: interpreter.AdamW, lion: interpreter.Lion },
  cpuLoops: { adamw: await cpuLoops(adamw), lion: await cpuLoops(lion) },
};
gpu.health.throwIfFailed();
await releaseGpu();

const peerFile = '/work/shared/peers/results/lion_microbench.json';
const peer = existsSync(peerFile) ? JSON.parse(readFileSync(peerFile, 'utf8')) : undefined;
const report = {
  machine: machine(),
  adapter: { ...gpu.adapterInfo, dawnBackend: gpu.dawnBackend, featureLevel: gpu.featureLevel },
  copy,
  rows,
  experiments,
  peer,
  peakRssBytes: process.resourceUsage().maxRSS * 1024,
  wallSeconds: (performance.now() - started) / 1e3,
  date: new Date().toISOString().slice(0, 10),
};
const markdown = resultsMarkdown(report, analysisNotes(report));
writeFileSync(join(root, 'bench', 'results.md'), markdown);
console.log(markdown);
