// The tensor module's public surface: the backend contract, the cpu and webgpu backends, the autograd tape and the MLP.
export type { Activation, AttentionOptions, SequenceOptions, Tensor, TensorBackend } from './types.js';
export { CpuTensorBackend } from './cpu-backend.js';
export { WebGpuTensorBackend, type WebGpuBackendOptions } from './webgpu-backend.js';
export {
  GPU_MATMUL_TILES, SOFTWARE_MATMUL_TILES, defaultMatmulTiles, kernelSources, type KernelName, type MatmulTile, type MatmulTiles,
} from './webgpu-kernels.js';
export { createTensorBackend } from './create-backend.js';
export { Tape, type TapeNode } from './tape.js';
export {
  mlpForward, mlpLayout, mlpParams, mlpViews,
  type DenseLayer, type DenseLayerLayout, type DenseLayerViews, type MlpLayout, type ReplicaPlacement,
} from './mlp.js';
export {
  broadcastView, checkBounds, isContiguous, matrixSize, storedBatch, tensorView, type ViewShape,
} from './views.js';
