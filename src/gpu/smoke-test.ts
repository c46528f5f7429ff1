// A tiny end-to-end check of a device: upload, one kernel over a 2-D dispatch grid, read back, compare with the CPU.
import { messageOf } from './errors.js';
import { readFloat32, uploadFloat32, createStorageBuffer } from './buffers.js';
import { dispatchSize } from './dispatch.js';
import { runKernel } from './run-kernel.js';
import { PipelineCache } from './pipeline-cache.js';

export interface SmokeTestResult {
  readonly ok: boolean;
  readonly detail: string;
  readonly milliseconds: number;
}

/** Threads per workgroup of the smoke-test kernel (and of the GPU tests that reuse it). */
export const WORKGROUP_SIZE = 64;

/** y = 2x + 1 over `n` elements; the row stride is baked into the WGSL. */
export function affineKernel(rowStride: number, n: number): string {
  return `@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> y: array<f32>;

@compute @workgroup_size(${WORKGROUP_SIZE})
fn main(@builtin(global_invocation_id) id: vec3<u32>) {
  let i = id.x + id.y * ${rowStride}u;
  if (i >= ${n}u) { return; }
  y[i] = 2.0 * x[i] + 1.0;
}
`;
}

export async function smokeTest(device: GPUDevice, n = 4099): Promise<SmokeTestResult> {
  const started = performance.now();
  const x = Float32Array.from({ length: n }, (_, i) => i - n / 2);
  const input = uploadFloat32(device, x);
  const output = createStorageBuffer(device, x.byteLength);
  try {
    // A small per-dimension maximum forces the grid to two rows, as large tensors will.
    const grid = dispatchSize(n, WORKGROUP_SIZE, Math.ceil(n / WORKGROUP_SIZE / 2));
    const pipelines = new PipelineCache(device, { maxEntries: 1 });
    await runKernel(device, { wgsl: affineKernel(grid.rowStride, n), bindings: [input, output], workgroups: grid, label: 'smoke test' }, { pipelines });
    const y = await readFloat32(device, output);
    const milliseconds = Math.round(performance.now() - started);
    const wrong = y.findIndex((value, i) => value !== 2 * (x[i] ?? Number.NaN) + 1);
    if (wrong >= 0) return { ok: false, detail: `y = 2x + 1 over ${n} elements: element ${wrong} is ${y[wrong]}, expected ${2 * (x[wrong] ?? 0) + 1}`, milliseconds };
    return { ok: true, detail: `y = 2x + 1 over ${n} elements matches the CPU`, milliseconds };
  } catch (thrown) {
    return { ok: false, detail: messageOf(thrown), milliseconds: Math.round(performance.now() - started) };
  } finally {
    input.destroy();
    output.destroy();
  }
}
