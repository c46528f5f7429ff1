// A pre-norm Transformer language model over K replicas: token and learned position embeddings, a stack of
// blocks, a final LayerNorm and an untied head. The block is a plug-in: (tape, x, block parameters) → x.
import type { Tape, TapeNode, Tensor } from '../tensor/index.js';
import type { TensorShape } from './layout.js';

export type FeedForwardActivation = 'relu' | 'sqrelu';
export const FEED_FORWARD_ACTIVATIONS: readonly FeedForwardActivation[] = ['relu', 'sqrelu'];

/** The model's sizes and switches, named as the PyTorch twin's options. */
export interface TransformerSize {
  /** Model width D. */
  readonly width: number;
  /** Attention heads H, each D/H wide. */
  readonly heads: number;
  /** Blocks L. */
  readonly layers: number;
  /** Context T: characters per window. */
  readonly context: number;
  /** The feed-forward activation: relu, or relu squared (Primer). */
  readonly act: FeedForwardActivation;
  /** A causal depthwise convolution of width 3 after each of q, k and v (Primer's DConv). */
  readonly dconv: boolean;
}

/**
 * How a tensor starts: `uniform` draws f32(U · scale) from the shared init stream, in the order the
 * model lists such tensors (scale 1/√rows unless given); the others are constants.
 */
export type TensorInit =
  | { readonly kind: 'uniform'; readonly scale?: number }
  | { readonly kind: 'zeros' }
  | { readonly kind: 'ones' }
  /** Convolution taps [W, D]: row 0 ones, the rest zeros (the identity). */
  | { readonly kind: 'identity-taps' };

export interface ModelTensor extends TensorShape {
  readonly init: TensorInit;
}

/** A block's parameters on the tape, by the names its `parameters` gave (without the block's prefix). */
export type BlockParams<S> = ReadonlyMap<string, TapeNode<S>>;

/** Where the block sits: replicas' rows are B windows of `seq` positions each. */
export interface BlockContext {
  readonly size: TransformerSize;
  /** Positions per window, T. */
  readonly seq: number;
}

/** A Transformer block: its parameters (names local to the block) and its forward pass x [K, B·T, D] → x. */
export interface TransformerBlock {
  readonly name: string;
  parameters(size: TransformerSize): readonly ModelTensor[];
  forward<S>(tape: Tape<S>, x: TapeNode<S>, params: BlockParams<S>, context: BlockContext): TapeNode<S>;
}

const uniform: TensorInit = { kind: 'uniform' };
const zeros: TensorInit = { kind: 'zeros' };
const ones: TensorInit = { kind: 'ones' };

/** The twin's block: pre-norm causal multi-head attention, then a 4D feed-forward, each a residual. */
export const PRE_NORM_BLOCK: TransformerBlock = {
  name: 'pre-norm',
  parameters(size) {
    const D = size.width;
    const projections = ['q', 'k', 'v', 'o'];
    return [
      // Drawn from the stream in this order: Wq, Wk, Wv, Wo, W1, W2.
      ...projections.map((n) => ({ name: `W${n}`, rows: D, cols: D, init: uniform })),
      { name: 'W1', rows: D, cols: 4 * D, init: uniform },
      { name: 'W2', rows: 4 * D, cols: D, init: uniform },
      ...projections.map((n) => ({ name: `b${n}`, rows: 1, cols: D, init: zeros })),
      { name: 'b1', rows: 1, cols: 4 * D, init: zeros },
      { name: 'b2', rows: 1, cols: D, init: zeros },
      ...['ln1', 'ln2'].flatMap((ln) => [
        { name: `${ln}.g`, rows: 1, cols: D, init: ones },
        { name: `${ln}.b`, rows: 1, cols: D, init: zeros },
      ]),
      ...(size.dconv ? ['cq', 'ck', 'cv'].map((c): ModelTensor => ({ name: c, rows: DCONV_WIDTH, cols: D, init: { kind: 'identity-taps' } })) : []),
    ];
  },
  forward<S>(tape: Tape<S>, x: TapeNode<S>, p: BlockParams<S>, { size, seq }: BlockContext): TapeNode<S> {
    const get = (name: string) => blockParam(p, name);
    const linear = (h: TapeNode<S>, n: string) => tape.addBias(tape.matmul(h, get(`W${n}`)), get(`b${n}`));
    const a = tape.layerNorm(x, get('ln1.g'), get('ln1.b'));
    // [K, B·T, D] each; head h reads columns h·D/H .. (h+1)·D/H.
    let q = linear(a, 'q');
    let k = linear(a, 'k');
    let v = linear(a, 'v');
    if (size.dconv) {
      q = tape.dconv(q, get('cq'), { seq });
      k = tape.dconv(k, get('ck'), { seq });
      v = tape.dconv(v, get('cv'), { seq });
    }
    const attended = tape.attention(q, k, v, { heads: size.heads, seq });
    const h1 = tape.add(x, linear(attended, 'o'));
    const f = tape.layerNorm(h1, get('ln2.g'), get('ln2.b'));
    const hidden = tape.activation(size.act, linear(f, '1'));
    return tape.add(h1, linear(hidden, '2'));
  },
};

