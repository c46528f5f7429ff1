// Benchmark: K candidate optimizers trained at once (model-steps/s, candidate evaluations per minute) on the
// proxy tasks, on cpu and webgpu, beside the PyTorch baseline of ../shared/peers when PyTorch is installed.
// Writes bench/training.md. Plain JavaScript over dist/: `npm run bench` builds first.
//   node bench/training.js [--replicas 1,8,32,128] [--backends cpu,webgpu] [--tasks mlp-teacher,mlp-mnist]
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
const { parseOptimizer } = await import(join(dist, 'dsl', 'index.js'));
const { evaluatePrograms } = await import(join(dist, 'tasks', 'index.js'));
const { acquireGpu, releaseGpu } = await import(join(dist, 'gpu', 'index.js'));

const option = (name, fallback) => {
  const at = process.argv.indexOf(`--${name}`);
  return at < 0 ? fallback : process.argv[at + 1];
};
const REPLICAS = option('replicas', '1,8,32,128').split(',').map(Number);
const BACKENDS = option('backends', 'cpu,webgpu').split(',');
// As the baselines: mlp-teacher 500 steps of batch 64. MNIST runs 200 steps to keep the benchmark short.
const TASKS = option('tasks', 'mlp-teacher,mlp-mnist').split(',').map((task) => ({ task, steps: task === 'mlp-teacher' ? 500 : 200 }));

/** K Lion variants, as the baselines' 32 candidates: lr multiplier × beta1 × beta2, weight decay 1e-3. */
function lionVariants(k) {
  const grid = [];
  for (const lr of [3e-5, 1e-4, 3e-4, 1e-3]) for (const b1 of [0.9, 0.95]) for (const b2 of [0.95, 0.98, 0.99, 0.999]) grid.push({ lr, b1, b2 });
  return Array.from({ length: k }, (_, i) => {
    const { lr, b1, b2 } = grid[i % grid.length];
    const text = `def train(w, g, m, lr):\n    u = sign(interp(g, m, ${b1}))\n    m = interp(g, m, ${b2})\n    u = u + w * 0.001\n    lr = lr * ${lr}\n    return u * lr, m\n`;
    return parseOptimizer(text, `lion-${i}.dsl`);
  });
}

async function measure(task, steps, backend, k) {
  const programs = lionVariants(k);
  const report = await evaluatePrograms({ task, programs, backend, overrides: { steps } });
  const accuracies = report.results.map((r) => (r.status === 'invalid' ? NaN : r.valAccuracy));
  return {
    task, steps, backend: report.backend, device: report.device, replicas: k, seconds: report.seconds,
    modelStepsPerSecond: report.modelStepsPerSecond, evaluationsPerMinute: (60 * k) / report.seconds,
    bestAccuracy: Math.max(...accuracies), peakRssMiB: process.resourceUsage().maxRSS / 1024,
  };
}

function torchBaseline() {
  const script = join(root, '..', 'shared', 'peers', 'torch_proxy.py');
  const python = '/usr/bin/python3';
  if (!existsSync(script) || spawnSync(python, ['-c', 'import torch'], { stdio: 'ignore' }).status !== 0) return undefined;
  const out = join(mkdtempSync(join(tmpdir(), 'symevo-torch-')), 'torch.json');
  execFileSync(python, [script, '--threads', String(Math.min(2, cpus().length)), '--reps', '3', '--out', out], { stdio: 'inherit' });
  return JSON.parse(readFileSync(out, 'utf8'));
}

