// Where each parameter tensor of a model replica lives inside the flat [replicas][stride] buffers.
import { mlpLayout, type MlpLayout } from '../tensor/index.js';

/** 64 floats = 256 bytes: WebGPU's largest storage-binding offset alignment, so each tensor can be bound alone. */
export const TENSOR_ALIGNMENT = 64;

export interface ParameterTensor {
  readonly name: string;
  readonly rows: number;
  readonly cols: number;
  /** Elements from the start of the replica's block. */
  readonly offset: number;
  readonly size: number;
}

export interface ParameterLayout {
  /** The tensor module's layout, whose views the model reads. */
  readonly mlp: MlpLayout;
  /** W1, b1, W2, b2, … in layout order. */
  readonly tensors: readonly ParameterTensor[];
  /** Elements from one replica's block to the next (aligned). */
  readonly stride: number;
  /** Parameters of one replica, without padding. */
  readonly count: number;
}

/** Dense layers widths[0] → widths[1] → …, every tensor aligned to TENSOR_ALIGNMENT. */
export function parameterLayout(widths: readonly number[]): ParameterLayout {
  const mlp = mlpLayout(widths, { align: TENSOR_ALIGNMENT });
  const tensors = mlp.layers.flatMap((l, i): ParameterTensor[] => [
    { name: `W${i + 1}`, rows: l.inputs, cols: l.outputs, offset: l.weightOffset, size: l.inputs * l.outputs },
    { name: `b${i + 1}`, rows: 1, cols: l.outputs, offset: l.biasOffset, size: l.outputs },
  ]);
  return { mlp, tensors, stride: mlp.size, count: tensors.reduce((sum, t) => sum + t.size, 0) };
}
