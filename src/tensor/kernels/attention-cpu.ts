// Causal multi-head attention on the cpu, one replica at a time, in the same three steps as the WGSL kernels.
//
// Rows of q, k, v [B·T, D] hold B sequences of T positions; head h owns columns h·dh … h·dh + dh − 1.
// probs [B·H·T, T]: row (b·H + h)·T + t holds softmax_j(q_t · k_j / √dh) for j ≤ t and 0 for j > t.
//   forward:  probs = scores(q, k);  out = mix(probs, v)
//   backward: ds = probs ⊙ (dOut vᵀ − rowsum(probs ⊙ dOut vᵀ));
//             dq = mix(ds, k) / √dh;  dk = mixᵀ(ds, q) / √dh;  dv = mixᵀ(probs, dOut)
// where mix(W, X)_t = Σ_{j ≤ t} W_tj X_j and mixᵀ(W, X)_j = Σ_{t ≥ j} W_tj X_t, per sequence and head.
// Sums run in float64 and round once on store.

export interface AttentionCpuDims {
  readonly B: number;
  readonly T: number;
  readonly H: number;
  readonly dh: number;
  readonly D: number;
}

let scratch = new Float64Array(256);

function rowScratch(length: number): Float64Array {
  if (scratch.length < length) scratch = new Float64Array(length);
  return scratch;
}

/** probs at po from q at qo and k at ko. */
export function attentionScoresCpu(q: Float32Array, qo: number, k: Float32Array, ko: number, probs: Float32Array, po: number, dims: AttentionCpuDims): void {
  const { B, T, H, dh, D } = dims;
  const scale = 1 / Math.sqrt(dh);
  const e = rowScratch(T);
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < H; h++) {
      for (let t = 0; t < T; t++) {
        const qr = qo + (b * T + t) * D + h * dh;
        let max = -Infinity;
        for (let j = 0; j <= t; j++) {
          const kr = ko + (b * T + j) * D + h * dh;
          let s = 0;
          for (let d = 0; d < dh; d++) s += q[qr + d]! * k[kr + d]!;
          e[j] = s * scale;
          max = Math.max(max, e[j]!);
        }
        let sum = 0;
        for (let j = 0; j <= t; j++) sum += e[j] = Math.exp(e[j]! - max);
        const row = po + ((b * H + h) * T + t) * T;
        for (let j = 0; j <= t; j++) probs[row + j] = e[j]! / sum;
        probs.fill(0, row + t + 1, row + T);
      }
    }
  }
}

/**
 * y at yo = c · mix(w, x) (or c · mixᵀ(w, x) when `transposed`): w [B·H·T, T] at wo, x and y
 * [B·T, D] at xo and yo.
 */
export function attentionMixCpu(
  w: Float32Array, wo: number, x: Float32Array, xo: number, y: Float32Array, yo: number, dims: AttentionCpuDims, transposed: boolean, c: number,
): void {
  const { B, T, H, dh, D } = dims;
  const acc = rowScratch(T * dh);
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < H; h++) {
      acc.fill(0, 0, T * dh);
      for (let t = 0; t < T; t++) {
        const wr = wo + ((b * H + h) * T + t) * T;
        if (transposed) {
          // Row t of w spreads x_t over every j ≤ t.
          const xr = xo + (b * T + t) * D + h * dh;
          for (let j = 0; j <= t; j++) {
            const a = w[wr + j]!;
            for (let d = 0; d < dh; d++) acc[j * dh + d] = acc[j * dh + d]! + a * x[xr + d]!;
          }
        } else {
          for (let j = 0; j <= t; j++) {
            const a = w[wr + j]!;
            const xr = xo + (b * T + j) * D + h * dh;
            for (let d = 0; d < dh; d++) acc[t * dh + d] = acc[t * dh + d]! + a * x[xr + d]!;
          }
        }
      }
      for (let t = 0; t < T; t++) {
        const yr = yo + (b * T + t) * D + h * dh;
        for (let d = 0; d < dh; d++) y[yr + d] = c * acc[t * dh + d]!;
      }
    }
  }
}

/** ds [B·H·T, T] at so from v, probs and dOut. */
export function attentionScoreGradCpu(
  v: Float32Array, vo: number, probs: Float32Array, po: number, dOut: Float32Array, go: number, ds: Float32Array, so: number, dims: AttentionCpuDims,
): void {
  const { B, T, H, dh, D } = dims;
  const dp = rowScratch(T);
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < H; h++) {
      for (let t = 0; t < T; t++) {
        const gr = go + (b * T + t) * D + h * dh;
        const row = ((b * H + h) * T + t) * T;
        let total = 0;
        for (let j = 0; j <= t; j++) {
          const vr = vo + (b * T + j) * D + h * dh;
          let s = 0;
          for (let d = 0; d < dh; d++) s += dOut[gr + d]! * v[vr + d]!;
          dp[j] = s;
          total += probs[po + row + j]! * s;
        }
        for (let j = 0; j <= t; j++) ds[so + row + j] = probs[po + row + j]! * (dp[j]! - total);
        ds.fill(0, so + row + t + 1, so + row + T);
      }
    }
  }
}
