// The webgpu backend's kernels by name: WGSL text per name, all compiled up front through the device's pipeline cache.
import { pipelineCacheFor } from '../gpu/index.js';
import type { Kernel } from './gpu-recorder.js';
import { activationGradWgsl, activationWgsl, addBiasWgsl, addWgsl } from './kernels/elementwise-wgsl.js';
import { checkMatmulConfig, matmulWgsl, type MatmulConfig } from './kernels/matmul-wgsl.js';
import { markNonFiniteWgsl, meanWgsl, sumRowsWgsl } from './kernels/reduce-wgsl.js';
import { classificationStatsWgsl, softmaxCrossEntropyWgsl } from './kernels/softmax-wgsl.js';
import type { Activation } from './types.js';

export type MatmulTile = Omit<MatmulConfig, 'transA' | 'transB'>;

/**
 * The default tile: 32×32 outputs per workgroup of 8×8 invocations, each a 4×4 register block,
 * K in slices of 16 (4 KiB of workgroup memory). The proxy models' matrices are 64 rows by 10–784
 * columns, so a larger tile would leave much of each workgroup idle on the 10-wide layers.
 */
export const DEFAULT_MATMUL_TILE: MatmulTile = { tileM: 32, tileN: 32, tileK: 16, threadsX: 8, threadsY: 8 };

const ACTIVATIONS: readonly Activation[] = ['relu', 'tanh', 'gelu'];

export type KernelName =
  | `matmul_${'n' | 't'}${'n' | 't'}`
  | 'add' | 'add_bias' | `act_${Activation}` | `act_grad_${Activation}`
  | 'sum_rows' | 'mean' | 'mark_non_finite' | 'softmax_ce' | 'class_stats';

/** WGSL source of every kernel. */
export function kernelSources(tile: MatmulTile): Record<KernelName, string> {
  const sources: Partial<Record<KernelName, string>> = {};
  for (const transA of [false, true]) {
    for (const transB of [false, true]) {
      sources[`matmul_${transA ? 't' : 'n'}${transB ? 't' : 'n'}`] = matmulWgsl({ ...tile, transA, transB });
    }
  }
  for (const kind of ACTIVATIONS) {
    sources[`act_${kind}`] = activationWgsl(kind);
    sources[`act_grad_${kind}`] = activationGradWgsl(kind);
  }
  return {
    ...sources,
    add: addWgsl(),
    add_bias: addBiasWgsl(),
    sum_rows: sumRowsWgsl(),
    mean: meanWgsl(),
    mark_non_finite: markNonFiniteWgsl(),
    softmax_ce: softmaxCrossEntropyWgsl(),
    class_stats: classificationStatsWgsl(),
  } as Record<KernelName, string>;
}

/** Compiles every kernel (in parallel, through the shared pipeline cache). */
export async function compileKernels(device: GPUDevice, tile: MatmulTile): Promise<Record<KernelName, Kernel>> {
  checkMatmulConfig({ ...tile, transA: false, transB: false }, {
    invocations: device.limits.maxComputeInvocationsPerWorkgroup,
    workgroupBytes: device.limits.maxComputeWorkgroupStorageSize,
  });
  const cache = pipelineCacheFor(device);
  const entries = Object.entries(kernelSources(tile)) as [KernelName, string][];
  const pipelines = await Promise.all(entries.map(([name, wgsl]) => cache.get(wgsl, { label: `tensor:${name}` })));
  const kernels = entries.map(([name], id) => {
    const pipeline = pipelines[id]!;
    return [name, { name, id, pipeline, storageLayout: pipeline.getBindGroupLayout(0), uniformLayout: pipeline.getBindGroupLayout(1) }] as const;
  });
  return Object.fromEntries(kernels) as Record<KernelName, Kernel>;
}
