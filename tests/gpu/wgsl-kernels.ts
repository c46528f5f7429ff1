// WGSL test kernels shared by the GPU suites, each beside the CPU function it must match.

import { WORKGROUP_SIZE } from '../../src/gpu/smoke-test.js';

// The smoke test's kernel: y = 2x + 1 with the element index spread over a 2-D grid of `rowStride` threads per row.
export { WORKGROUP_SIZE, affineKernel as affineWgsl } from '../../src/gpu/smoke-test.js';

export function affineCpu(x: Float32Array): Float32Array {
  return x.map((value) => Math.fround(2 * value + 1));
}

/** y = a * x + b with a, b and n in a uniform buffer, so one pipeline serves every size. */
export const SCALED_WGSL = `struct Params { a: f32, b: f32, n: u32, rowStride: u32 }
@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> y: array<f32>;

@compute @workgroup_size(${WORKGROUP_SIZE})
fn main(@builtin(global_invocation_id) id: vec3<u32>) {
  let i = id.x + id.y * params.rowStride;
  if (i >= params.n) { return; }
  y[i] = params.a * x[i] + params.b;
}
`;

/** Deterministic inputs with negatives, zeros and fractions; no RNG needed for an elementwise check. */
export function ramp(n: number): Float32Array {
  return Float32Array.from({ length: n }, (_, i) => ((i * 7919) % 1009) / 17 - 29);
}
