// Causal multi-head attention on the cpu, one replica at a time, in the same steps as the WGSL kernels.
import { matmulCpu } from './matmul-cpu.js';
//
// Rows of q, k, v [B·T, D] hold B sequences of T positions; head h owns columns h·dh … h·dh + dh − 1.
// probs [B·H·T, T]: row (b·H + h)·T + t holds softmax_j(q_t · k_j / √dh) for j ≤ t and 0 for j > t.
//   forward:  probs = scores(q, k);  out = mix(probs, v)
//   backward: ds = probs ⊙ (dOut vᵀ − rowsum(probs ⊙ dOut vᵀ));
//             dq = mix(ds, k) / √dh;  dk = mixᵀ(ds, q) / √dh;  dv = mixᵀ(probs, dOut)
// where mix(W, X)_t = Σ_{j ≤ t} W_tj X_j and mixᵀ(W, X)_j = Σ_{t ≥ j} W_tj X_t, per sequence and head.
// Each product is matmul-cpu.ts's register-blocked kernel on one (sequence, head) block, strides
// picking the head's columns, in 4 stripes of rows so that most of the zeros above the diagonal are
// skipped (5/8 of the full products' work). At K = 16 and the charlm size, forward + backward took
// 1.2 s of cpu time with plain loops, 0.6 s with one full matmul per block. Scores and dvᵀ
// products are rounded to float32 before the softmax or the row sums, as on the GPU; sums run in
// float64.

export interface AttentionCpuDims {
  readonly B: number;
  readonly T: number;
  readonly H: number;
  readonly dh: number;
  readonly D: number;
}

let row64 = new Float64Array(64);
let block = new Float32Array(256);

function rowScratch(length: number): Float64Array {
  if (row64.length < length) row64 = new Float64Array(length);
  return row64;
}

function blockScratch(length: number): Float32Array {
  if (block.length < length) block = new Float32Array(length);
  return block;
}

/** Element offset of sequence b, head h's first column in a [B·T, D] matrix at `o`. */
const headAt = (o: number, b: number, h: number, { T, dh, D }: AttentionCpuDims) => o + b * T * D + h * dh;
/** Element offset of sequence b, head h's [T, T] block in a [B·H·T, T] matrix at `o`. */
const blockAt = (o: number, b: number, h: number, { T, H }: AttentionCpuDims) => o + (b * H + h) * T * T;

/** Row stripes [lo, hi) of a causal [T, T] block: rows lo … hi − 1 read columns 0 … hi − 1 only. */
function stripes(T: number): [number, number][] {
  const S = Math.min(4, T);
  return Array.from({ length: S }, (_, s) => [Math.floor((s * T) / S), Math.floor(((s + 1) * T) / S)]);
}

/** probs at po from q at qo and k at ko. */
export function attentionScoresCpu(q: Float32Array, qo: number, k: Float32Array, ko: number, probs: Float32Array, po: number, dims: AttentionCpuDims): void {
  const { B, T, H, dh, D } = dims;
  const scale = 1 / Math.sqrt(dh);
  const scores = blockScratch(T * T);
  const e = rowScratch(T);
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < H; h++) {
      const at = blockAt(po, b, h, dims);
      for (const [lo, hi] of stripes(T)) {
        // [hi − lo, hi] = Q_h rows lo … hi − 1 · (K_h rows 0 … hi − 1)ᵀ
        matmulCpu(q, k, scores, {
          M: hi - lo, N: hi, K: dh, aOffset: headAt(qo, b, h, dims) + lo * D, aRow: D, aCol: 1,
          bOffset: headAt(ko, b, h, dims), bRow: 1, bCol: D, cOffset: 0,
        });
        for (let t = lo; t < hi; t++) {
          const src = (t - lo) * hi;
          let max = -Infinity;
          for (let j = 0; j <= t; j++) max = Math.max(max, (e[j] = scores[src + j]! * scale));
          let sum = 0;
          for (let j = 0; j <= t; j++) sum += e[j] = Math.exp(e[j]! - max);
          const row = at + t * T;
          for (let j = 0; j <= t; j++) probs[row + j] = e[j]! / sum;
          probs.fill(0, row + t + 1, row + T);
        }
      }
    }
  }
}

/**
 * y at yo = c · mix(w, x) (or c · mixᵀ(w, x) when `transposed`): w [B·H·T, T] at wo, x and y
 * [B·T, D] at xo and yo. w must be 0 above each block's diagonal.
 */
export function attentionMixCpu(
  w: Float32Array, wo: number, x: Float32Array, xo: number, y: Float32Array, yo: number, dims: AttentionCpuDims, transposed: boolean, c: number,
): void {
  const { B, T, H, dh, D } = dims;
  const out = blockScratch(T * dh);
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < H; h++) {
      const wAt = blockAt(wo, b, h, dims);
      const xAt = headAt(xo, b, h, dims);
      const yAt = headAt(yo, b, h, dims);
      for (const [lo, hi] of stripes(T)) {
        // Rows lo … hi − 1 of W [T, T] · X_h [T, dh] read x rows 0 … hi − 1; of Wᵀ · X_h, rows lo … T − 1.
        matmulCpu(w, x, out, transposed
          ? { M: hi - lo, N: dh, K: T - lo, aOffset: wAt + lo * T + lo, aRow: 1, aCol: T, bOffset: xAt + lo * D, bRow: D, bCol: 1, cOffset: 0 }
          : { M: hi - lo, N: dh, K: hi, aOffset: wAt + lo * T, aRow: T, aCol: 1, bOffset: xAt, bRow: D, bCol: 1, cOffset: 0 });
        for (let t = lo; t < hi; t++) for (let d = 0; d < dh; d++) y[yAt + t * D + d] = c * out[(t - lo) * dh + d]!;
      }
    }
  }
}

/** ds [B·H·T, T] at so from v, probs and dOut; ds must not share storage with them. */
export function attentionScoreGradCpu(
  v: Float32Array, vo: number, probs: Float32Array, po: number, dOut: Float32Array, go: number, ds: Float32Array, so: number, dims: AttentionCpuDims,
): void {
  const { B, T, H, dh, D } = dims;
  const dp = blockScratch(T * T);
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < H; h++) {
      const at = blockAt(so, b, h, dims);
      const pAt = blockAt(po, b, h, dims);
      for (const [lo, hi] of stripes(T)) {
        // dP [hi − lo, hi] = dOut_h rows lo … hi − 1 · (V_h rows 0 … hi − 1)ᵀ
        matmulCpu(dOut, v, dp, {
          M: hi - lo, N: hi, K: dh, aOffset: headAt(go, b, h, dims) + lo * D, aRow: D, aCol: 1,
          bOffset: headAt(vo, b, h, dims), bRow: 1, bCol: D, cOffset: 0,
        });
        for (let t = lo; t < hi; t++) {
          const row = t * T;
          const src = (t - lo) * hi;
          let total = 0;
          for (let j = 0; j <= t; j++) total += probs[pAt + row + j]! * dp[src + j]!;
          for (let j = 0; j <= t; j++) ds[at + row + j] = probs[pAt + row + j]! * (dp[src + j]! - total);
          ds.fill(0, at + row + t + 1, at + row + T);
        }
      }
    }
  }
}
