// Micro-benchmark: the sequence-model tensor ops (attention, layerNorm, embedding, dconv; forward + backward) at the charlm default size, on each tensor backend; writes bench/ops.md.
//
// Plain JavaScript over the built package: run `npx tsc -p tsconfig.build.json` first, then
//   node bench/ops.js [--backends cpu,webgpu] [--replicas 16] [--batch 32] [--context 64] [--width 64] [--heads 4] [--out bench/ops.md]
// Each op is called forward then backward on K replicas of [B·T, D] activations (random values);
// a batch of calls ends by waiting for the device. Printed per forward + backward: the median wall
// ms, and the median cpu ms of the whole process (every thread, so llvmpipe's too), which shows the
// work done even when other processes share the cores. A matmul [B·T, D]·[D, D] with both
// gradients gives the scale.
import { existsSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
if (!existsSync(join(dist, 'tensor', 'index.js'))) {
  console.error('bench/ops.js: dist/ is missing; run `npx tsc -p tsconfig.build.json` first');
  process.exit(1);
}
const { createTensorBackend } = await import(join(dist, 'tensor', 'index.js'));

function option(name, fallback) {
  const at = process.argv.indexOf(`--${name}`);
  return at < 0 ? fallback : process.argv[at + 1];
}
const backends = option('backends', 'cpu,webgpu').split(',');
const K = Number(option('replicas', '16'));
const B = Number(option('batch', '32'));
const T = Number(option('context', '64'));
const D = Number(option('width', '64'));
const H = Number(option('heads', '4'));
const V = 83;
const N = B * T;
const outFile = option('out', join(root, 'bench', 'ops.md'));

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function uniforms(n, seed, scale = 1) {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = ((s + 0.5) / 4294967296 * 2 - 1) * scale;
  }
  return out;
}

/** The ops to time, each a closure over tensors on `backend` doing forward then backward. */
function cases(backend) {
  const tensor = (batch, rows, cols, data) => ({ storage: backend.allocate(batch * rows * cols, data), offset: 0, batch, batchStride: rows * cols, rows, cols });
  const x = (seed) => tensor(K, N, D, uniforms(K * N * D, seed));
  const [q, k, v, dy] = [x(1), x(2), x(3), x(4)];
  const ids = tensor(1, N, 1, Float32Array.from({ length: N }, (_, n) => (n * 31) % V));
  const table = tensor(K, V, D, uniforms(K * V * D, 5));
  const gain = tensor(K, 1, D, uniforms(K * D, 6));
  const bias = tensor(K, 1, D, uniforms(K * D, 7));
  const taps = tensor(K, 3, D, uniforms(K * 3 * D, 8));
  const w = tensor(K, D, D, uniforms(K * D * D, 9));
  const options = { heads: H, seq: T };
  return {
    attention: () => {
      const { probs } = backend.attention(q, k, v, options);
      backend.attentionGrad(q, k, v, probs, dy, options);
    },
    layerNorm: () => {
      const { stats } = backend.layerNorm(q, gain, bias, 1e-5);
      backend.layerNormGrad(q, gain, stats, dy);
    },
    embedding: () => {
      backend.embedding(table, ids);
      backend.embeddingGrad(ids, dy, V);
    },
    dconv: () => {
      backend.dconv(q, taps, { seq: T });
      backend.dconvGrad(q, taps, dy, { seq: T });
    },
    'matmul D×D': () => {
      backend.matmul(q, w);
      backend.matmul(dy, w, { transB: true });
      backend.matmul(q, dy, { transA: true });
    },
    probe: () => backend.read({ ...gain, batch: 1, rows: 1, cols: 1 }),
  };
}

/** Median [wall, cpu] seconds per call of `run`. */
async function secondsPer(backend, run, probe) {
  const wait = async () => {
    backend.flush();
    await probe();
    backend.resetArena();
  };
  run();
  await wait();
  const t0 = performance.now();
  run();
  await wait();
  const once = (performance.now() - t0) / 1e3;
  const reps = Math.max(1, Math.min(50, Math.round(0.3 / once)));
  const wall = [];
  const cpu = [];
  for (let round = 0; round < 5; round++) {
    const start = performance.now();
    const used = process.cpuUsage();
    for (let i = 0; i < reps; i++) {
      run();
      if (backend.name === 'webgpu') backend.flush();
    }
    await wait();
    const { user, system } = process.cpuUsage(used);
    wall.push((performance.now() - start) / 1e3 / reps);
    cpu.push((user + system) / 1e6 / reps);
  }
  return [median(wall), median(cpu)];
}

const rows = [];
let releaseGpu = async () => undefined;
let adapter = '';
for (const name of backends) {
  let backend;
  if (name === 'webgpu') {
    const gpuModule = await import(join(dist, 'gpu', 'index.js'));
    const gpu = await gpuModule.acquireWebGpu();
    releaseGpu = gpuModule.releaseGpu;
    adapter = `${gpu.adapterInfo.device || gpu.adapterInfo.description} (${gpu.dawnBackend}, ${gpu.featureLevel})`;
    backend = await createTensorBackend('webgpu', gpu.device);
  } else {
    backend = await createTensorBackend('cpu');
  }
  const { probe, ...ops } = cases(backend);
  for (const [op, run] of Object.entries(ops)) {
    const [wall, cpu] = await secondsPer(backend, run, probe);
    rows.push({ backend: name, op, wall: wall * 1e3, cpu: cpu * 1e3 });
    console.log(`${name.padEnd(7)} ${op.padEnd(12)} ${(wall * 1e3).toFixed(1).padStart(9)} ms wall ${(cpu * 1e3).toFixed(1).padStart(9)} ms cpu`);
  }
  backend.destroy();
}
await releaseGpu();

const lines = [
  '# Sequence-op micro-benchmark',
  '',
  `Forward + backward of each op on K = ${K} replicas of [B·T, D] = [${N}, ${D}] (B = ${B}, T = ${T}, H = ${H}, V = ${V}),`,
  'median ms per forward + backward, wall clock and cpu time of the process (all threads); the matmul row is one D×D layer',
  '(forward and both gradients) for scale.',
  `Machine: ${cpus()[0]?.model ?? 'unknown'}, ${cpus().length} cores, Node ${process.version}${adapter ? `; webgpu adapter ${adapter}` : ''};`,
  `load average ${loadavg().map((l) => l.toFixed(1)).join(', ')} when it finished.`,
  `Command: \`node bench/ops.js --replicas ${K} --batch ${B} --context ${T} --width ${D} --heads ${H}\` (${new Date().toISOString().slice(0, 10)}).`,
  '',
  `| op | ${backends.map((b) => `${b} wall ms | ${b} cpu ms`).join(' | ')} |`,
  `|---|${backends.map(() => '---:|---:').join('|')}|`,
  ...[...new Set(rows.map((r) => r.op))].map((op) => {
    const cells = backends.map((b) => rows.find((r) => r.backend === b && r.op === op)).map((r) => (r ? `${r.wall.toFixed(1)} | ${r.cpu.toFixed(1)}` : '– | –'));
    return `| ${op} | ${cells.join(' | ')} |`;
  }),
  '',
];
writeFileSync(outFile, lines.join('\n'));
console.log(`wrote ${outFile}`);
