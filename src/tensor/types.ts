// The tensor contract both backends implement: batched 2-D views over flat storage, and the ops the proxy models need.

/**
 * A batch of `batch` matrices [rows, cols], row-major, inside flat storage. Replica r's matrix
 * starts at `offset + r * batchStride` (elements). `batchStride` 0 means one matrix shared by
 * every replica (broadcast), e.g. the input batch X that all K model replicas read.
 * S is Float32Array on the cpu backend and GPUBuffer on the webgpu backend.
 */
export interface Tensor<S> {
  readonly storage: S;
  readonly offset: number;
  readonly batch: number;
  readonly batchStride: number;
  readonly rows: number;
  readonly cols: number;
}

/**
 * Elementwise activations. gelu is the tanh approximation (PyTorch's `gelu(x, approximate='tanh')`,
 * not its default erf form); sqrelu is relu(x)², square x², sigmoid 1 / (1 + e^−x).
 */
export type Activation = 'relu' | 'tanh' | 'gelu' | 'square' | 'sigmoid' | 'sqrelu';

/** Rows [batch, B·T, ·] hold B sequences of `seq` positions each, one after another. */
export interface SequenceOptions {
  readonly seq: number;
}

/** Causal multi-head attention over sequences of `seq` rows; head h owns columns h·D/H … (h+1)·D/H − 1. */
export interface AttentionOptions extends SequenceOptions {
  readonly heads: number;
}

/**
 * Ops on one backend. Every op writes into `out` when given (a view the caller owns, e.g. a slice
 * of the flat gradient buffer) and otherwise into a fresh tensor from the backend's arena.
 * `out` may share storage with an input: the backend then reads a copy of that input.
 * Batch rule: an op's batch is the largest input batch; inputs with batch 1 broadcast.
 * On webgpu, ops only encode work; `flush()` submits it and `read()` waits for it.
 */
export interface TensorBackend<S> {
  readonly name: 'cpu' | 'webgpu';

  /** A fresh, zeroed, contiguous tensor [batch, rows, cols] owned by the arena until `resetArena()`. */
  empty(batch: number, rows: number, cols: number): Tensor<S>;
  /** Long-lived storage of `length` elements (not arena), filled from `data` when given. */
  allocate(length: number, data?: Float32Array): S;
  /** Overwrites `length` elements of storage at `offset` from `data`. */
  write(storage: S, offset: number, data: Float32Array): void;
  /** The tensor's elements, contiguous [batch, rows, cols] (a broadcast tensor reads as batch 1). */
  read(t: Tensor<S>): Promise<Float32Array>;
  /** Releases long-lived storage from `allocate`. */
  free(storage: S): void;
  /** Arena tensors handed out since the last reset may be reused from now on. */
  resetArena(): void;
  /** Submits encoded work (webgpu); a no-op on cpu. */
  flush(): void;
  /** Frees everything the backend holds (arena, pipelines); the backend is unusable afterwards. */
  destroy(): void;

  /** out[b] = op(a[b]) · op(b[b]) with op = transpose when asked; [M,K]·[K,N] → [M,N]. */
  matmul(a: Tensor<S>, b: Tensor<S>, options?: { transA?: boolean; transB?: boolean; out?: Tensor<S> }): Tensor<S>;
  /**
   * out = a + b elementwise, same [rows, cols] (batch broadcast as usual). The tape needs it to
   * accumulate the gradient of a node that feeds several ops. `out` may alias `a` or `b`.
   */
  add(a: Tensor<S>, b: Tensor<S>, out?: Tensor<S>): Tensor<S>;
  /** y = x + bias, bias [batch, 1, cols] broadcast over rows. */
  addBias(x: Tensor<S>, bias: Tensor<S>, out?: Tensor<S>): Tensor<S>;
  /** db = Σ_rows dy → [batch, 1, cols]. */
  sumRows(dy: Tensor<S>, out?: Tensor<S>): Tensor<S>;
  /** y = f(x) elementwise. */
  activation(kind: Activation, x: Tensor<S>, out?: Tensor<S>): Tensor<S>;
  /** dx = dy · f'(x) elementwise, from the activation's input x. */
  activationGrad(kind: Activation, x: Tensor<S>, dy: Tensor<S>, out?: Tensor<S>): Tensor<S>;
  /**
   * Mean softmax cross-entropy of logits [batch, M, C] against labels [1, M, 1] (class indices
   * stored as floats). Returns loss [batch, 1, 1] and dlogits = (softmax − onehot) / M.
   */
  softmaxCrossEntropy(logits: Tensor<S>, labels: Tensor<S>): { loss: Tensor<S>; dlogits: Tensor<S> };
  /** out = a ⊙ b elementwise, same [rows, cols]. */
  mul(a: Tensor<S>, b: Tensor<S>, out?: Tensor<S>): Tensor<S>;
  /** out = c · x. */
  scale(x: Tensor<S>, c: number, out?: Tensor<S>): Tensor<S>;

