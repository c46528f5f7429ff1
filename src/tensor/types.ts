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

export type Activation = 'relu' | 'tanh' | 'gelu';

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
