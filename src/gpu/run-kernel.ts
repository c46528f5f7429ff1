// Runs one WGSL compute kernel: its buffers bound in order to group 0, dispatched, submitted, validated.
import { withErrorScopes } from './error-scopes.js';
import { pipelineCacheFor, type PipelineCache } from './pipeline-cache.js';
import type { WorkgroupCount } from './dispatch.js';

/** A whole buffer, or a range of one (pooled buffers are often larger than the data). */
export type KernelBinding = GPUBuffer | { readonly buffer: GPUBuffer; readonly offset?: number; readonly size?: number };

export interface KernelLaunch {
  readonly wgsl: string;
  /** Defaults to `main`. */
  readonly entryPoint?: string;
  /**
   * Buffers for @group(0) @binding(0), @binding(1), … With `layout: 'auto'`
   * the layout holds only bindings the entry point uses, so pass exactly those.
   */
  readonly bindings: readonly KernelBinding[];
  readonly workgroups: WorkgroupCount;
  /** Names the work in errors, e.g. a candidate id. */
  readonly label?: string;
}

export interface RunKernelOptions {
  /** Defaults to the device's shared cache. */
  readonly pipelines?: PipelineCache;
}

/**
 * Compiles (or reuses) the pipeline, then encodes and submits one dispatch.
 * Resolves once the submission is validated, not when the GPU finishes:
 * queue order makes a later readFloat32 see the result. Rejects with a
 * GpuError for a bad shader, a bad binding or a lost device.
 */
export async function runKernel(device: GPUDevice, launch: KernelLaunch, options: RunKernelOptions = {}): Promise<void> {
  const pipelines = options.pipelines ?? pipelineCacheFor(device);
  const pipeline = await pipelines.get(launch.wgsl, { entryPoint: launch.entryPoint ?? 'main', ...(launch.label === undefined ? {} : { label: launch.label }) });
  await withErrorScopes(device, { label: launch.label, wgsl: launch.wgsl }, () => {
    const encoder = device.createCommandEncoder();
    encodeKernel(device, encoder, pipeline, launch.bindings, launch.workgroups);
    device.queue.submit([encoder.finish()]);
  });
}

/**
 * Records one dispatch into `encoder`, for callers that batch many kernels
 * into one submission (and wrap it in withErrorScopes themselves).
 */
export function encodeKernel(
  device: GPUDevice,
  encoder: GPUCommandEncoder,
  pipeline: GPUComputePipeline,
  bindings: readonly KernelBinding[],
  workgroups: WorkgroupCount,
): void {
  const x = workgroups.x;
  const y = workgroups.y ?? 1;
  const z = workgroups.z ?? 1;
  if (x === 0 || y === 0 || z === 0) return;
  const bindGroup = device.createBindGroup({
    layout: pipeline.getBindGroupLayout(0),
    entries: bindings.map((binding, index) => ({ binding: index, resource: asBufferBinding(binding) })),
  });
  const pass = encoder.beginComputePass();
  pass.setPipeline(pipeline);
  pass.setBindGroup(0, bindGroup);
  pass.dispatchWorkgroups(x, y, z);
  pass.end();
}

function asBufferBinding(binding: KernelBinding): GPUBufferBinding {
  if ('buffer' in binding) {
    const result: GPUBufferBinding = { buffer: binding.buffer };
    if (binding.offset !== undefined) result.offset = binding.offset;
    if (binding.size !== undefined) result.size = binding.size;
    return result;
  }
  return { buffer: binding };
}
