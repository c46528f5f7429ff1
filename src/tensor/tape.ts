// A small autograd tape over a TensorBackend: each op records its output and its backward closure side by side.
//
// Usage per training step (the backend's arena is the caller's to reset):
//   tape.reset(); backend.resetArena();
//   const x = tape.constant(X); const W = tape.param(Wview, dWview); …
//   const loss = tape.softmaxCrossEntropy(logits, labels);
//   tape.backward(loss);   // writes every reached parameter's gradient into its view
// Gradients flow per replica: a replica's loss depends on its own parameters only, so the seed
// is 1 for every replica's loss and nothing is summed across the batch.
import type { Activation, AttentionOptions, SequenceOptions, Tensor, TensorBackend } from './types.js';

/** A value recorded on the tape. Valid until the tape's next reset. */
export interface TapeNode<S> {
  readonly value: Tensor<S>;
  /** True when some parameter reaches this value, so backward passes a gradient through it. */
  readonly requiresGrad: boolean;
  readonly id: number;
  readonly generation: number;
}

/** Computes a gradient contribution into `out` when given, else into fresh arena storage. */
type Contribution<S> = (out: Tensor<S> | undefined) => Tensor<S>;

interface Entry<S> {
  readonly node: TapeNode<S>;
  readonly inputs: readonly TapeNode<S>[];
  /** Where a parameter's gradient is written. */
  readonly target?: Tensor<S>;
  /** Given this node's gradient, sends a contribution to each input that requires one. */
  readonly backward?: (grad: Tensor<S>) => void;
  /** For the loss: its own gradient with respect to its input, computed in the forward pass. */
  readonly seed?: Tensor<S>;
  /** Reached ops that read this node, counted during backward. */
  consumers: number;
  received: number;
  grad: Tensor<S> | undefined;
}

export class Tape<S> {
  readonly backend: TensorBackend<S>;
  #entries: Entry<S>[] = [];
  #generation = 0;

  constructor(backend: TensorBackend<S>) {
    this.backend = backend;
  }

  /** Forgets every node; nodes made before are invalid from now on. */
  reset(): void {
    this.#entries = [];
    this.#generation += 1;
  }

  /** A value no gradient flows into (inputs, labels). */
  constant(value: Tensor<S>): TapeNode<S> {
    return this.#record(value, [], false, {});
  }

  /** A parameter: backward writes (overwrites) d loss / d value into `grad`, which has value's shape. */
  param(value: Tensor<S>, grad: Tensor<S>): TapeNode<S> {
    if (grad.batch !== value.batch || grad.rows !== value.rows || grad.cols !== value.cols) {
      throw new RangeError(`param: gradient view [${grad.batch}, ${grad.rows}, ${grad.cols}] differs from the value's [${value.batch}, ${value.rows}, ${value.cols}]`);
    }
    return this.#record(value, [], true, { target: grad });
  }

