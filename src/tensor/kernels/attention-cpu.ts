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
// picking the head's columns: it also multiplies the zeros above the diagonal, but runs several
// times faster than loops that skip them (K = 16 at the charlm size: 1.2 s of cpu time per forward
// + backward with plain loops). Scores and dvᵀ products are stored as float32 before the softmax
// or the row sums, as on the GPU; sums run in float64.

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

/** Replaces rows of the [T, T] block at `o` by the causal softmax of scale · row. */
function causalSoftmax(p: Float32Array, o: number, T: number, scale: number): void {
  const e = rowScratch(T);
  for (let t = 0; t < T; t++) {
    const row = o + t * T;
    let max = -Infinity;
    for (let j = 0; j <= t; j++) max = Math.max(max, (e[j] = p[row + j]! * scale));
    let sum = 0;
    for (let j = 0; j <= t; j++) sum += e[j] = Math.exp(e[j]! - max);
    for (let j = 0; j <= t; j++) p[row + j] = e[j]! / sum;
    p.fill(0, row + t + 1, row + T);
  }
}

/** probs at po from q at qo and k at ko. */
export function attentionScoresCpu(q: Float32Array, qo: number, k: Float32Array, ko: number, probs: Float32Array, po: number, dims: AttentionCpuDims): void {
  const { B, T, H, dh, D } = dims;
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < H; h++) {
      const at = blockAt(po, b, h, dims);
      // [T, T] = Q_h [T, dh] · K_hᵀ
      matmulCpu(q, k, probs, {
        M: T, N: T, K: dh, aOffset: headAt(qo, b, h, dims), aRow: D, aCol: 1, bOffset: headAt(ko, b, h, dims), bRow: 1, bCol: D, cOffset: at,
      });
      causalSoftmax(probs, at, T, 1 / Math.sqrt(dh));
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
      // [T, dh] = W [T, T] (or Wᵀ) · X_h [T, dh]
      matmulCpu(w, x, out, {
        M: T, N: dh, K: T, aOffset: blockAt(wo, b, h, dims), aRow: transposed ? 1 : T, aCol: transposed ? T : 1,
        bOffset: headAt(xo, b, h, dims), bRow: D, bCol: 1, cOffset: 0,
      });
      const base = headAt(yo, b, h, dims);
      for (let t = 0; t < T; t++) for (let d = 0; d < dh; d++) y[base + t * D + d] = c * out[t * dh + d]!;
    }
  }
}

/** ds [B·H·T, T] at so from v, probs and dOut; ds must not share storage with them. */
export function attentionScoreGradCpu(
  v: Float32Array, vo: number, probs: Float32Array, po: number, dOut: Float32Array, go: number, ds: Float32Array, so: number, dims: AttentionCpuDims,
): void {
  const { B, T, H, dh, D } = dims;
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < H; h++) {
      const at = blockAt(so, b, h, dims);
      const pAt = blockAt(po, b, h, dims);
      // dP [T, T] = dOut_h [T, dh] · V_hᵀ
      matmulCpu(dOut, v, ds, {
        M: T, N: T, K: dh, aOffset: headAt(go, b, h, dims), aRow: D, aCol: 1, bOffset: headAt(vo, b, h, dims), bRow: 1, bCol: D, cOffset: at,
      });
      for (let t = 0; t < T; t++) {
        const row = t * T;
        let total = 0;
        for (let j = 0; j <= t; j++) total += probs[pAt + row + j]! * ds[at + row + j]!;
        for (let j = 0; j <= t; j++) ds[at + row + j] = probs[pAt + row + j]! * (ds[at + row + j]! - total);
        ds.fill(0, at + row + t + 1, at + row + T);
      }
    }
  }
}
