// Where each parameter tensor of a model replica lives inside the flat [replicas][stride] buffers.
import { mlpLayout, type MlpLayout, type Tensor } from '../tensor/index.js';

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
  /** Every parameter tensor of a replica, in layout order. */
  readonly tensors: readonly ParameterTensor[];
  /** Elements from one replica's block to the next (aligned). */
  readonly stride: number;
  /** Parameters of one replica, without padding. */
  readonly count: number;
}

/** A dense stack's layout: W1, b1, W2, b2, … with the tensor module's MLP layout the model reads. */
export interface MlpParameterLayout extends ParameterLayout {
  readonly mlp: MlpLayout;
}

/** A parameter tensor before placement: a matrix [rows, cols] (a vector is one row). */
export interface TensorShape {
  readonly name: string;
  readonly rows: number;
  readonly cols: number;
}

/** The tensors one after the other in the given order, each starting at a multiple of TENSOR_ALIGNMENT. */
export function namedLayout(shapes: readonly TensorShape[]): ParameterLayout {
  const aligned = (n: number) => Math.ceil(n / TENSOR_ALIGNMENT) * TENSOR_ALIGNMENT;
  const names = new Set<string>();
  let stride = 0;
  const tensors = shapes.map(({ name, rows, cols }): ParameterTensor => {
    if (names.has(name)) throw new RangeError(`namedLayout: tensor '${name}' is listed twice`);
    if (!Number.isSafeInteger(rows) || !Number.isSafeInteger(cols) || rows < 1 || cols < 1) {
      throw new RangeError(`namedLayout: tensor '${name}' has shape [${rows}, ${cols}]; expected positive integers`);
    }
    names.add(name);
    const offset = stride;
    stride = aligned(offset + rows * cols);
    return { name, rows, cols, offset, size: rows * cols };
  });
  return { tensors, stride, count: tensors.reduce((sum, t) => sum + t.size, 0) };
}

/** The named tensor of a layout; throws when the layout has none of that name. */
export function layoutTensor(layout: ParameterLayout, name: string): ParameterTensor {
  const t = layout.tensors.find((x) => x.name === name);
  if (t === undefined) throw new RangeError(`layout has no tensor '${name}'`);
  return t;
}

/** Every tensor as a view [K, rows, cols] over flat [K][stride] storage, by name. */
export function layoutViews<S>(layout: ParameterLayout, storage: S, replicas: number): ReadonlyMap<string, Tensor<S>> {
  return new Map(layout.tensors.map((t) => [t.name, { storage, offset: t.offset, batch: replicas, batchStride: layout.stride, rows: t.rows, cols: t.cols }]));
}

/** Dense layers widths[0] → widths[1] → …, every tensor aligned to TENSOR_ALIGNMENT. */
export function parameterLayout(widths: readonly number[]): MlpParameterLayout {
  const mlp = mlpLayout(widths, { align: TENSOR_ALIGNMENT });
  const tensors = mlp.layers.flatMap((l, i): ParameterTensor[] => [
    { name: `W${i + 1}`, rows: l.inputs, cols: l.outputs, offset: l.weightOffset, size: l.inputs * l.outputs },
    { name: `b${i + 1}`, rows: 1, cols: l.outputs, offset: l.biasOffset, size: l.outputs },
  ]);
  return { mlp, tensors, stride: mlp.size, count: tensors.reduce((sum, t) => sum + t.size, 0) };
}
