// The WGSL twin of matmul-cpu.ts: C = op(A)·op(B) per replica, tiled through workgroup memory, each invocation a register block.
//
// A workgroup of threadsX × threadsY invocations computes a tileM × tileN block of C for one replica
// (grid: ⌈N / tileN⌉ × ⌈M / tileM⌉ × batch). For each slice of tileK along K it copies op(A)'s
// [tileM, tileK] and op(B)'s [tileK, tileN] into workgroup memory, stored k-major (As[k][m],
// Bs[k][n]) whatever the transposes, so the product loop reads both with unit stride; elements
// past M, N or K load as 0, so any shape works. Invocation (x, y) owns rows y + i·threadsY and
// columns x + j·threadsX of the tile: each value read from workgroup memory feeds
// tileN/threadsX (or tileM/threadsY) products.
import { paramsStruct, storageBindings } from './wgsl-math.js';

export interface MatmulConfig {
  readonly transA: boolean;
  readonly transB: boolean;
  readonly tileM: number;
  readonly tileN: number;
  readonly tileK: number;
  readonly threadsX: number;
  readonly threadsY: number;
}

export const MATMUL_PARAMS = ['M', 'N', 'K', 'a_offset', 'a_stride', 'b_offset', 'b_stride', 'c_offset', 'c_stride'];

/** Checks the tile fits the invocations evenly and the device's workgroup limits. */
export function checkMatmulConfig(c: MatmulConfig, limits: { readonly invocations: number; readonly workgroupBytes: number }): void {
  const threads = c.threadsX * c.threadsY;
  if (c.tileM % c.threadsY !== 0 || c.tileN % c.threadsX !== 0) throw new RangeError('matmul tile: tileM and tileN must be multiples of threadsY and threadsX');
  if ((c.tileM * c.tileK) % threads !== 0 || (c.tileK * c.tileN) % threads !== 0) throw new RangeError('matmul tile: each tile must split evenly over the invocations');
  if (threads > limits.invocations) throw new RangeError(`matmul tile: ${threads} invocations exceed the device's ${limits.invocations}`);
  const bytes = 4 * c.tileK * (c.tileM + c.tileN);
  if (bytes > limits.workgroupBytes) throw new RangeError(`matmul tile: ${bytes} bytes of workgroup memory exceed the device's ${limits.workgroupBytes}`);
}

export function matmulWgsl(c: MatmulConfig): string {
  const RM = c.tileM / c.threadsY;
  const RN = c.tileN / c.threadsX;
  const threads = c.threadsX * c.threadsY;
  const cells: [number, number][] = [];
  for (let i = 0; i < RM; i++) for (let j = 0; j < RN; j++) cells.push([i, j]);
  // op(A)[m][k] is A[m][k] (row length K) or, transposed, A[k][m] (row length M); likewise op(B)[k][n].
  const aIndex = c.transA ? 'gk * p.M + gm' : 'gm * p.K + gk';
  const bIndex = c.transB ? 'gn * p.K + gk' : 'gk * p.N + gn';
  // Consecutive invocations load consecutive addresses of the stored matrix.
  const aSplit = c.transA ? 'let k = e / TM; let m = e % TM;' : 'let m = e / TK; let k = e % TK;';
  const bSplit = c.transB ? 'let n = e / TK; let k = e % TK;' : 'let k = e / TN; let n = e % TN;';
  return `${paramsStruct(MATMUL_PARAMS)}${storageBindings(['a', 'b'], ['c'])}
const TM = ${c.tileM}u;
const TN = ${c.tileN}u;
const TK = ${c.tileK}u;
const TX = ${c.threadsX}u;
const TY = ${c.threadsY}u;
var<workgroup> As: array<f32, ${c.tileK * c.tileM}>;
var<workgroup> Bs: array<f32, ${c.tileK * c.tileN}>;

@compute @workgroup_size(${c.threadsX}, ${c.threadsY}, 1)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let li = lid.y * TX + lid.x;
  let row0 = wg.y * TM;
  let col0 = wg.x * TN;
  let a_base = p.a_offset + wg.z * p.a_stride;
  let b_base = p.b_offset + wg.z * p.b_stride;
  let c_base = p.c_offset + wg.z * p.c_stride;
${cells.map(([i, j]) => `  var acc${i}_${j} = 0.0;`).join('\n')}
  for (var t = 0u; t < p.K; t = t + TK) {
    for (var s = 0u; s < ${(c.tileM * c.tileK) / threads}u; s = s + 1u) {
      let e = li + s * ${threads}u;
      ${aSplit}
      let gm = row0 + m;
      let gk = t + k;
      var v = 0.0;
      if (gm < p.M && gk < p.K) { v = a[a_base + ${aIndex}]; }
      As[k * TM + m] = v;
    }
    for (var s = 0u; s < ${(c.tileK * c.tileN) / threads}u; s = s + 1u) {
      let e = li + s * ${threads}u;
      ${bSplit}
      let gn = col0 + n;
      let gk = t + k;
      var v = 0.0;
      if (gn < p.N && gk < p.K) { v = b[b_base + ${bIndex}]; }
      Bs[k * TN + n] = v;
    }
    workgroupBarrier();
    for (var k = 0u; k < TK; k = k + 1u) {
${range(RM).map((i) => `      let a${i} = As[k * TM + lid.y + ${i * c.threadsY}u];`).join('\n')}
${range(RN).map((j) => `      let b${j} = Bs[k * TN + lid.x + ${j * c.threadsX}u];`).join('\n')}
${cells.map(([i, j]) => `      acc${i}_${j} = acc${i}_${j} + a${i} * b${j};`).join('\n')}
    }
    workgroupBarrier();
  }
${cells.map(([i, j]) => `  store(c_base, row0 + lid.y + ${i * c.threadsY}u, col0 + lid.x + ${j * c.threadsX}u, acc${i}_${j});`).join('\n')}
}

fn store(base: u32, row: u32, col: u32, value: f32) {
  if (row < p.M && col < p.N) { c[base + row * p.N + col] = value; }
}
`;
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}
