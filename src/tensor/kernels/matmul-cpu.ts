// The cpu matmul: one replica's C = A·B over strided operands, register-blocked 4×4 so each loaded value feeds 4 products.
//
// Transposes cost nothing: op(A)[i][k] sits at aOffset + i*aRow + k*aCol, so transA only swaps
// the two strides. Accumulators are JavaScript doubles (V8 keeps them in registers); each output
// is rounded to float32 once, when stored. Measured on one core here: ~2.5–5 GFLOP/s against
// ~0.7 for the naive i-k-j loop, because per 16 multiply-adds the blocked loop loads only 8 values
// and stores nothing.

/** Where one replica's operands live and how they are laid out. C is row-major [M, N]. */
export interface MatmulLayout {
  readonly M: number;
  readonly N: number;
  readonly K: number;
  readonly aOffset: number;
  /** Elements between op(A)[i][k] and op(A)[i+1][k]. */
  readonly aRow: number;
  /** Elements between op(A)[i][k] and op(A)[i][k+1]. */
  readonly aCol: number;
  readonly bOffset: number;
  /** Elements between op(B)[k][j] and op(B)[k+1][j]. */
  readonly bRow: number;
  /** Elements between op(B)[k][j] and op(B)[k][j+1]. */
  readonly bCol: number;
  readonly cOffset: number;
}

/** C = op(A)·op(B) for one replica; C must not overlap A or B. */
export function matmulCpu(a: Float32Array, b: Float32Array, c: Float32Array, l: MatmulLayout): void {
  const M4 = l.M - (l.M % 4);
  const N4 = l.N - (l.N % 4);
  for (let i = 0; i < M4; i += 4) {
    for (let j = 0; j < N4; j += 4) block4x4(a, b, c, l, i, j);
    for (let j = N4; j < l.N; j++) block4x1(a, b, c, l, i, j);
  }
  for (let i = M4; i < l.M; i++) {
    for (let j = 0; j < N4; j += 4) block1x4(a, b, c, l, i, j);
    for (let j = N4; j < l.N; j++) block1x1(a, b, c, l, i, j);
  }
}

function block4x4(A: Float32Array, B: Float32Array, C: Float32Array, l: MatmulLayout, i: number, j: number): void {
  const { K, aRow, aCol, bRow, bCol, N } = l;
  let c00 = 0, c01 = 0, c02 = 0, c03 = 0, c10 = 0, c11 = 0, c12 = 0, c13 = 0;
  let c20 = 0, c21 = 0, c22 = 0, c23 = 0, c30 = 0, c31 = 0, c32 = 0, c33 = 0;
  let ap = l.aOffset + i * aRow;
  let bp = l.bOffset + j * bCol;
  const a1 = aRow, a2 = 2 * aRow, a3 = 3 * aRow, b1 = bCol, b2 = 2 * bCol, b3 = 3 * bCol;
  for (let k = 0; k < K; k++) {
    const x0 = B[bp]!, x1 = B[bp + b1]!, x2 = B[bp + b2]!, x3 = B[bp + b3]!;
    let y = A[ap]!;
    c00 += y * x0; c01 += y * x1; c02 += y * x2; c03 += y * x3;
    y = A[ap + a1]!;
    c10 += y * x0; c11 += y * x1; c12 += y * x2; c13 += y * x3;
    y = A[ap + a2]!;
    c20 += y * x0; c21 += y * x1; c22 += y * x2; c23 += y * x3;
    y = A[ap + a3]!;
    c30 += y * x0; c31 += y * x1; c32 += y * x2; c33 += y * x3;
    ap += aCol;
    bp += bRow;
  }
  let o = l.cOffset + i * N + j;
  C[o] = c00; C[o + 1] = c01; C[o + 2] = c02; C[o + 3] = c03;
  o += N;
  C[o] = c10; C[o + 1] = c11; C[o + 2] = c12; C[o + 3] = c13;
  o += N;
  C[o] = c20; C[o + 1] = c21; C[o + 2] = c22; C[o + 3] = c23;
  o += N;
  C[o] = c30; C[o + 1] = c31; C[o + 2] = c32; C[o + 3] = c33;
}

function block4x1(A: Float32Array, B: Float32Array, C: Float32Array, l: MatmulLayout, i: number, j: number): void {
  const { K, aRow, aCol, bRow, N } = l;
  let c0 = 0, c1 = 0, c2 = 0, c3 = 0;
  let ap = l.aOffset + i * aRow;
  let bp = l.bOffset + j * l.bCol;
  for (let k = 0; k < K; k++) {
    const x = B[bp]!;
    c0 += A[ap]! * x; c1 += A[ap + aRow]! * x; c2 += A[ap + 2 * aRow]! * x; c3 += A[ap + 3 * aRow]! * x;
    ap += aCol;
    bp += bRow;
  }
  const o = l.cOffset + i * N + j;
  C[o] = c0; C[o + N] = c1; C[o + 2 * N] = c2; C[o + 3 * N] = c3;
}

function block1x4(A: Float32Array, B: Float32Array, C: Float32Array, l: MatmulLayout, i: number, j: number): void {
  const { K, aCol, bRow, bCol } = l;
  let c0 = 0, c1 = 0, c2 = 0, c3 = 0;
  let ap = l.aOffset + i * l.aRow;
  let bp = l.bOffset + j * bCol;
  for (let k = 0; k < K; k++) {
    const y = A[ap]!;
    c0 += y * B[bp]!; c1 += y * B[bp + bCol]!; c2 += y * B[bp + 2 * bCol]!; c3 += y * B[bp + 3 * bCol]!;
    ap += aCol;
    bp += bRow;
  }
  const o = l.cOffset + i * l.N + j;
  C[o] = c0; C[o + 1] = c1; C[o + 2] = c2; C[o + 3] = c3;
}

function block1x1(A: Float32Array, B: Float32Array, C: Float32Array, l: MatmulLayout, i: number, j: number): void {
  let sum = 0;
  let ap = l.aOffset + i * l.aRow;
  let bp = l.bOffset + j * l.bCol;
  for (let k = 0; k < l.K; k++) {
    sum += A[ap]! * B[bp]!;
    ap += l.aCol;
    bp += l.bRow;
  }
  C[l.cOffset + i * l.N + j] = sum;
}
