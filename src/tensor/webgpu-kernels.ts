// The webgpu backend's kernels by name: WGSL text per name, all compiled up front through the device's pipeline cache.
import { pipelineCacheFor } from '../gpu/index.js';
import type { Kernel } from './gpu-recorder.js';
import { causalSoftmaxGradWgsl, causalSoftmaxWgsl, mergeHeadsWgsl, splitHeadsWgsl } from './kernels/attention-wgsl.js';
import { dconvGradInputWgsl, dconvGradTapsWgsl, dconvWgsl } from './kernels/dconv-wgsl.js';
import {
  activationGradWgsl, activationWgsl, addBiasVec4Wgsl, addBiasWgsl, addWgsl, mulWgsl, scaleWgsl,
} from './kernels/elementwise-wgsl.js';
import { embeddingBucketsWgsl, embeddingGradWgsl, embeddingWgsl } from './kernels/embedding-wgsl.js';
import { layerNormGradGainWgsl, layerNormGradInputWgsl, layerNormWgsl, rowScaleWgsl } from './kernels/layer-norm-wgsl.js';
import { checkMatmulConfig, matmulWgsl, type MatmulConfig } from './kernels/matmul-wgsl.js';
import { markNonFiniteWgsl, meanWgsl, sumRowsVec4Wgsl, sumRowsWgsl } from './kernels/reduce-wgsl.js';
import { classificationStatsWgsl, softmaxCrossEntropyWgsl } from './kernels/softmax-wgsl.js';
import type { Activation } from './types.js';

export type MatmulTile = Omit<MatmulConfig, 'transA' | 'transB'>;

/**
 * Three matmul tiles by the result's width N: `thin` up to thin.tileN columns (attention's per-head
 * products, N = D/H; the 10 classes), `narrow` up to narrow.tileN, else `wide`.
 */
export interface MatmulTiles {
  readonly wide: MatmulTile;
  readonly narrow: MatmulTile;
  readonly thin: MatmulTile;
}

/**
 * For hardware GPUs: 64×64 (or 32×32) outputs per workgroup of 256 (or 64) invocations, each a 4×4
 * register block, K in slices of 16 — the usual shape of a WebGPU matmul. Not measured here: the
 * development machine has no GPU.
 */
export const GPU_MATMUL_TILES: MatmulTiles = {
  wide: { tileM: 64, tileN: 64, tileK: 16, threadsX: 16, threadsY: 16 },
  narrow: { tileM: 32, tileN: 32, tileK: 16, threadsX: 8, threadsY: 8 },
  thin: { tileM: 64, tileN: 16, tileK: 16, threadsX: 4, threadsY: 16 },
};

/**
 * For llvmpipe: 8 invocations (one SIMD vector) each holding a 32×16 (or 32×8) block, K in slices
 * of 4. Measured on the proxy MLP's five matmul shapes at K = 32 replicas (interleaved rounds,
 * best of 6): 5.9 ms in all against 16.3 ms for 32×32 tiles of 8×8 invocations with 4×4 blocks.
 */
export const SOFTWARE_MATMUL_TILES: MatmulTiles = {
  wide: { tileM: 64, tileN: 64, tileK: 4, threadsX: 4, threadsY: 2 },
  narrow: { tileM: 64, tileN: 32, tileK: 4, threadsX: 4, threadsY: 2 },
  // Measured (cpu time, K = 16 replicas × 128 blocks of [64, 64]·[64, 16]): 105 ms against 165 ms
  // with the narrow tile, and 6.0 against 8.3 ms for an MLP's [256, 64]·[64, 10] at 32 replicas.
  thin: { tileM: 64, tileN: 16, tileK: 8, threadsX: 2, threadsY: 4 },
};

/** SOFTWARE_MATMUL_TILES on llvmpipe, lavapipe or SwiftShader, else GPU_MATMUL_TILES. */
export function defaultMatmulTiles(device: GPUDevice): MatmulTiles {
  const info = device.adapterInfo;
  const fields = info === undefined ? [] : [info.vendor, info.architecture, info.device, info.description];
  return fields.some((f) => /llvmpipe|lavapipe|softpipe|swiftshader/i.test(f ?? '')) ? SOFTWARE_MATMUL_TILES : GPU_MATMUL_TILES;
}

const ACTIVATIONS: readonly Activation[] = ['relu', 'tanh', 'gelu', 'square', 'sigmoid', 'sqrelu'];

