// A small pre-norm Transformer block through the tape, generic over the backend: the sequence ops composed as the charlm model composes them.
import { Rng } from '../../src/dsl/index.js';
import { Tape, type Tensor, type TensorBackend } from '../../src/tensor/index.js';

const T = 5;
const D = 8;
const V = 7;
const SEQS = 3;
const HIDDEN = 12;
const N = T * SEQS;

/** Parameter shapes in order: tok, pos, ln gain, ln bias, Wq, Wk, Wv, dconv taps, W1, b1, W2, final ln gain, bias, head. */
const SHAPES: readonly (readonly [number, number])[] = [
  [V, D], [T, D], [1, D], [1, D], [D, D], [D, D], [D, D], [3, D], [D, HIDDEN], [1, HIDDEN], [HIDDEN, D], [1, D], [1, D], [D, V],
];

export interface BlockRun {
  readonly loss: Float32Array;
  readonly grads: Float32Array;
}

/** Per replica stride of the flat buffers: every shape, 1 element of padding after each. */
const OFFSETS = SHAPES.reduce<number[]>((acc, [r, c], k) => [...acc, (acc[k] ?? 0) + r * c + 1], [0]);
const STRIDE = OFFSETS[SHAPES.length]!;

/** Trains nothing: one forward and backward of the block with K replicas of seeded parameters. */
export async function runBlock<S>(backend: TensorBackend<S>, K: number, seed: number): Promise<BlockRun> {
  const rng = Rng.fromSeed(seed);
  const flat = Float32Array.from({ length: K * STRIDE }, () => rng.normal() * 0.6);
  const tokens = Float32Array.from({ length: N }, () => rng.int(V));
  const positions = Float32Array.from({ length: N }, (_, n) => n % T);
  const labels = Float32Array.from({ length: N }, () => rng.int(V));
  const params = backend.allocate(flat.length, flat);
  const grads = backend.allocate(flat.length);
  const column = (data: Float32Array): Tensor<S> => ({ storage: backend.allocate(N, data), offset: 0, batch: 1, batchStride: 0, rows: N, cols: 1 });
  const [tok, pos, y] = [column(tokens), column(positions), column(labels)];
  const tape = new Tape(backend);
  const view = (storage: S, k: number): Tensor<S> => ({ storage, offset: OFFSETS[k]!, batch: K, batchStride: STRIDE, rows: SHAPES[k]![0], cols: SHAPES[k]![1] });
  const p = SHAPES.map((_, k) => tape.param(view(params, k), view(grads, k)));
  const [wTok, wPos, g, b, wq, wk, wv, taps, w1, b1, w2, g2, bb2, wh] = p as [typeof p[0], ...typeof p];
  const x = tape.add(tape.embedding(wTok, tok), tape.embedding(wPos!, pos));
  const a = tape.layerNorm(x, g!, b!);
  const [q, k, v] = [wq!, wk!, wv!].map((w) => tape.dconv(tape.matmul(a, w), taps!, { seq: T }));
  const h = tape.add(x, tape.attention(q!, k!, v!, { heads: 2, seq: T }));
  const f = tape.matmul(tape.activation('sqrelu', tape.addBias(tape.matmul(h, w1!), b1!)), w2!);
  const z = tape.layerNorm(tape.add(h, tape.scale(tape.mul(f, h), 0.5)), g2!, bb2!);
  const loss = tape.softmaxCrossEntropy(tape.matmul(z, wh!), y);
  tape.backward(loss);
  const result = { loss: await backend.read(loss.value), grads: await backend.read({ storage: grads, offset: 0, batch: 1, batchStride: 0, rows: 1, cols: K * STRIDE }) };
  for (const s of [params, grads, tok.storage, pos.storage, y.storage]) backend.free(s);
  backend.resetArena();
  return result;
}