  /** op(a) · op(b), batched; op transposes when asked. */
  matmul(a: TapeNode<S>, b: TapeNode<S>, options: { transA?: boolean; transB?: boolean } = {}): TapeNode<S> {
    const tA = options.transA ?? false;
    const tB = options.transB ?? false;
    const value = this.backend.matmul(this.#value(a), this.#value(b), { transA: tA, transB: tB });
    return this.#op(value, [a, b], (g) => {
      const A = a.value;
      const B = b.value;
      // C = op(A) op(B): d op(A) = G op(B)^T and d op(B) = op(A)^T G, transposed back when op transposes.
      this.#send(a, (out) => (tA
        ? this.backend.matmul(B, g, { transA: tB, transB: true, ...(out && { out }) })
        : this.backend.matmul(g, B, { transB: !tB, ...(out && { out }) })));
      this.#send(b, (out) => (tB
        ? this.backend.matmul(g, A, { transA: true, transB: tA, ...(out && { out }) })
        : this.backend.matmul(A, g, { transA: !tA, ...(out && { out }) })));
    });
  }

  /** a + b elementwise. */
  add(a: TapeNode<S>, b: TapeNode<S>): TapeNode<S> {
    const value = this.backend.add(this.#value(a), this.#value(b));
    return this.#op(value, [a, b], (g) => {
      this.#send(a, (out) => this.#passThrough(g, out));
      this.#send(b, (out) => this.#passThrough(g, out));
    });
  }

  /** x + bias, bias [batch, 1, cols] added to every row. */
  addBias(x: TapeNode<S>, bias: TapeNode<S>): TapeNode<S> {
    const value = this.backend.addBias(this.#value(x), this.#value(bias));
    return this.#op(value, [x, bias], (g) => {
      this.#send(x, (out) => this.#passThrough(g, out));
      this.#send(bias, (out) => this.backend.sumRows(g, out));
    });
  }

  activation(kind: Activation, x: TapeNode<S>): TapeNode<S> {
    const value = this.backend.activation(kind, this.#value(x));
    return this.#op(value, [x], (g) => this.#send(x, (out) => this.backend.activationGrad(kind, x.value, g, out)));
  }

  /** a ⊙ b elementwise. */
  mul(a: TapeNode<S>, b: TapeNode<S>): TapeNode<S> {
    const value = this.backend.mul(this.#value(a), this.#value(b));
    return this.#op(value, [a, b], (g) => {
      this.#send(a, (out) => this.backend.mul(g, b.value, out));
      this.#send(b, (out) => this.backend.mul(g, a.value, out));
    });
  }

  /** c · x. */
  scale(x: TapeNode<S>, c: number): TapeNode<S> {
    const value = this.backend.scale(this.#value(x), c);
    return this.#op(value, [x], (g) => this.#send(x, (out) => this.backend.scale(g, c, out)));
  }

  /** Rows of `table` [batch, V, D] picked by ids [1 or batch, N, 1] → [batch, N, D]; ids get no gradient. */
  embedding(table: TapeNode<S>, ids: Tensor<S>): TapeNode<S> {
    const value = this.backend.embedding(this.#value(table), ids);
    const rows = table.value.rows;
    return this.#op(value, [table], (g) => this.#send(table, (out) => this.backend.embeddingGrad(ids, g, rows, out)));
  }

  /** LayerNorm of each row of x [batch, N, D] with gain and bias [batch, 1, D]. */
  layerNorm(x: TapeNode<S>, gain: TapeNode<S>, bias: TapeNode<S>, eps = 1e-5): TapeNode<S> {
    const { y, stats } = this.backend.layerNorm(this.#value(x), this.#value(gain), this.#value(bias), eps);
    return this.#op(y, [x, gain, bias], (g) => {
      const grads = this.backend.layerNormGrad(x.value, gain.value, stats, g, this.#outs({ dx: x, dgain: gain, dbias: bias }));
      this.#send(x, () => grads.dx);
      this.#send(gain, () => grads.dgain);
      this.#send(bias, () => grads.dbias);
    });
  }

  /** Causal multi-head attention of q, k, v [batch, B·T, D] (see TensorBackend.attention). */
  attention(q: TapeNode<S>, k: TapeNode<S>, v: TapeNode<S>, options: AttentionOptions): TapeNode<S> {
    const { heads, seq } = options;
    const { out, probs } = this.backend.attention(this.#value(q), this.#value(k), this.#value(v), { heads, seq });
    return this.#op(out, [q, k, v], (g) => {
      const outs = this.#outs({ dq: q, dk: k, dv: v });
      const grads = this.backend.attentionGrad(q.value, k.value, v.value, probs, g, { heads, seq, ...outs });
      this.#send(q, () => grads.dq);
      this.#send(k, () => grads.dk);
      this.#send(v, () => grads.dv);
    });
  }

  /** Causal depthwise convolution of x [batch, B·T, D] along each sequence with taps [batch, W, D]. */
  dconv(x: TapeNode<S>, taps: TapeNode<S>, options: SequenceOptions): TapeNode<S> {
    const { seq } = options;
    const value = this.backend.dconv(this.#value(x), this.#value(taps), { seq });
    return this.#op(value, [x, taps], (g) => {
      const grads = this.backend.dconvGrad(x.value, taps.value, g, { seq, ...this.#outs({ dx: x, dtaps: taps }) });
      this.#send(x, () => grads.dx);
      this.#send(taps, () => grads.dtaps);
    });
  }

  /** Mean softmax cross-entropy per replica, [batch, 1, 1]; labels [1, M, 1] hold class indices. */
  softmaxCrossEntropy(logits: TapeNode<S>, labels: Tensor<S>): TapeNode<S> {
    const { loss, dlogits } = this.backend.softmaxCrossEntropy(this.#value(logits), labels);
    const node = this.#node(loss, logits.requiresGrad);
    this.#entries.push(entry(node, [logits], { seed: dlogits }));
    return node;
  }

  /** Runs the backward closures from `loss` (a softmaxCrossEntropy node) and writes every parameter's gradient. */
  backward(loss: TapeNode<S>): void {
    const root = this.#entry(loss);
    if (root.seed === undefined) throw new Error('backward: the loss must be a softmaxCrossEntropy node');
    const reached = this.#countConsumers(root);
    this.#send(root.inputs[0]!, (out) => this.#passThrough(root.seed!, out));
    for (let id = loss.id - 1; id >= 0; id--) {
      const e = this.#entries[id]!;
      if (!reached[id] || !e.node.requiresGrad || e.grad === undefined) continue;
      e.backward?.(e.grad);
    }
    for (const e of this.#entries) {
      // A parameter the loss does not reach has gradient zero.
      if (e.target !== undefined && e.received === 0) this.#zeroInto(e.target);
    }
  }

  /** Marks the nodes `root` depends on and counts, for each, the reached ops that read it. */
  #countConsumers(root: Entry<S>): boolean[] {
    const reached = new Array<boolean>(this.#entries.length).fill(false);
    for (const e of this.#entries) {
      e.consumers = 0;
      e.received = 0;
      e.grad = undefined;
    }
    reached[root.node.id] = true;
    for (let id = root.node.id; id >= 0; id--) {
      if (!reached[id]) continue;
      for (const input of this.#entries[id]!.inputs) {
        reached[input.id] = true;
        this.#entries[input.id]!.consumers += 1;
      }
    }
    return reached;
  }

  /** Adds one contribution to `node`'s gradient; the last one lands in the parameter's view. */
  #send(node: TapeNode<S>, contribution: Contribution<S>): void {
    const e = this.#entries[node.id]!;
    if (!node.requiresGrad) return;
    e.received += 1;
    const last = e.received === e.consumers;
    if (e.grad === undefined) {
      e.grad = contribution(last ? e.target : undefined);
    } else {
      // Partial sums go to fresh storage: the first contribution may be another node's gradient
      // passed through, and summing in place would make the backend copy an operand aside.
      const part = contribution(undefined);
      e.grad = this.backend.add(e.grad, part, last ? e.target : undefined);
    }
    if (e.grad.batch !== node.value.batch) {
      throw new RangeError(`backward: a gradient of batch ${e.grad.batch} reached a value of batch ${node.value.batch}; summing gradients over replicas is not supported`);
    }
  }

  /**
   * For an op that computes several inputs' gradients in one call: where each should be written,
   * the view #send would pass its contribution (a parameter's gradient view when this is the
   * node's only pending contribution), else nothing. Computed before any of them is sent, so an
   * input appearing twice gets no view and its contributions are summed.
   */
  #outs<K extends string>(nodes: Record<K, TapeNode<S>>): Partial<Record<K, Tensor<S>>> {
    const outs: Partial<Record<K, Tensor<S>>> = {};
    for (const key of Object.keys(nodes) as K[]) {
      const node = nodes[key];
      const e = this.#entries[node.id]!;
      if (node.requiresGrad && e.grad === undefined && e.received + 1 === e.consumers && e.target !== undefined) outs[key] = e.target;
    }
    return outs;
  }

  /** `g` itself, or a copy of it in `out`. */
  #passThrough(g: Tensor<S>, out: Tensor<S> | undefined): Tensor<S> {
    if (out === undefined) return g;
    return this.backend.add(g, this.backend.empty(g.batch, g.rows, g.cols), out);
  }

  #zeroInto(target: Tensor<S>): void {
    const zero = this.backend.empty(target.batch, target.rows, target.cols);
    this.backend.add(zero, zero, target);
  }

  #op(value: Tensor<S>, inputs: readonly TapeNode<S>[], backward: (grad: Tensor<S>) => void): TapeNode<S> {
    const requiresGrad = inputs.some((i) => i.requiresGrad);
    return this.#record(value, inputs, requiresGrad, { backward });
  }

  #record(value: Tensor<S>, inputs: readonly TapeNode<S>[], requiresGrad: boolean, extra: Partial<Entry<S>>): TapeNode<S> {
    const node = this.#node(value, requiresGrad);
    this.#entries.push(entry(node, inputs, extra));
    return node;
  }

  #node(value: Tensor<S>, requiresGrad: boolean): TapeNode<S> {
    return { value, requiresGrad, id: this.#entries.length, generation: this.#generation };
  }

  #entry(node: TapeNode<S>): Entry<S> {
    const e = this.#entries[node.id];
    if (node.generation !== this.#generation || e === undefined || e.node !== node) {
      throw new Error('tape: the node belongs to another tape or to a step before the last reset()');
    }
    return e;
  }

  #value(node: TapeNode<S>): Tensor<S> {
    return this.#entry(node).node.value;
  }
}

function entry<S>(node: TapeNode<S>, inputs: readonly TapeNode<S>[], extra: Partial<Entry<S>>): Entry<S> {
  return { ...extra, node, inputs, consumers: 0, received: 0, grad: undefined };
}
