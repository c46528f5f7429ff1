// Causal depthwise convolution along the sequence on the cpu, forward and backward, one replica at a time.
//
// x, y [B·T, D] hold B sequences of T rows; taps [W, D]. y_t = Σ_{j < W, j ≤ t} taps_j ⊙ x_{t−j}
// (j steps into the past; nothing before a sequence's start). Backward:
//   dx_s = Σ_{j < W, s + j < T} taps_j ⊙ dy_{s+j},   dtaps_j = Σ_b Σ_{t ≥ j} dy_t ⊙ x_{t−j}.

export interface DconvDims {
  /** Sequences, rows per sequence, channels, taps. */
  readonly B: number;
  readonly T: number;
  readonly D: number;
  readonly W: number;
}

/** y at yo from x at xo and taps at to. */
export function dconvCpu(x: Float32Array, xo: number, taps: Float32Array, to: number, y: Float32Array, yo: number, { B, T, D, W }: DconvDims): void {
  for (let r = 0; r < B * T; r++) {
    const t = r % T;
    const reach = Math.min(W - 1, t);
    for (let d = 0; d < D; d++) {
      let s = 0;
      for (let j = 0; j <= reach; j++) s += taps[to + j * D + d]! * x[xo + (r - j) * D + d]!;
      y[yo + r * D + d] = s;
    }
  }
}

/** dx at dxo from taps and dy. */
export function dconvGradInputCpu(taps: Float32Array, to: number, dy: Float32Array, dyo: number, dx: Float32Array, dxo: number, { B, T, D, W }: DconvDims): void {
  for (let r = 0; r < B * T; r++) {
    const reach = Math.min(W - 1, T - 1 - (r % T));
    for (let d = 0; d < D; d++) {
      let s = 0;
      for (let j = 0; j <= reach; j++) s += taps[to + j * D + d]! * dy[dyo + (r + j) * D + d]!;
      dx[dxo + r * D + d] = s;
    }
  }
}

let sums = new Float64Array(64);

/** dtaps [W, D] at dto from x and dy, summed over rows in increasing order in float64. */
export function dconvGradTapsCpu(x: Float32Array, xo: number, dy: Float32Array, dyo: number, dtaps: Float32Array, dto: number, { B, T, D, W }: DconvDims): void {
  if (sums.length < W * D) sums = new Float64Array(W * D);
  const acc = sums;
  acc.fill(0, 0, W * D);
  for (let r = 0; r < B * T; r++) {
    const reach = Math.min(W - 1, r % T);
    for (let j = 0; j <= reach; j++) {
      const xr = xo + (r - j) * D;
      const gr = dyo + r * D;
      for (let d = 0; d < D; d++) acc[j * D + d] = acc[j * D + d]! + dy[gr + d]! * x[xr + d]!;
    }
  }
  for (let e = 0; e < W * D; e++) dtaps[dto + e] = acc[e]!;
}