const rows = [];
for (const { task, steps } of TASKS) {
  for (const backend of BACKENDS) {
    if (backend === 'webgpu' && (await acquireGpu({ backend: 'auto' })).kind !== 'webgpu') continue;
    for (const k of REPLICAS) {
      await measure(task, Math.min(steps, 20), backend, k); // warm-up: data, pipelines
      const row = await measure(task, steps, backend, k);
      rows.push(row);
      console.log(`${task} ${backend} K=${k}: ${row.seconds.toFixed(2)} s, ${row.modelStepsPerSecond.toFixed(0)} model-steps/s, ${row.evaluationsPerMinute.toFixed(1)} evaluations/min`);
    }
  }
}
const torch = torchBaseline();
await releaseGpu();
writeFileSync(join(root, 'bench', 'training.md'), report(rows, torch));
console.log('wrote bench/training.md');

function torchRate(torch, k) {
  if (torch === undefined) return undefined;
  const threads = Math.max(...torch.rows.map((r) => r.threads));
  const pick = (task) => torch.rows.find((r) => r.threads === threads && r.task === task);
  const r = k === 1 ? pick('1 run, lion(explicit)') : pick('32 candidates, bmm-vec');
  return r && { label: `${r.task}, ${threads} thr`, rate: r.steps_per_s };
}

function report(rows, torch) {
  const cpu = /model name\s*:\s*(.+)/.exec(existsSync('/proc/cpuinfo') ? readFileSync('/proc/cpuinfo', 'utf8') : '')?.[1] ?? cpus()[0]?.model;
  const lines = [
    '# Training benchmark: K candidate optimizers at once',
    '',
    `Machine: ${cpu}, ${cpus().length} cores, Node ${process.version}. Devices: ${[...new Set(rows.map((r) => `${r.backend}: ${r.device}`))].join('; ')}.`,
    '',
    'Each row trains K replicas of the task\'s MLP (same initialisation, same batches), replica k updated by its own',
    'candidate program (K Lion variants over lr × β1 × β2, as the baselines\' 32 candidates), then measures every',
    'replica on the validation split. Seconds are wall time of the whole evaluation: compiling the candidates,',
    'training and measuring. Model-steps/s = K × steps / seconds; evaluations/min = 60 × K / seconds.',
    `Reproduce: \`npm run bench\` (or \`node bench/training.js\` after \`npm run build\`).`,
    '',
    '| task | steps | backend | K | seconds | model-steps/s | evaluations/min | best val acc | vs PyTorch | process peak RSS MiB so far |',
    '|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const r of rows) {
    const t = r.task === 'mlp-teacher' ? torchRate(torch, r.replicas) : undefined;
    const ratio = t === undefined ? '–' : `${(r.modelStepsPerSecond / t.rate).toFixed(2)}× (${t.label}: ${t.rate.toFixed(0)})`;
    lines.push(`| ${r.task} | ${r.steps} | ${r.backend} | ${r.replicas} | ${r.seconds.toFixed(2)} | ${r.modelStepsPerSecond.toFixed(0)} | ${r.evaluationsPerMinute.toFixed(1)} | ${r.bestAccuracy.toFixed(4)} | ${ratio} | ${r.peakRssMiB.toFixed(0)} |`);
  }
  lines.push('', torch === undefined
    ? 'PyTorch was not installed (`apt-get install python3-torch libopenblas0-openmp`), so no ratio was measured in this run.'
    : `PyTorch ${torch.torch ?? ''}: ../shared/peers/torch_proxy.py run in the same benchmark (median of 3). K = 1 compares with one explicit Lion run; K > 1 with the 32-candidate bmm-vec mode (one vectorised update for candidates sharing one program shape). Every PyTorch row of that run:`);
  if (torch !== undefined) {
    lines.push('', '| PyTorch mode | threads | median s | steps/s or model-steps/s |', '|---|---|---|---|');
    for (const r of torch.rows) lines.push(`| ${r.task} | ${r.threads} | ${r.median_s.toFixed(3)} | ${r.steps_per_s.toFixed(0)} |`);
    lines.push('', 'bmm-loop is the PyTorch mode that does what a search needs (structurally different programs, each applied to its own replica); bmm-vec and vmap need every candidate to share one program shape.');
  }
  return lines.join('\n') + '\n';
}
