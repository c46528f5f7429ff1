// Micro-benchmark: one forward + backward step of K replicas of an MLP classifier (default 32 → 64 → 10, batch 64) on each tensor backend.
//
// Plain JavaScript over the built package: run `npx tsc -p tsconfig.build.json` first, then
//   node bench/tensor.js [--backends cpu,webgpu] [--replicas 1,8,32,128] [--widths 32,64,10] [--rows 64] [--activation relu]
// A step is tape.reset + resetArena, the forward pass, the cross-entropy loss and backward into the
// flat gradient buffer [K][P]; no optimizer update. Webgpu steps are recorded and submitted back to
// back (one submission per step), and each timed batch ends waiting for the device. Prints the median
// ms per step and model-steps/s (K / seconds per step).
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
if (!existsSync(join(dist, 'tensor', 'index.js'))) {
  console.error('bench/tensor.js: dist/ is missing; run `npx tsc -p tsconfig.build.json` first');
  process.exit(1);
}
const { Tape, createTensorBackend, mlpForward, mlpLayout, mlpParams } = await import(join(dist, 'tensor', 'index.js'));

function option(name, fallback) {
  const at = process.argv.indexOf(`--${name}`);
  return at < 0 ? fallback : process.argv[at + 1];
}
const backends = option('backends', 'cpu,webgpu').split(',');
const replicaCounts = option('replicas', '1,8,32,128').split(',').map(Number);
const widths = option('widths', '32,64,10').split(',').map(Number);
const rows = Number(option('rows', '64'));
const activation = option('activation', 'relu');

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Uniform values in [-scale, scale) from a fixed linear congruential stream. */
function uniforms(n, seed, scale) {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = ((s + 0.5) / 4294967296 * 2 - 1) * scale;
  }
  return out;
}

/** Sets up K replicas on `backend`; returns step() and wait(). */
function model(backend, K) {
  const layout = mlpLayout(widths);
  const classes = widths[widths.length - 1];
  const x = backend.allocate(rows * widths[0], uniforms(rows * widths[0], 1, 1));
  const labels = backend.allocate(rows, Float32Array.from({ length: rows }, (_, i) => (i * 7) % classes));
  const params = backend.allocate(K * layout.size, uniforms(K * layout.size, 2, 1 / Math.sqrt(widths[0])));
  const grads = backend.allocate(K * layout.size);
  const tape = new Tape(backend);
  const xView = { storage: x, offset: 0, batch: 1, batchStride: 0, rows, cols: widths[0] };
  const yView = { storage: labels, offset: 0, batch: 1, batchStride: 0, rows, cols: 1 };
  let loss;
  return {
    step() {
      tape.reset();
      backend.resetArena();
      const layers = mlpParams(tape, layout, params, grads, { replicas: K });
      loss = tape.softmaxCrossEntropy(mlpForward(tape, layers, tape.constant(xView), activation), yView);
      tape.backward(loss);
      backend.flush();
    },
    /** Waits for the device to finish everything submitted (a small read). */
    wait: () => backend.read(loss.value),
    free: () => [x, labels, params, grads].forEach((s) => backend.free(s)),
  };
}

async function secondsPerStep(backend, K) {
  const m = model(backend, K);
  const budget = backend.name === 'cpu' ? 0.25 : 0.4; // seconds per timed batch
  for (let i = 0; i < 5; i++) m.step();
  await m.wait();
  // Steps per batch so one batch takes about `budget` seconds.
  const t0 = performance.now();
  m.step();
  await m.wait();
  const once = (performance.now() - t0) / 1e3;
  const steps = Math.max(3, Math.min(2000, Math.round(budget / once)));
  const times = [];
  for (let rep = 0; rep < 5; rep++) {
    const start = performance.now();
    for (let i = 0; i < steps; i++) m.step();
    await m.wait();
    times.push((performance.now() - start) / 1e3 / steps);
  }
  m.free();
  return median(times);
}

let gpu;
let releaseGpu = async () => undefined;
console.log(`MLP ${widths.join(' → ')}, batch ${rows}, ${activation}; forward + backward per step`);
console.log('backend  replicas  ms/step  model-steps/s');
for (const name of backends) {
  let backend;
  if (name === 'webgpu') {
    const gpuModule = await import(join(dist, 'gpu', 'index.js'));
    gpu = await gpuModule.acquireWebGpu();
    releaseGpu = gpuModule.releaseGpu;
    backend = await createTensorBackend('webgpu', gpu.device);
  } else {
    backend = await createTensorBackend('cpu');
  }
  for (const K of replicaCounts) {
    const seconds = await secondsPerStep(backend, K);
    console.log(`${name.padEnd(8)} ${String(K).padStart(8)} ${(seconds * 1e3).toFixed(3).padStart(8)} ${Math.round(K / seconds).toLocaleString('en-US').padStart(14)}`);
  }
  backend.destroy();
}
await releaseGpu();
