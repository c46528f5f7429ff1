// A small seeded, splittable random generator (sfc32) whose whole state is four 32-bit words,
// so a search can write it into a checkpoint and resume the same stream.
//
// sfc32 (Chris Doty-Humphrey's "small fast counting" generator) passes PractRand; its counter
// word guarantees a period of at least 2^32 from any state. Seeds are spread over the state with
// splitmix32, and a child stream from `split()` is seeded from four outputs of its parent.

/** The serialisable state: the four sfc32 words, each an unsigned 32-bit integer. */
export interface RngState {
  readonly sfc32: readonly [number, number, number, number];
}

const TWO_32 = 4294967296;

export class Rng {
  private constructor(
    private a: number,
    private b: number,
    private c: number,
    private d: number,
  ) {}

  /** A generator for a 32-bit integer seed (any integer; it is taken modulo 2^32). */
  static fromSeed(seed: number): Rng {
    if (!Number.isSafeInteger(seed)) throw new RangeError(`an Rng seed must be an integer, got ${seed}`);
    return Rng.fromWords([seed % TWO_32 >>> 0, 0x243f6a88, 0x85a308d3, 0x13198a2e]);
  }

  /** Restores a generator from `state()`, typically read back from JSON. */
  static fromState(state: RngState): Rng {
    const words = state?.sfc32;
    const valid =
      Array.isArray(words) &&
      words.length === 4 &&
      words.every((x) => Number.isInteger(x) && x >= 0 && x < TWO_32);
    if (!valid) throw new RangeError(`not an Rng state: ${JSON.stringify(state)}`);
    return new Rng(words[0]!, words[1]!, words[2]!, words[3]!);
  }

  /** Seeds from arbitrary words: mix them with splitmix32, then discard the first outputs. */
  private static fromWords(words: readonly number[]): Rng {
    let mix = 0;
    const next = (word: number) => {
      mix = (mix + (word | 0) + 0x9e3779b9) | 0;
      return splitmix32(mix);
    };
    const rng = new Rng(next(words[0]!), next(words[1]!), next(words[2]!), next(words[3]!));
    for (let i = 0; i < 12; i++) rng.uint32();
    return rng;
  }

  state(): RngState {
    return { sfc32: [this.a >>> 0, this.b >>> 0, this.c >>> 0, this.d >>> 0] };
  }

  /** A uniform unsigned 32-bit integer. */
  uint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1), with 32 random bits. */
  next(): number {
    return this.uint32() / TWO_32;
  }

  /** Uniform integer in [0, n), for 1 <= n <= 2^32. */
  int(n: number): number {
    if (!Number.isInteger(n) || n < 1 || n > TWO_32) throw new RangeError(`int(n) needs 1 <= n <= 2^32, got ${n}`);
    // Rejection keeps the draw exactly uniform: refuse the top partial block of 2^32 values.
    const limit = TWO_32 - (TWO_32 % n);
    let x = this.uint32();
    while (x >= limit) x = this.uint32();
    return x % n;
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return this.next() < p;
  }

  /** A uniformly chosen element of a non-empty array. */
  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('pick() from an empty array');
    return items[this.int(items.length)]!;
  }

  /** A standard normal sample (Box–Muller; one value per call, so no cached spare in the state). */
  normal(): number {
    const u = 1 - this.next(); // (0, 1]: log(u) is finite
    const v = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** An independent child stream; advances this one by four draws. */
  split(): Rng {
    return Rng.fromWords([this.uint32(), this.uint32(), this.uint32(), this.uint32()]);
  }
}

function splitmix32(x: number): number {
  let t = x ^ (x >>> 16);
  t = Math.imul(t, 0x21f0aaad);
  t ^= t >>> 15;
  t = Math.imul(t, 0x735a2d97);
  return (t ^ (t >>> 15)) >>> 0;
}
