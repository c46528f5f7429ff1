// Where each parameter tensor of a model replica lives inside the flat [replicas][stride] buffers.

/** 64 floats = 256 bytes: WebGPU's storage-binding offset alignment, so each tensor can be bound alone. */
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
  readonly tensors: readonly ParameterTensor[];
  /** Elements from one replica's block to the next (aligned). */
  readonly stride: number;
  /** Parameters of one replica, without padding. */
  readonly count: number;
}

const align = (n: number) => Math.ceil(n / TENSOR_ALIGNMENT) * TENSOR_ALIGNMENT;

/** Dense layers sizes[0] → sizes[1] → …: W_l [in, out] then b_l [1, out] for each layer. */
export function mlpLayout(sizes: readonly number[]): ParameterLayout {
  const tensors: ParameterTensor[] = [];
  let offset = 0;
  const add = (name: string, rows: number, cols: number) => {
    tensors.push({ name, rows, cols, offset, size: rows * cols });
    offset = align(offset + rows * cols);
  };
  for (let l = 0; l + 1 < sizes.length; l++) {
    add(`W${l + 1}`, sizes[l]!, sizes[l + 1]!);
    add(`b${l + 1}`, 1, sizes[l + 1]!);
  }
  return { tensors, stride: offset, count: tensors.reduce((sum, t) => sum + t.size, 0) };
}
