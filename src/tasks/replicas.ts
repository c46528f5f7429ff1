// K replicas of one model in flat [K][stride] buffers, each updated by its own program: the storage's
// lifetime and the training loop every proxy task shares (the task gives the loss of a step).
import type { Tensor, TensorBackend, TapeNode } from '../tensor/index.js';
import { Tape } from '../tensor/index.js';
import type { ParameterLayout } from './layout.js';
import type { ReplicaStorage, ReplicaUpdates } from './updates.js';

export interface ReplicaSetup<S> {
  readonly backend: TensorBackend<S>;
  readonly replicas: number;
  readonly layout: ParameterLayout;
  /** One replica's initial parameters [stride]; every replica starts from them. */
  readonly init: Float32Array;
  readonly slots: number;
  /** Builds the replicas' update rules over the storage allocated here. */
  readonly updates: (storage: ReplicaStorage<S>, layout: ParameterLayout) => ReplicaUpdates;
}

export interface ReplicaSession<S> {
  readonly storage: ReplicaStorage<S>;
  readonly updates: ReplicaUpdates;
  /** Long-lived storage freed with the session's (task data, per-step inputs). */
  allocate(length: number, data?: Float32Array): S;
}

/** Allocates parameters (K copies of init), gradients and state slots, runs `body`, then frees everything. */
export async function withReplicas<S, R>(setup: ReplicaSetup<S>, body: (session: ReplicaSession<S>) => Promise<R>): Promise<R> {
  const { backend, layout, replicas: K } = setup;
  const owned: S[] = [];
  const allocate = (length: number, data?: Float32Array) => {
    const s = backend.allocate(length, data);
    owned.push(s);
    return s;
  };
  const storage: ReplicaStorage<S> = {
    params: allocate(K * layout.stride, repeat(setup.init, K)),
    grads: allocate(K * layout.stride),
    slots: Array.from({ length: setup.slots }, () => allocate(K * layout.stride)),
  };
  const updates = setup.updates(storage, layout);
  try {
    return await body({ storage, updates, allocate });
  } finally {
    updates.destroy();
    backend.resetArena();
    for (const s of owned) backend.free(s);
  }
}

export interface StepLoop<S> {
  readonly steps: number;
  /** The learning rate the programs receive at 1-based `step`. */
  readonly learningRate: (step: number) => number;
  /** Records step `step`'s loss [K, 1, 1] on a freshly reset tape and arena. */
  readonly loss: (tape: Tape<S>, step: number) => TapeNode<S>;
  /** Steps between reads of the divergence flags (a device sync); diverged replicas stop updating. */
  readonly checkEvery?: number;
  readonly onStep?: (step: number) => void;
}

const DEFAULT_CHECK_EVERY = 50;

/**
 * Trains every replica for `loop.steps` steps: loss, backward into the gradient buffer, then each
 * active replica's update. Returns, per replica, the 1-based step at which its loss or its weights
 * were first seen non-finite, or −1.
 */
export async function trainSteps<S>(setup: ReplicaSetup<S>, session: ReplicaSession<S>, loop: StepLoop<S>): Promise<Float32Array> {
  const { backend, layout, replicas: K } = setup;
  const checkEvery = loop.checkEvery ?? DEFAULT_CHECK_EVERY;
  const divergedAt: Tensor<S> = { storage: session.allocate(K, new Float32Array(K).fill(-1)), offset: 0, batch: K, batchStride: 1, rows: 1, cols: 1 };
  // Each tensor as one row per replica, so that padding between tensors is never read.
  const tensors = layout.tensors.map((t): Tensor<S> => ({ storage: session.storage.params, offset: t.offset, batch: K, batchStride: layout.stride, rows: 1, cols: t.size }));
  const active = new Array<boolean>(K).fill(true);
  const tape = new Tape(backend);
  for (let step = 1; step <= loop.steps; step++) {
    backend.resetArena();
    tape.reset();
    const loss = loop.loss(tape, step);
    tape.backward(loss);
    backend.markNonFinite(loss.value, step, divergedAt);
    backend.flush();
    await session.updates.apply(loop.learningRate(step), step, active);
    if (step % checkEvery === 0 || step === loop.steps) {
      for (const t of tensors) backend.markNonFinite(t, step, divergedAt);
      const flags = await backend.read(divergedAt);
      flags.forEach((f, k) => {
        if (f >= 0) active[k] = false;
      });
    }
    loop.onStep?.(step);
  }
  return backend.read(divergedAt);
}

function repeat(block: Float32Array, times: number): Float32Array {
  const out = new Float32Array(block.length * times);
  for (let k = 0; k < times; k++) out.set(block, k * block.length);
  return out;
}
