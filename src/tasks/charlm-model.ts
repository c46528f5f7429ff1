// The 'charlm' task's constants and its model's placement: named tensors, their flat layout and initial values.
import { namedLayout, type ParameterLayout } from './layout.js';
import { initialModelParameters } from './model-init.js';
import { PRE_NORM_BLOCK, transformerTensors, type ModelTensor, type TransformerBlock, type TransformerSize } from './transformer.js';

export const CHARLM = {
  /** The init stream's seed, as the twin's INIT_SEED. */
  initSeed: 7,
  /** Validation (and train-loss) windows: the first 256 non-overlapping ones. */
  evalWindows: 256,
  /** Windows per evaluation forward pass, as the twin's. */
  evalChunk: 32,
} as const;

/** The twin's defaults: width 64, 4 heads, 2 blocks, context 64, ReLU, no convolution. */
export const CHARLM_SIZE: TransformerSize = { width: 64, heads: 4, layers: 2, context: 64, act: 'relu', dconv: false };

export interface CharLmModel {
  readonly size: TransformerSize;
  readonly vocabulary: number;
  readonly block: TransformerBlock;
  readonly tensors: readonly ModelTensor[];
  readonly layout: ParameterLayout;
}

export function charLmModel(size: TransformerSize, vocabulary: number, block: TransformerBlock = PRE_NORM_BLOCK): CharLmModel {
  const tensors = transformerTensors(size, vocabulary, block);
  return { size, vocabulary, block, tensors, layout: namedLayout(tensors) };
}

/** One replica's initial parameters [stride], drawn as the twin draws them. */
export function charLmInitialParameters(model: CharLmModel, seed: number = CHARLM.initSeed): Float32Array {
  return initialModelParameters(model.layout, model.tensors, seed);
}
