// Benchmark: training the charlm Transformer, K replicas at once, on cpu and webgpu, beside the PyTorch
// twin's bmm mode at the same K; writes bench/charlm.md.
//
// Each configuration runs in its own child process (`node bench/charlm.js --child ...`), so that its
// peak RSS is its own. Training steps only: model-steps/s = K · (steps − 1) / (time from the end of
// step 1 to the end of the last step, which reads the divergence flags back, so the device has
// finished). Per core: the cpu backend runs on one thread; the twin runs with --threads 1; llvmpipe
// runs with LP_NUM_THREADS=1 (one rasteriser thread). Plain JavaScript over dist/ (`npm run bench` builds).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
if (!existsSync(join(dist, 'tasks', 'index.js'))) {
  console.error('bench: dist/ is missing; run `npm run bench`, which builds first, or `npm run build`');
  process.exit(1);
}

const SIZES = [
  { name: 'default (width 64, context 64)', width: 64, context: 64, steps: 4 },
  { name: 'small (--width 32 --context 32)', width: 32, context: 32, steps: 8 },
];
const REPLICAS = [1, 4, 16];
const BACKENDS = ['cpu', 'webgpu'];
const TWIN = join(root, '..', 'shared', 'peers', 'charlm_task.py');
const PYTHON = '/usr/bin/python3';

const args = process.argv.slice(2);
if (args[0] === '--child') await child(JSON.parse(args[1]));
else await parent();

/** One configuration: prints {modelStepsPerSecond, maxRssMiB, dispatchesPerStep, submissionsPerStep, device}. */
async function child({ backend: name, replicas: K, width, context, steps }) {
  const { parseOptimizer } = await import(join(dist, 'dsl', 'index.js'));
  const { compileOptimizer } = await import(join(dist, 'compile', 'index.js'));
  const { acquireGpu, releaseGpu } = await import(join(dist, 'gpu', 'index.js'));
  const { createTensorBackend } = await import(join(dist, 'tensor', 'index.js'));
  const { cpuUpdates, mobyDickCorpus, resolveSettings, slotCount, trainCharLm, webGpuUpdates } = await import(join(dist, 'tasks', 'index.js'));
  const adamw = parseOptimizer(readFileSync(join(root, 'dsl', 'optimizers', 'adamw.dsl'), 'utf8'), 'adamw.dsl');
  const programs = Array.from({ length: K }, () => adamw);
  const settings = resolveSettings('charlm', { steps, transformer: { width, context } });
  let device;
  let description = 'cpu backend, one thread';
  if (name === 'webgpu') {
    const gpu = await acquireGpu({ backend: 'webgpu' });
    if (gpu.kind !== 'webgpu') throw new Error(`no webgpu device: ${gpu.reason}`);
    device = gpu.device;
    description = gpu.adapterInfo.description;
  }
  const counts = countGpuWork(device);
  const optimizers = await Promise.all(programs.map(async (p) => {
    const r = await compileOptimizer(p, device === undefined ? { backend: 'cpu', output: 'weight' } : { backend: 'webgpu', device, output: 'weight' });
    if (!r.ok) throw new Error(r.reason);
    return r.optimizer;
  }));
  const backend = await createTensorBackend(name, device);
  const marks = [];
  await trainCharLm({
    backend, corpus: mobyDickCorpus(), settings, replicas: K, slots: slotCount(programs), measure: false,
    updates: (s, l) => (device === undefined ? cpuUpdates(optimizers, s, l) : webGpuUpdates(device, optimizers, s, l)),
    onStep: (step) => marks.push({ step, t: performance.now(), ...counts() }),
  });
  backend.destroy();
  if (device !== undefined) releaseGpu();
  const first = marks[0];
  const last = marks[marks.length - 1];
  const perStep = (key) => (last[key] - first[key]) / (last.step - first.step);
  process.stdout.write(`${JSON.stringify({
    modelStepsPerSecond: (K * (last.step - first.step)) / ((last.t - first.t) / 1000),
    maxRssMiB: process.resourceUsage().maxRSS / 1024,
    device: description,
    ...(device === undefined ? {} : { dispatchesPerStep: perStep('dispatches'), submissionsPerStep: perStep('submissions') }),
  })}\n`);
}

/** Counts compute dispatches and queue submissions on `device` (nothing on the cpu). */
function countGpuWork(device) {
  const n = { dispatches: 0, submissions: 0 };
  if (device !== undefined) {
    const encoder = device.createCommandEncoder();
    const pass = encoder.beginComputePass();
    const passProto = Object.getPrototypeOf(pass);
    pass.end();
    encoder.finish();
    for (const method of ['dispatchWorkgroups', 'dispatchWorkgroupsIndirect']) {
      const original = passProto[method];
      passProto[method] = function (...a) {
        n.dispatches += 1;
        return original.apply(this, a);
      };
    }
    const queueProto = Object.getPrototypeOf(device.queue);
    const submit = queueProto.submit;
    queueProto.submit = function (buffers) {
      n.submissions += 1;
      return submit.call(this, buffers);
    };
  }
  return () => ({ ...n });
}

