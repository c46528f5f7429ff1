// WGSL twins of embedding-cpu.ts: the lookup, and the scatter-add gradient as a bucket pass then an ordered gather.
//
// The gradient is made deterministic without atomics: `embedding_buckets` lists, for each row v of
// the table, the positions n with ids[n] = v in increasing order (one invocation per v scans the
// ids); `embedding_grad` then has one invocation per (v, column) sum dy over its list in that order.
// Buckets per stored replica of ids: counts [V] then lists [V][N], n stored as float (exact < 2^24).
import { WGSL_MATH, paramsStruct, storageBindings } from './wgsl-math.js';

export const EMBEDDING_WORKGROUP = 64;
export const EMBEDDING_PARAMS = ['N', 'V', 'D', 'a_offset', 'a_stride', 'b_offset', 'b_stride', 'o_offset', 'o_stride'];

/** The row a float id names, or V when it is not an integer in [0, V). */
const ID_OF = `
fn id_of(x: f32) -> u32 {
  if (t_is_nan(x) || x < 0.0 || x >= f32(p.V) || x != floor(x)) { return p.V; }
  return u32(x);
}
`;

/** out[n][c] = table[ids[n]][c] (NaN for a bad id): table at a_*, ids at b_*; one invocation per element. */
export function embeddingWgsl(): string {
  return `${paramsStruct(EMBEDDING_PARAMS)}${storageBindings(['table', 'ids'], ['out'])}${WGSL_MATH}${ID_OF}
@compute @workgroup_size(${EMBEDDING_WORKGROUP})
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let e = gid.x;
  if (e >= p.N * p.D) { return; }
  let r = gid.y;
  let id = id_of(ids[p.b_offset + r * p.b_stride + e / p.D]);
  var v = t_nan();
  if (id < p.V) { v = table[p.a_offset + r * p.a_stride + id * p.D + e % p.D]; }
  out[p.o_offset + r * p.o_stride + e] = v;
}
`;
}

/** Buckets of ids (at a_*) into o_* (replica stride o_stride); one invocation per table row v. */
export function embeddingBucketsWgsl(): string {
  return `${paramsStruct(EMBEDDING_PARAMS)}${storageBindings(['ids'], ['buckets'])}${WGSL_MATH}${ID_OF}
@compute @workgroup_size(${EMBEDDING_WORKGROUP})
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let v = gid.x;
  if (v >= p.V) { return; }
  let r = gid.y;
  let ib = p.a_offset + r * p.a_stride;
  let list = p.o_offset + r * p.o_stride + p.V + v * p.N;
  var count = 0u;
  for (var n = 0u; n < p.N; n = n + 1u) {
    if (id_of(ids[ib + n]) == v) {
      buckets[list + count] = f32(n);
      count = count + 1u;
    }
  }
  buckets[p.o_offset + r * p.o_stride + v] = f32(count);
}
`;
}

/** out[v][c] = Σ over v's bucket, in order, of dy[n][c]: buckets at a_*, dy at b_*; one invocation per (v, c). */
export function embeddingGradWgsl(): string {
  return `${paramsStruct(EMBEDDING_PARAMS)}${storageBindings(['buckets', 'dy'], ['out'])}
@compute @workgroup_size(${EMBEDDING_WORKGROUP})
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let e = gid.x;
  if (e >= p.V * p.D) { return; }
  let r = gid.y;
  let v = e / p.D;
  let c = e % p.D;
  let bb = p.a_offset + r * p.a_stride;
  let count = u32(buckets[bb + v]);
  let list = bb + p.V + v * p.N;
  let gb = p.b_offset + r * p.b_stride + c;
  var acc = 0.0;
  for (var i = 0u; i < count; i = i + 1u) { acc = acc + dy[gb + u32(buckets[list + i]) * p.D]; }
  out[p.o_offset + r * p.o_stride + e] = acc;
}
`;
}
