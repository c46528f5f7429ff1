// A stack of dense layers (Linear → act → … → Linear) over replicas whose parameters share one flat [K][P] buffer.
import type { Tape, TapeNode } from './tape.js';
import type { Activation, Tensor } from './types.js';

/** Where one dense layer's weight [in, out] and bias [1, out] sit inside a replica's P parameters. */
export interface DenseLayerLayout {
  readonly inputs: number;
  readonly outputs: number;
  readonly weightOffset: number;
  readonly biasOffset: number;
}

export interface MlpLayout {
  /** Layer widths, input first: [32, 64, 10] is 32 → 64 → 10. */
  readonly widths: readonly number[];
  readonly layers: readonly DenseLayerLayout[];
  /** Elements per replica, P: the parameters and any alignment padding. */
  readonly size: number;
}

/**
 * Layer after layer, each weight [in, out] row-major followed by its bias [out]. With `align`, every
 * tensor starts at a multiple of `align` elements and `size` is rounded up to one, so each tensor
 * can be bound alone (WebGPU's storage offsets are aligned); padding stays unused.
 */
export function mlpLayout(widths: readonly number[], options: { readonly align?: number } = {}): MlpLayout {
  if (widths.length < 2 || widths.some((w) => !Number.isSafeInteger(w) || w < 1)) {
    throw new RangeError(`mlpLayout: widths must be two or more positive integers (got [${widths.join(', ')}])`);
  }
  const unit = options.align ?? 1;
  if (!Number.isSafeInteger(unit) || unit < 1) throw new RangeError(`mlpLayout: align must be a positive integer (got ${unit})`);
  const aligned = (n: number) => Math.ceil(n / unit) * unit;
  const layers: DenseLayerLayout[] = [];
  let size = 0;
  for (let l = 0; l + 1 < widths.length; l++) {
    const inputs = widths[l]!;
    const outputs = widths[l + 1]!;
    const weightOffset = size;
    const biasOffset = aligned(weightOffset + inputs * outputs);
    layers.push({ inputs, outputs, weightOffset, biasOffset });
    size = aligned(biasOffset + outputs);
  }
  return { widths: [...widths], layers, size };
}

/** One layer's parameters as views over all replicas: weight [K, in, out], bias [K, 1, out]. */
export interface DenseLayerViews<S> {
  readonly weight: Tensor<S>;
  readonly bias: Tensor<S>;
}

export interface ReplicaPlacement {
  /** Replicas, K. */
  readonly replicas: number;
  /** Element where replica 0's parameters start; default 0. */
  readonly offset?: number;
  /** Elements between replicas; default the layout's size (packed [K][P]). */
  readonly stride?: number;
}

/** Views of every layer's weight and bias in `storage`, laid out [K][P]. */
export function mlpViews<S>(layout: MlpLayout, storage: S, placement: ReplicaPlacement): DenseLayerViews<S>[] {
  const base = placement.offset ?? 0;
  const batchStride = placement.stride ?? layout.size;
  if (batchStride < layout.size) throw new RangeError(`mlpViews: stride ${batchStride} is below the layout's ${layout.size} parameters`);
  const batch = placement.replicas;
  return layout.layers.map((l) => ({
    weight: { storage, offset: base + l.weightOffset, batch, batchStride, rows: l.inputs, cols: l.outputs },
    bias: { storage, offset: base + l.biasOffset, batch, batchStride, rows: 1, cols: l.outputs },
  }));
}

export interface DenseLayer<S> {
  readonly weight: TapeNode<S>;
  readonly bias: TapeNode<S>;
}

/**
 * Every layer's parameters on the tape. With `grads` (same layout and placement as `params`),
 * they are parameters whose gradients backward writes there; without, constants (evaluation).
 */
export function mlpParams<S>(tape: Tape<S>, layout: MlpLayout, params: S, grads: S | undefined, placement: ReplicaPlacement): DenseLayer<S>[] {
  const values = mlpViews(layout, params, placement);
  const gradients = grads === undefined ? undefined : mlpViews(layout, grads, placement);
  return values.map((v, l) => {
    const g = gradients?.[l];
    return g === undefined
      ? { weight: tape.constant(v.weight), bias: tape.constant(v.bias) }
      : { weight: tape.param(v.weight, g.weight), bias: tape.param(v.bias, g.bias) };
  });
}

/** Logits of x [1 or K, rows, in] through Linear → act → … → Linear: [K, rows, out]. */
export function mlpForward<S>(tape: Tape<S>, layers: readonly DenseLayer<S>[], x: TapeNode<S>, activation: Activation): TapeNode<S> {
  let h = x;
  layers.forEach((layer, l) => {
    h = tape.addBias(tape.matmul(h, layer.weight), layer.bias);
    if (l + 1 < layers.length) h = tape.activation(activation, h);
  });
  return h;
}
