// Timing helpers of the benchmark: medians, copy bandwidth on both sides, and one optimizer step on each backend.
import { performance } from 'node:perf_hooks';

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Standard-normal float32 values from a fixed linear congruential stream (reproducible inputs). */
export function normals(n, seed, scale = 1) {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  const uniform = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s + 0.5) / 4294967296;
  };
  for (let i = 0; i < n; i += 2) {
    const r = Math.sqrt(-2 * Math.log(uniform()));
    const t = 2 * Math.PI * uniform();
    out[i] = r * Math.cos(t) * scale;
    if (i + 1 < n) out[i + 1] = r * Math.sin(t) * scale;
  }
  return out;
}

/** Seconds per Float32Array.set of n elements (median of `reps`); one copy reads and writes 4n bytes each. */
export function cpuCopySeconds(n, reps = 7) {
  const src = normals(n, 1);
  const dst = new Float32Array(n);
  dst.set(src);
  const times = [];
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    dst.set(src);
    times.push((performance.now() - t0) / 1e3);
  }
  return median(times);
}

/** Seconds per copyBufferToBuffer of n floats on the device, timed over batches ending in onSubmittedWorkDone. */
export async function gpuCopySeconds(device, n, { reps = 5, batch = 10 } = {}) {
  const usage = 0x80 | 0x4 | 0x8; // STORAGE | COPY_SRC | COPY_DST
  const src = device.createBuffer({ size: n * 4, usage });
  const dst = device.createBuffer({ size: n * 4, usage });
  device.queue.writeBuffer(src, 0, normals(n, 2));
  const copy = (count) => {
    const encoder = device.createCommandEncoder();
    for (let k = 0; k < count; k++) encoder.copyBufferToBuffer(src, 0, dst, 0, n * 4);
    device.queue.submit([encoder.finish()]);
  };
  copy(2);
  await device.queue.onSubmittedWorkDone();
  const times = [];
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    for (let k = 0; k < batch; k++) copy(1);
    await device.queue.onSubmittedWorkDone();
    times.push((performance.now() - t0) / 1e3 / batch);
  }
  src.destroy();
  dst.destroy();
  return median(times);
}

/** GPU buffers holding a parameter's w, g, state slots and update, filled like a training step's. */
export function gpuTensors(device, checked, n) {
  const usage = 0x80 | 0x4 | 0x8;
  const make = (data) => {
    const buffer = device.createBuffer({ size: n * 4, usage });
    if (data) device.queue.writeBuffer(buffer, 0, data);
    return buffer;
  };
  const tensors = {
    n,
    w: make(normals(n, 3)),
    g: make(normals(n, 4, 1e-3)),
    slots: checked.signature.slots.map((_, i) => make(normals(n, 5 + i, 1e-3))),
    update: make(undefined),
  };
  const destroy = () => [tensors.w, tensors.g, ...tensors.slots, tensors.update].forEach((b) => b.destroy());
  return { tensors, destroy };
}

/**
 * Seconds per step of a compiled webgpu optimizer: `batch` steps submitted back to back, then one
 * wait for the queue (onSubmittedWorkDone), so the time includes the GPU work, not just encoding.
 */
export async function gpuStepSeconds(device, optimizer, tensors, { warmup = 3, reps = 5, batch = 10 } = {}) {
  const bound = optimizer.bind(tensors);
  for (let i = 0; i < warmup; i++) bound.submit(0.01, i + 1);
  await device.queue.onSubmittedWorkDone();
  const times = [];
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    for (let k = 0; k < batch; k++) bound.submit(0.01, k + 1);
    await device.queue.onSubmittedWorkDone();
    times.push((performance.now() - t0) / 1e3 / batch);
  }
  bound.destroy();
  return median(times);
}

/** Process CPU time over wall time while `batch` steps run: near the core count when the kernel keeps every llvmpipe thread busy. */
export async function gpuCpuLoad(device, optimizer, tensors, { batch = 8 } = {}) {
  const bound = optimizer.bind(tensors);
  bound.submit(0.01, 1);
  await device.queue.onSubmittedWorkDone();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (let k = 0; k < batch; k++) bound.submit(0.01, k + 2);
  await device.queue.onSubmittedWorkDone();
  const wall = (performance.now() - t0) / 1e3;
  const cpu = process.cpuUsage(cpu0);
  bound.destroy();
  return (cpu.user + cpu.system) / 1e6 / wall;
}

/** Seconds per awaited optimizer.step(): the error-scoped path, one submission and validation per step. */
export async function gpuAwaitedStepSeconds(device, optimizer, tensors, { reps = 50 } = {}) {
  await optimizer.step(tensors, 0.01, 1);
  await device.queue.onSubmittedWorkDone();
  const t0 = performance.now();
  for (let r = 0; r < reps; r++) await optimizer.step(tensors, 0.01, r + 2);
  await device.queue.onSubmittedWorkDone();
  return (performance.now() - t0) / 1e3 / reps;
}

/** Seconds per step of the cpu backend (the plan run chunk by chunk) on Float32Arrays, stepped in place. */
export async function cpuStepSeconds(optimizer, checked, n, { warmup = 3, reps = 3 } = {}) {
  const tensors = {
    n,
    w: normals(n, 3),
    g: normals(n, 4, 1e-3),
    slots: checked.signature.slots.map((_, i) => normals(n, 5 + i, 1e-3)),
    update: new Float32Array(n),
  };
  for (let i = 0; i < warmup; i++) await optimizer.step(tensors, 0.01, i + 1);
  const times = [];
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    await optimizer.step(tensors, 0.01, r + 2);
    times.push((performance.now() - t0) / 1e3);
  }
  return median(times);
}

/** Seconds per call of the reference interpreter runStep (what the cpu backend ran before its fast path). */
export function interpreterStepSeconds(runStep, checked, n, { reps = 3 } = {}) {
  const inputs = { w: normals(n, 3), g: normals(n, 4, 1e-3), lr: 0.01, step: 1, slots: checked.signature.slots.map((_, i) => normals(n, 5 + i, 1e-3)) };
  runStep(checked, inputs);
  const times = [];
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    runStep(checked, inputs);
    times.push((performance.now() - t0) / 1e3);
  }
  return median(times);
}
