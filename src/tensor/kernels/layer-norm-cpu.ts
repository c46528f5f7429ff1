// LayerNorm over each row's columns on the cpu, forward and backward, one replica at a time (sums in float64).
//
// Per row x [D]: mean μ, biased variance σ² = Σ(x − μ)² / D, rstd = 1/√(σ² + eps), x̂ = (x − μ)·rstd,
// y = x̂·g + b. Backward from the stored (μ, rstd), with ĝ = dy·g:
//   dx = rstd · (ĝ − mean(ĝ) − x̂ · mean(ĝ ⊙ x̂)),  dg = Σ_rows dy ⊙ x̂,  db = Σ_rows dy.

export interface LayerNormRows {
  /** Rows and columns of x. */
  readonly N: number;
  readonly D: number;
}

/** y [N, D] at yo and stats [N, 2] at so from x [N, D] at xo, gain and bias [D]. */
export function layerNormCpu(
  x: Float32Array, xo: number, g: Float32Array, go: number, b: Float32Array, bo: number, eps: number,
  y: Float32Array, yo: number, stats: Float32Array, so: number, { N, D }: LayerNormRows,
): void {
  for (let n = 0; n < N; n++) {
    const row = xo + n * D;
    let sum = 0;
    for (let d = 0; d < D; d++) sum += x[row + d]!;
    const mean = sum / D;
    let sq = 0;
    for (let d = 0; d < D; d++) {
      const c = x[row + d]! - mean;
      sq += c * c;
    }
    const rstd = 1 / Math.sqrt(sq / D + eps);
    const out = yo + n * D;
    for (let d = 0; d < D; d++) y[out + d] = (x[row + d]! - mean) * rstd * g[go + d]! + b[bo + d]!;
    stats[so + 2 * n] = mean;
    stats[so + 2 * n + 1] = rstd;
  }
}

let columns = new Float64Array(128);

/** dx [N, D] at dxo; dgain and dbias [D] at dgo and dbo. */
export function layerNormGradCpu(
  x: Float32Array, xo: number, g: Float32Array, go: number, stats: Float32Array, so: number, dy: Float32Array, dyo: number,
  dx: Float32Array, dxo: number, dgain: Float32Array, dgo: number, dbias: Float32Array, dbo: number, { N, D }: LayerNormRows,
): void {
  if (columns.length < 2 * D) columns = new Float64Array(2 * D);
  const acc = columns;
  acc.fill(0, 0, 2 * D);
  for (let n = 0; n < N; n++) {
    const row = xo + n * D;
    const drow = dyo + n * D;
    const mean = stats[so + 2 * n]!;
    const rstd = stats[so + 2 * n + 1]!;
    let m1 = 0;
    let m2 = 0;
    for (let d = 0; d < D; d++) {
      const xh = (x[row + d]! - mean) * rstd;
      const gy = dy[drow + d]!;
      const gh = gy * g[go + d]!;
      m1 += gh;
      m2 += gh * xh;
      acc[d] = acc[d]! + gy * xh;
      acc[D + d] = acc[D + d]! + gy;
    }
    m1 /= D;
    m2 /= D;
    const out = dxo + n * D;
    for (let d = 0; d < D; d++) {
      const xh = (x[row + d]! - mean) * rstd;
      dx[out + d] = rstd * (dy[drow + d]! * g[go + d]! - m1 - xh * m2);
    }
  }
  for (let d = 0; d < D; d++) {
    dgain[dgo + d] = acc[d]!;
    dbias[dbo + d] = acc[D + d]!;
  }
}
