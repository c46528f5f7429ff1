// Storage handed out per training step and reused in the same order after a reset, so a step allocates nothing once warm.

/**
 * Arrays (or buffers) grouped by element count. A training step asks for the same sizes in the
 * same order every time, so after `reset()` the k-th request of a size gets the array the k-th
 * request got last step; on webgpu that keeps bind groups cached by buffer valid.
 */
export class Arena<S> {
  readonly #create: (length: number) => S;
  readonly #destroy: (storage: S) => void;
  readonly #bySize = new Map<number, { readonly items: S[]; used: number }>();

  constructor(create: (length: number) => S, destroy: (storage: S) => void = () => undefined) {
    this.#create = create;
    this.#destroy = destroy;
  }

  /** Storage of exactly `length` elements, not handed out since the last reset; its contents are stale. */
  take(length: number): S {
    let group = this.#bySize.get(length);
    if (group === undefined) {
      group = { items: [], used: 0 };
      this.#bySize.set(length, group);
    }
    if (group.used === group.items.length) group.items.push(this.#create(length));
    return group.items[group.used++]!;
  }

  /** Everything handed out may be handed out again. */
  reset(): void {
    for (const group of this.#bySize.values()) group.used = 0;
  }

  /** Every storage the arena owns. */
  *storages(): Iterable<S> {
    for (const group of this.#bySize.values()) yield* group.items;
  }

  /** Elements held in all. */
  get size(): number {
    let total = 0;
    for (const [length, group] of this.#bySize) total += length * group.items.length;
    return total;
  }

  destroy(): void {
    for (const group of this.#bySize.values()) for (const item of group.items) this.#destroy(item);
    this.#bySize.clear();
  }
}
