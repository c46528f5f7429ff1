// The WGSL twin of matmul-cpu.ts: C = op(A)·op(B) per replica, tiled through workgroup memory, each invocation a register block.
//
// A workgroup of threadsX × threadsY invocations computes a tileM × tileN block of C for one replica
// (grid: ⌈N / tileN⌉ × ⌈M / tileM⌉ × batch). For each slice of tileK along K it copies op(A)'s
// [tileM, tileK] and op(B)'s [tileK, tileN] into workgroup memory, k-major and packed in vec4s
// (As[k][m/4], Bs[k][n/4]) whatever the transposes; elements past M, N or K load as 0, so any shape
// works. Invocation (x, y) owns rows y·RM … y·RM + RM − 1 and columns x·RN … x·RN + RN − 1
// (RM = tileM / threadsY, RN = tileN / threadsX, multiples of 4): per k it reads RM/4 + RN/4 vec4s
// for RM·RN multiply-adds.
//
// Written for llvmpipe as much as for GPUs: there every load from memory costs a loop over the 8
// SIMD lanes (~1 ns per float per invocation here) while a multiply-add is ~0.25 ns, so the
// register block and vec4 loads matter most; the k loop of a slice is unrolled into `let` chains,
// because each write of a loop-carried `var` is a masked store (0.3 ns measured); and the
// workgroup is one-dimensional, the logical (x, y) taken from the invocation index, because
// llvmpipe fills its SIMD lanes along x only (a workgroup 2 wide would leave 6 of 8 lanes idle).
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

/** Checks the register blocks are vec4-sized, the tiles split evenly, and the device's workgroup limits hold. */
export function checkMatmulConfig(c: MatmulConfig, limits: { readonly invocations: number; readonly workgroupBytes: number }): void {
  const threads = c.threadsX * c.threadsY;
  if (c.tileM % (4 * c.threadsY) !== 0 || c.tileN % (4 * c.threadsX) !== 0) {
    throw new RangeError('matmul tile: tileM / threadsY and tileN / threadsX must be multiples of 4');
  }
  if ((c.tileM * c.tileK) % (4 * threads) !== 0 || (c.tileK * c.tileN) % (4 * threads) !== 0) {
    throw new RangeError('matmul tile: each tile must split evenly over the invocations in vec4s');
  }
  if (threads > limits.invocations) throw new RangeError(`matmul tile: ${threads} invocations exceed the device's ${limits.invocations}`);
  const bytes = 4 * c.tileK * (c.tileM + c.tileN);
  if (bytes > limits.workgroupBytes) throw new RangeError(`matmul tile: ${bytes} bytes of workgroup memory exceed the device's ${limits.workgroupBytes}`);
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);
const LANE = ['x', 'y', 'z', 'w'];

/**
 * Staging of one operand into workgroup memory: invocation li fills `count` vec4s, each the 4
 * consecutive m (or n) of one k; `at(i, k)` is the storage index of element (i, k) of op(X).
 */
function stage(name: string, tile: number, c: MatmulConfig, limit: string, at: (i: string, k: string) => string): string {
  const threads = c.threadsX * c.threadsY;
  const count = (tile * c.tileK) / (4 * threads);
  const quads = tile / 4;
  const load = (q: number) => `select(0.0, ${name}[${at(`g${q}`, 'gk')}], g${q} < ${limit} && gk < p.K)`;
  return `    for (var s = 0u; s < ${count}u; s = s + 1u) {
      let e = li + s * ${threads}u;
      let k = e / ${quads}u;
      let q = e % ${quads}u;
      let gk = t + k;
${range(4).map((q) => `      let g${q} = ${name === 'a' ? 'row0' : 'col0'} + 4u * q + ${q}u;`).join('\n')}
      ${name === 'a' ? 'As' : 'Bs'}[e] = vec4<f32>(${range(4).map(load).join(', ')});
    }`;
}

export function matmulWgsl(c: MatmulConfig): string {
  const RM = c.tileM / c.threadsY;
  const RN = c.tileN / c.threadsX;
  const aQuads = RM / 4;
  const bQuads = RN / 4;
  // op(A)[m][k] is A[m][k] (row length K) or, transposed, A[k][m] (row length M); likewise op(B)[k][n].
  const aAt = (m: string, k: string) => (c.transA ? `a_base + ${k} * p.M + ${m}` : `a_base + ${m} * p.K + ${k}`);
  const bAt = (n: string, k: string) => (c.transB ? `b_base + ${n} * p.K + ${k}` : `b_base + ${k} * p.N + ${n}`);
  const cells = range(RM).flatMap((r) => range(bQuads).map((j) => `${r}_${j}`));
  const product = range(c.tileK).map((k) => {
    const prev = (cell: string) => (k === 0 ? `acc${cell}` : `s${cell}_${k - 1}`);
    return [
      ...range(aQuads).map((i) => `      let a${k}_${i} = As[${k * (c.tileM / 4)}u + ya + ${i}u];`),
      ...range(bQuads).map((j) => `      let b${k}_${j} = Bs[${k * (c.tileN / 4)}u + xb + ${j}u];`),
      ...range(RM).flatMap((r) => range(bQuads).map((j) =>
        `      let s${r}_${j}_${k} = ${prev(`${r}_${j}`)} + a${k}_${Math.floor(r / 4)}.${LANE[r % 4]} * b${k}_${j};`)),
    ].join('\n');
  }).join('\n');
  return `${paramsStruct(MATMUL_PARAMS)}${storageBindings(['a', 'b'], ['c'])}
var<workgroup> As: array<vec4<f32>, ${(c.tileK * c.tileM) / 4}>;
var<workgroup> Bs: array<vec4<f32>, ${(c.tileK * c.tileN) / 4}>;

@compute @workgroup_size(${c.threadsX * c.threadsY})
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_index) li: u32) {
  let lid = vec2<u32>(li % ${c.threadsX}u, li / ${c.threadsX}u);
  let row0 = wg.y * ${c.tileM}u;
  let col0 = wg.x * ${c.tileN}u;
  let a_base = p.a_offset + wg.z * p.a_stride;
  let b_base = p.b_offset + wg.z * p.b_stride;
  let c_base = p.c_offset + wg.z * p.c_stride;
  let ya = lid.y * ${aQuads}u;
  let xb = lid.x * ${bQuads}u;
${cells.map((cell) => `  var acc${cell} = vec4<f32>(0.0);`).join('\n')}
  for (var t = 0u; t < p.K; t = t + ${c.tileK}u) {
${stage('a', c.tileM, c, 'p.M', aAt)}
${stage('b', c.tileN, c, 'p.N', bAt)}
    workgroupBarrier();
${product}
${cells.map((cell) => `    acc${cell} = s${cell}_${c.tileK - 1};`).join('\n')}
    workgroupBarrier();
  }
  let r0 = row0 + lid.y * ${RM}u;
  let c0 = col0 + lid.x * ${RN}u;
${range(RM).flatMap((r) => range(bQuads).map((j) => `  store(c_base, r0 + ${r}u, c0 + ${4 * j}u, acc${r}_${j});`)).join('\n')}
}

fn store(base: u32, row: u32, col: u32, v: vec4<f32>) {
  if (row >= p.M) { return; }
  let at = base + row * p.N + col;
${range(4).map((q) => `  if (col + ${q}u < p.N) { c[at + ${q}u] = v.${LANE[q]}; }`).join('\n')}
}
`;
}
