// Reference evaluation of a block graph in float64 over plain arrays: the meaning the lowering to
// tensor ops is tested against, and what the block fingerprint hashes. Activations are row-major
// [rows, features] with rows = batch·seq, each window of `seq` rows one sequence.
import { assertNever } from './ast.js';
import { liveOrder, type BlockGraph, type BlockNodeId, type BlockOpNode } from './block-graph.js';
import { BLOCK_OPS, type BlockOpSpec } from './ops.js';

export interface BlockDims {
  /** Model width D: activations of width multiple m have m·D features. */
  readonly width: number;
  /** Positions per sequence; rows are whole sequences. */
  readonly seq: number;
  readonly rows: number;
}

/** A parametric op's weights: dense W [in][out] row-major and b [out]; LayerNorm gain and bias; dconv taps [k][features]. */
export type BlockWeights =
  | { readonly kind: 'dense'; readonly w: Float64Array; readonly b: Float64Array }
  | { readonly kind: 'layer_norm'; readonly gain: Float64Array; readonly bias: Float64Array }
  | { readonly kind: 'dconv'; readonly taps: Float64Array };

/** The weights of one parametric node, given its node and the number of input features. */
export type WeightSource = (node: BlockOpNode, inFeatures: number) => BlockWeights;

const LAYER_NORM_EPS = 1e-5;

/**
 * The block's output [rows, D] for input x [rows, D]. `given` fixes the values of some nodes (a
 * probe of the function from one node to another sets the first and makes the second the output).
 */
export function evaluateBlock(
  graph: BlockGraph,
  x: Float64Array,
  dims: BlockDims,
  weights: WeightSource,
  given: ReadonlyMap<BlockNodeId, Float64Array> = new Map(),
): Float64Array {
  const values = new Map<BlockNodeId, Float64Array | number>();
  const features = (id: BlockNodeId) => (values.get(id) as Float64Array).length / dims.rows;
  for (const id of liveOrder(graph)) {
    const n = graph.nodes[id]!;
    const fixed = given.get(id);
    if (fixed !== undefined) values.set(id, fixed);
    else if (n.kind === 'input') values.set(id, x);
    else if (n.kind === 'const') values.set(id, n.value);
    else {
      const args = n.args.map((a) => values.get(a)!);
      const fin = n.args.length > 0 && typeof args[0] !== 'number' ? features(n.args[0]!) : 0;
      values.set(id, evaluateOp(n, args, dims, () => weights(n, fin)));
    }
  }
  return values.get(graph.output) as Float64Array;
}

function evaluateOp(n: BlockOpNode, args: readonly (Float64Array | number)[], dims: BlockDims, weights: () => BlockWeights): Float64Array {
  const spec: BlockOpSpec = BLOCK_OPS[n.op];
  const out = Math.round(n.width * dims.width);
  switch (spec.kind) {
    case 'map': {
      const f = spec.scalar!;
      const y = new Float64Array(dims.rows * out);
      const at = (v: Float64Array | number, i: number) => (typeof v === 'number' ? v : v[i]!);
      if (args.length === 1) for (let i = 0; i < y.length; i++) y[i] = f(at(args[0]!, i));
      else for (let i = 0; i < y.length; i++) y[i] = f(at(args[0]!, i), at(args[1]!, i));
      return y;
    }
    case 'dense':
      return dense(args[0] as Float64Array, weights(), dims.rows, out);
    case 'layer_norm':
      return layerNorm(args[0] as Float64Array, weights(), dims.rows, out);
    case 'dconv':
      return dconv(args[0] as Float64Array, weights(), dims, out, n.attr!);
    case 'attention':
      return attention(args as Float64Array[], dims, n.attr!);
    default:
      return assertNever(spec.kind);
  }
}

function dense(x: Float64Array, p: BlockWeights, rows: number, out: number): Float64Array {
  if (p.kind !== 'dense') throw new Error('dense() needs dense weights');
  const fin = x.length / rows;
  const y = new Float64Array(rows * out);
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < out; j++) y[r * out + j] = p.b[j]!;
    for (let i = 0; i < fin; i++) {
      const xi = x[r * fin + i]!;
      if (xi === 0) continue;
      for (let j = 0; j < out; j++) y[r * out + j]! += xi * p.w[i * out + j]!;
    }
  }
  return y;
}

function layerNorm(x: Float64Array, p: BlockWeights, rows: number, d: number): Float64Array {
  if (p.kind !== 'layer_norm') throw new Error('layer_norm() needs LayerNorm weights');
  const y = new Float64Array(x.length);
  for (let r = 0; r < rows; r++) {
    let mean = 0;
    for (let j = 0; j < d; j++) mean += x[r * d + j]!;
    mean /= d;
    let variance = 0;
    for (let j = 0; j < d; j++) variance += (x[r * d + j]! - mean) ** 2;
    const inv = 1 / Math.sqrt(variance / d + LAYER_NORM_EPS);
    for (let j = 0; j < d; j++) y[r * d + j] = (x[r * d + j]! - mean) * inv * p.gain[j]! + p.bias[j]!;
  }
  return y;
}

/** y_t = Σ_j taps[j] ⊙ x_{t−j}, j = 0..k−1, zero before the sequence's start. */
function dconv(x: Float64Array, p: BlockWeights, dims: BlockDims, d: number, k: number): Float64Array {
  if (p.kind !== 'dconv') throw new Error('dconv() needs taps');
  const y = new Float64Array(x.length);
  for (let r = 0; r < dims.rows; r++) {
    const t = r % dims.seq;
    for (let j = 0; j < Math.min(k, t + 1); j++) {
      for (let c = 0; c < d; c++) y[r * d + c]! += p.taps[j * d + c]! * x[(r - j) * d + c]!;
    }
  }
  return y;
}

/** Causal multi-head attention: head h reads columns h·dq/H.. of q and k and h·dv/H.. of v. */
function attention([q, k, v]: Float64Array[], dims: BlockDims, heads: number): Float64Array {
  const dq = q!.length / dims.rows;
  const dv = v!.length / dims.rows;
  const [hq, hv] = [dq / heads, dv / heads];
  const scale = 1 / Math.sqrt(hq);
  const y = new Float64Array(v!.length);
  const scores = new Float64Array(dims.seq);
  for (let r = 0; r < dims.rows; r++) {
    const start = r - (r % dims.seq);
    for (let h = 0; h < heads; h++) {
      let top = -Infinity;
      for (let s = start; s <= r; s++) {
        let dot = 0;
        for (let c = 0; c < hq; c++) dot += q![r * dq + h * hq + c]! * k![s * dq + h * hq + c]!;
        scores[s - start] = dot * scale;
        top = Math.max(top, dot * scale);
      }
      let total = 0;
      for (let s = start; s <= r; s++) total += scores[s - start] = Math.exp(scores[s - start]! - top);
      for (let s = start; s <= r; s++) {
        const p = scores[s - start]! / total;
        for (let c = 0; c < hv; c++) y[r * dv + h * hv + c]! += p * v![s * dv + h * hv + c]!;
      }
    }
  }
  return y;
}