  /**
   * out[n] = table[ids[n]]: table [batch, V, D], ids [1 or batch, N, 1] (indices stored as floats)
   * → [batch, N, D]. A row whose id is not an integer in [0, V) is NaN.
   */
  embedding(table: Tensor<S>, ids: Tensor<S>, out?: Tensor<S>): Tensor<S>;
  /**
   * d table = Σ_n onehot(ids[n]) dy[n] → [batch, rows, D]; dy [batch, N, D]. Each element sums its
   * rows n in increasing order, so results are the same bits every run. Invalid ids add nothing.
   */
  embeddingGrad(ids: Tensor<S>, dy: Tensor<S>, rows: number, out?: Tensor<S>): Tensor<S>;

  /**
   * Per row of x [batch, N, D]: y = (x − mean) · rstd · gain + bias, rstd = 1 / √(var + eps) with the
   * biased variance; gain and bias [1 or batch, 1, D]. stats [batch, N, 2] holds (mean, rstd) per row.
   */
  layerNorm(x: Tensor<S>, gain: Tensor<S>, bias: Tensor<S>, eps: number): { y: Tensor<S>; stats: Tensor<S> };
  /** Gradients of layerNorm from its input, gain, stats and dy; dgain and dbias are [batch, 1, D]. */
  layerNormGrad(
    x: Tensor<S>, gain: Tensor<S>, stats: Tensor<S>, dy: Tensor<S>,
    outs?: { dx?: Tensor<S>; dgain?: Tensor<S>; dbias?: Tensor<S> },
  ): { dx: Tensor<S>; dgain: Tensor<S>; dbias: Tensor<S> };

  /**
   * Causal attention: q, k, v [batch, B·T, D] (rows of sequence b at b·T …); per sequence and head,
   * out = softmax(q kᵀ / √(D/H), future positions −∞) v. probs [batch, B·H·T, T]: row (b·H + h)·T + t
   * holds the weights of query t, 0 past t.
   */
  attention(q: Tensor<S>, k: Tensor<S>, v: Tensor<S>, options: AttentionOptions): { out: Tensor<S>; probs: Tensor<S> };
  /** Gradients of attention from its inputs and probs; probs must be 0 past the diagonal, as attention leaves them. */
  attentionGrad(
    q: Tensor<S>, k: Tensor<S>, v: Tensor<S>, probs: Tensor<S>, dOut: Tensor<S>,
    options: AttentionOptions & { dq?: Tensor<S>; dk?: Tensor<S>; dv?: Tensor<S> },
  ): { dq: Tensor<S>; dk: Tensor<S>; dv: Tensor<S> };

  /**
   * Causal depthwise convolution along each sequence: y_t = Σ_j taps[j] ⊙ x_{t−j}, j = 0 … W − 1,
   * x before the sequence's start 0. x [batch, B·T, D], taps [1 or batch, W, D].
   */
  dconv(x: Tensor<S>, taps: Tensor<S>, options: SequenceOptions & { out?: Tensor<S> }): Tensor<S>;
  dconvGrad(
    x: Tensor<S>, taps: Tensor<S>, dy: Tensor<S>,
    options: SequenceOptions & { dx?: Tensor<S>; dtaps?: Tensor<S> },
  ): { dx: Tensor<S>; dtaps: Tensor<S> };

  /** Per replica: [Σ_rows loss, number of rows whose argmax equals the label] → [batch, 1, 2]. */
  classificationStats(logits: Tensor<S>, labels: Tensor<S>): Tensor<S>;
  /** out = mean of every element of each replica → [batch, 1, 1]. */
  mean(x: Tensor<S>, out?: Tensor<S>): Tensor<S>;
  /**
   * For each replica whose `value` [batch, 1, n] holds a non-finite element and whose
   * `divergedAt` [batch, 1, 1] is still negative, sets divergedAt to `step`.
   */
  markNonFinite(value: Tensor<S>, step: number, divergedAt: Tensor<S>): void;
}