function runChild(config) {
  const env = { ...process.env, LP_NUM_THREADS: '1' };
  const r = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--child', JSON.stringify(config)], { encoding: 'utf8', env, maxBuffer: 1 << 24 });
  const line = r.stdout.trim().split('\n').filter((l) => l.startsWith('{')).pop();
  if (r.status !== 0 || line === undefined) return { error: (r.stderr.trim().split('\n').pop() ?? `exit ${r.status}`).slice(0, 200) };
  return JSON.parse(line);
}

/** The twin in bmm mode at K replicas, one thread: its model-steps/s, or undefined without PyTorch. */
function runTwin({ replicas: K, width, context, steps }) {
  if (!existsSync(TWIN) || spawnSync(PYTHON, ['-c', 'import torch'], { stdio: 'ignore' }).status !== 0) return undefined;
  const dir = mkdtempSync(join(tmpdir(), 'charlm-bench-'));
  try {
    const out = join(dir, 'out.json');
    const lrs = Array.from({ length: K }, (_, k) => (0.001 * (1 + k / K)).toPrecision(4)).join(',');
    const text = join(root, 'node_modules', '@stdlib', 'datasets-moby-dick', 'data', 'data.txt');
    execFileSync(PYTHON, [TWIN, '--text', text, '--mode', 'bmm', '--opt', 'adamw', '--lrs', lrs, '--threads', '1',
      '--steps', String(steps), '--width', String(width), '--context', String(context), '--out', out], { stdio: ['ignore', 'ignore', 'inherit'] });
    const result = JSON.parse(readFileSync(out, 'utf8'));
    return { modelStepsPerSecond: result.rows[0].model_steps_per_s, torch: result.torch };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function parent() {
  const started = performance.now();
  const loadBefore = loadavg()[0];
  const rows = [];
  let torch;
  for (const size of SIZES) {
    for (const K of REPLICAS) {
      const twin = runTwin({ ...size, replicas: K });
      torch ??= twin?.torch;
      for (const backend of BACKENDS) {
        const r = runChild({ ...size, backend, replicas: K });
        rows.push({ size, K, backend, r, twin });
        console.log(JSON.stringify({ size: size.name, K, backend, ...r, twin: twin?.modelStepsPerSecond }));
      }
    }
  }
  const load = [loadBefore, loadavg()[0]];
  writeFileSync(join(root, 'bench', 'charlm.md'), report(rows, torch, (performance.now() - started) / 1000, load));
  console.log('wrote bench/charlm.md');
}

function report(rows, torch, seconds, load) {
  const fmt = (x, d = 2) => (x === undefined || !Number.isFinite(x) ? '–' : x.toFixed(d));
  const device = rows.find((r) => r.backend === 'webgpu' && r.r.device)?.r.device ?? 'unavailable';
  const lines = [
    '# charlm benchmark: K Transformer replicas at once against the PyTorch twin',
    '',
    `Machine: ${cpus()[0]?.model ?? 'unknown'}, ${cpus().length} cores, Node ${process.version}. webgpu: ${device}.`,
    '',
    'Each row trains K replicas of the charlm model (AdamW, same initial weights and batches, batch 32), on one',
    'thread: the cpu backend in one Node thread, llvmpipe with LP_NUM_THREADS=1, the twin (`../shared/peers/charlm_task.py',
    "--mode bmm --threads 1`, the same K as replicas of one batched model) in the same benchmark. Model-steps/s counts",
    'training steps only (no compilation, no validation): K × (steps − 1) over the time from the end of step 1 to the end',
    'of the last. Ratio = ours / twin. Peak RSS is the whole child process (Node, Dawn, data). Dispatches and submissions',
    'are per training step on webgpu (forward, backward, updates, and the loss check), counted at the WebGPU API.',
    `Reproduce: \`npm run bench\` (or \`node bench/charlm.js\` after \`npm run build\`). This run took ${seconds.toFixed(0)} s;`,
    `the 1-minute load average was ${load[0].toFixed(1)} at its start and ${load[1].toFixed(1)} at its end (${cpus().length} cores): other work shares the`,
    'cores, so compare a row with its twin, measured beside it, rather than with another run.',
    '',
    '| size | backend | K | steps | model-steps/s | twin model-steps/s | ratio | peak RSS MiB | dispatches/step | submissions/step |',
    '|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const { size, K, backend, r, twin } of rows) {
    const ours = r.modelStepsPerSecond;
    const ratio = twin && ours ? `${(ours / twin.modelStepsPerSecond).toFixed(2)}×` : '–';
    const cells = r.error
      ? [size.name, backend, K, size.steps, `failed: ${r.error}`, fmt(twin?.modelStepsPerSecond), '–', '–', '–', '–']
      : [size.name, backend, K, size.steps, fmt(ours), fmt(twin?.modelStepsPerSecond), ratio, fmt(r.maxRssMiB, 0), fmt(r.dispatchesPerStep, 0), fmt(r.submissionsPerStep, 1)];
    lines.push(`| ${cells.join(' | ')} |`);
  }
  lines.push('', torch ? `PyTorch ${torch}.` : 'PyTorch was not installed, so no ratio was measured in this run.', '');
  return `${lines.join('\n')}\n`;
}