export type KernelName =
  | `matmul_${'n' | 't'}${'n' | 't'}_${'wide' | 'narrow' | 'thin'}`
  | `${'add' | 'mul' | 'scale' | 'add_bias' | `act_${Activation}` | `act_grad_${Activation}` | 'sum_rows'}${'' | '_v4'}`
  | 'mean' | 'mark_non_finite' | 'softmax_ce' | 'class_stats'
  | 'embedding' | 'embedding_buckets' | 'embedding_grad'
  | 'layer_norm' | 'row_scale' | 'layer_norm_grad_input' | 'layer_norm_grad_gain'
  | 'split_heads' | 'merge_heads' | 'causal_softmax' | 'causal_softmax_grad'
  | 'dconv' | 'dconv_grad_input' | 'dconv_grad_taps';

/** WGSL source of every kernel. */
export function kernelSources(tiles: MatmulTiles): Record<KernelName, string> {
  const sources: Partial<Record<KernelName, string>> = {};
  for (const width of ['wide', 'narrow', 'thin'] as const) {
    for (const transA of [false, true]) {
      for (const transB of [false, true]) {
        sources[`matmul_${transA ? 't' : 'n'}${transB ? 't' : 'n'}_${width}`] = matmulWgsl({ ...tiles[width], transA, transB });
      }
    }
  }
  for (const kind of ACTIVATIONS) {
    sources[`act_${kind}`] = activationWgsl(kind, false);
    sources[`act_${kind}_v4`] = activationWgsl(kind, true);
    sources[`act_grad_${kind}`] = activationGradWgsl(kind, false);
    sources[`act_grad_${kind}_v4`] = activationGradWgsl(kind, true);
  }
  return {
    ...sources,
    add: addWgsl(false),
    add_v4: addWgsl(true),
    mul: mulWgsl(false),
    mul_v4: mulWgsl(true),
    scale: scaleWgsl(false),
    scale_v4: scaleWgsl(true),
    embedding: embeddingWgsl(),
    embedding_buckets: embeddingBucketsWgsl(),
    embedding_grad: embeddingGradWgsl(),
    layer_norm: layerNormWgsl(),
    row_scale: rowScaleWgsl(),
    layer_norm_grad_input: layerNormGradInputWgsl(),
    layer_norm_grad_gain: layerNormGradGainWgsl(),
    split_heads: splitHeadsWgsl(),
    merge_heads: mergeHeadsWgsl(),
    causal_softmax: causalSoftmaxWgsl(),
    causal_softmax_grad: causalSoftmaxGradWgsl(),
    dconv: dconvWgsl(),
    dconv_grad_input: dconvGradInputWgsl(),
    dconv_grad_taps: dconvGradTapsWgsl(),
    add_bias: addBiasWgsl(),
    add_bias_v4: addBiasVec4Wgsl(),
    sum_rows: sumRowsWgsl(),
    sum_rows_v4: sumRowsVec4Wgsl(),
    mean: meanWgsl(),
    mark_non_finite: markNonFiniteWgsl(),
    softmax_ce: softmaxCrossEntropyWgsl(),
    class_stats: classificationStatsWgsl(),
  } as Record<KernelName, string>;
}

/** Compiles every kernel (in parallel, through the shared pipeline cache). */
export async function compileKernels(device: GPUDevice, tiles: MatmulTiles): Promise<Record<KernelName, Kernel>> {
  const limits = { invocations: device.limits.maxComputeInvocationsPerWorkgroup, workgroupBytes: device.limits.maxComputeWorkgroupStorageSize };
  for (const tile of [tiles.wide, tiles.narrow, tiles.thin]) checkMatmulConfig({ ...tile, transA: false, transB: false }, limits);
  const cache = pipelineCacheFor(device);
  const entries = Object.entries(kernelSources(tiles)) as [KernelName, string][];
  const pipelines = await Promise.all(entries.map(([name, wgsl]) => cache.get(wgsl, { label: `tensor:${name}` })));
  const kernels = entries.map(([name], id) => {
    const pipeline = pipelines[id]!;
    return [name, { name, id, pipeline, storageLayout: pipeline.getBindGroupLayout(0), uniformLayout: pipeline.getBindGroupLayout(1) }] as const;
  });
  return Object.fromEntries(kernels) as Record<KernelName, Kernel>;
}
