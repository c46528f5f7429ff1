// The tensor module's public surface: the backend contract, the cpu and webgpu backends, the autograd tape and the MLP.
export type { Activation, Tensor, TensorBackend } from './types.js';
export { CpuTensorBackend } from './cpu-backend.js';
export { Tape, type TapeNode } from './tape.js';
export {
  mlpForward, mlpLayout, mlpParams, mlpViews,
  type DenseLayer, type DenseLayerLayout, type DenseLayerViews, type MlpLayout, type ReplicaPlacement,
} from './mlp.js';
export {
  broadcastView, checkBounds, isContiguous, matrixSize, storedBatch, tensorView, type ViewShape,
} from './views.js';
