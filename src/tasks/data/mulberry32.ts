// mulberry32: the 32-bit generator the teacher task's published generation rule is written in.

/** A stream of uint32 values from `seed`, the standard mulberry32 sequence. */
export function mulberry32(seed: number): () => number {
  let state = seed | 0;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), state | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}

/** `n` float64 values 2·(u / 2^32) − 1 in [−1, 1), exact for every uint32 u. */
export function uniformSigned(seed: number, n: number): Float64Array {
  const next = mulberry32(seed);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = 2 * (next() / 4294967296) - 1;
  return out;
}