/** Taps of the Primer convolution: the current position and the two before it. */
export const DCONV_WIDTH = 3;

function blockParam<S>(params: BlockParams<S>, name: string): TapeNode<S> {
  const node = params.get(name);
  if (node === undefined) throw new RangeError(`block parameter '${name}' is missing`);
  return node;
}

/**
 * Every tensor of the model, named as the twin names them: tok [V, D], pos [T, D], then per block
 * `l.name`, then ln.g, ln.b, Wh [D, V], bh. Uniform tensors appear in the init stream's order.
 */
export function transformerTensors(size: TransformerSize, vocabulary: number, block: TransformerBlock = PRE_NORM_BLOCK): ModelTensor[] {
  const D = size.width;
  return [
    { name: 'tok', rows: vocabulary, cols: D, init: { kind: 'uniform', scale: 1 } },
    { name: 'pos', rows: size.context, cols: D, init: { kind: 'uniform', scale: 1 } },
    ...Array.from({ length: size.layers }, (_, l) => block.parameters(size).map((t) => ({ ...t, name: `${l}.${t.name}` }))).flat(),
    { name: 'Wh', rows: D, cols: vocabulary, init: uniform },
    { name: 'ln.g', rows: 1, cols: D, init: ones },
    { name: 'ln.b', rows: 1, cols: D, init: zeros },
    { name: 'bh', rows: 1, cols: vocabulary, init: zeros },
  ];
}

/** The windows a forward pass reads: ids [1, B·T, 1] as floats, positions [1, B·T, 1] (n mod T). */
export interface TransformerInput<S> {
  readonly tokens: Tensor<S>;
  readonly positions: Tensor<S>;
}

/** Logits [K, B·T, V] of the windows, through the embeddings, the blocks, the final LayerNorm and the head. */
export function transformerLogits<S>(
  tape: Tape<S>,
  params: ReadonlyMap<string, TapeNode<S>>,
  input: TransformerInput<S>,
  size: TransformerSize,
  block: TransformerBlock = PRE_NORM_BLOCK,
): TapeNode<S> {
  const get = (name: string) => {
    const node = params.get(name);
    if (node === undefined) throw new RangeError(`model parameter '${name}' is missing`);
    return node;
  };
  let x = tape.add(tape.embedding(get('tok'), input.tokens), tape.embedding(get('pos'), input.positions));
  for (let l = 0; l < size.layers; l++) {
    const prefix = `${l}.`;
    const local = new Map([...params].filter(([name]) => name.startsWith(prefix)).map(([name, node]) => [name.slice(prefix.length), node]));
    x = block.forward(tape, x, local, { size, seq: size.context });
  }
  const z = tape.layerNorm(x, get('ln.g'), get('ln.b'));
  return tape.addBias(tape.matmul(z, get('Wh')), get('bh'));
}

/** Throws a RangeError naming the first size that cannot make a model. */
export function checkTransformerSize(size: TransformerSize): void {
  for (const key of ['width', 'heads', 'layers', 'context'] as const) {
    const v = size[key];
    if (!Number.isSafeInteger(v) || v < 1) throw new RangeError(`${key} must be a positive integer (got ${v})`);
  }
  if (size.width % size.heads !== 0) throw new RangeError(`width ${size.width} is not a multiple of heads ${size.heads}`);
  if (!FEED_FORWARD_ACTIVATIONS.includes(size.act)) throw new RangeError(`act must be one of ${FEED_FORWARD_ACTIVATIONS.join(', ')} (got ${size.act})`);
}
