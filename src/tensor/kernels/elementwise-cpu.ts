// Elementwise arithmetic on the cpu: a + b, a ⊙ b, c · x, and a bias row added to every row.

/** out[oo + e] = a[ao + e] + b[bo + e] for e < n; out may alias a or b exactly. */
export function addCpu(a: Float32Array, ao: number, b: Float32Array, bo: number, out: Float32Array, oo: number, n: number): void {
  for (let e = 0; e < n; e++) out[oo + e] = a[ao + e]! + b[bo + e]!;
}

/** out[oo + e] = a[ao + e] · b[bo + e] for e < n; out may alias a or b exactly. */
export function mulCpu(a: Float32Array, ao: number, b: Float32Array, bo: number, out: Float32Array, oo: number, n: number): void {
  for (let e = 0; e < n; e++) out[oo + e] = a[ao + e]! * b[bo + e]!;
}

/** out[oo + e] = c · x[xo + e] for e < n, c a float32 value. */
export function scaleCpu(x: Float32Array, xo: number, c: number, out: Float32Array, oo: number, n: number): void {
  for (let e = 0; e < n; e++) out[oo + e] = c * x[xo + e]!;
}

/** out[i][j] = x[i][j] + bias[j] over a [rows, cols] matrix. */
export function addBiasCpu(
  x: Float32Array, xo: number,
  bias: Float32Array, bo: number,
  out: Float32Array, oo: number,
  rows: number, cols: number,
): void {
  for (let i = 0; i < rows; i++) {
    const xr = xo + i * cols;
    const or = oo + i * cols;
    for (let j = 0; j < cols; j++) out[or + j] = x[xr + j]! + bias[bo + j]!;
  }
}
