// Reductions on the cpu: column sums (bias gradients), means, and the non-finite scan, one replica at a time.

let columns = new Float64Array(64);

/** out[o + j] = Σ_i dy[dyo + i*cols + j], summed in float64. */
export function sumRowsCpu(dy: Float32Array, dyo: number, rows: number, cols: number, out: Float32Array, o: number): void {
  if (columns.length < cols) columns = new Float64Array(cols);
  const sums = columns;
  sums.fill(0, 0, cols);
  for (let i = 0; i < rows; i++) {
    const row = dyo + i * cols;
    for (let j = 0; j < cols; j++) sums[j] = sums[j]! + dy[row + j]!;
  }
  for (let j = 0; j < cols; j++) out[o + j] = sums[j]!;
}

/** Mean of x[xo .. xo + n), summed in float64 (NaN for n = 0). */
export function meanCpu(x: Float32Array, xo: number, n: number): number {
  let sum = 0;
  for (let e = 0; e < n; e++) sum += x[xo + e]!;
  return sum / n;
}

/** True when x[xo .. xo + n) holds NaN or ±Inf. */
export function hasNonFiniteCpu(x: Float32Array, xo: number, n: number): boolean {
  for (let e = 0; e < n; e++) {
    // v − v is 0 for finite v and NaN for NaN and ±Inf: one test for all three.
    const v = x[xo + e]!;
    if (v - v !== 0) return true;
  }
  return false;
}
