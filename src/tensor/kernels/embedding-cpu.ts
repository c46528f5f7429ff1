// Embedding lookup and its scatter-add gradient on the cpu, one replica at a time.
import { labelIndex } from './softmax-cpu.js';

let sums = new Float64Array(64);

/** out[n] = table[ids[n]] for n < N: table [V, D] at to, ids [N] at io, out [N, D] at oo; a bad id gives a NaN row. */
export function embeddingCpu(
  table: Float32Array, to: number, ids: Float32Array, io: number, out: Float32Array, oo: number, N: number, V: number, D: number,
): void {
  for (let n = 0; n < N; n++) {
    const id = labelIndex(ids[io + n]!, V);
    const row = oo + n * D;
    if (id < 0) out.fill(NaN, row, row + D);
    else out.set(table.subarray(to + id * D, to + id * D + D), row);
  }
}

/**
 * out[v] = Σ_{n: ids[n] = v} dy[n] over rows n in increasing order, summed in float64 and rounded
 * once: ids [N] at io, dy [N, D] at dyo, out [V, D] at oo. Bad ids add nothing.
 */
export function embeddingGradCpu(
  ids: Float32Array, io: number, dy: Float32Array, dyo: number, out: Float32Array, oo: number, N: number, V: number, D: number,
): void {
  if (sums.length < V * D) sums = new Float64Array(V * D);
  const acc = sums;
  acc.fill(0, 0, V * D);
  for (let n = 0; n < N; n++) {
    const id = labelIndex(ids[io + n]!, V);
    if (id < 0) continue;
    const row = dyo + n * D;
    const at = id * D;
    for (let d = 0; d < D; d++) acc[at + d] = acc[at + d]! + dy[row + d]!;
  }
  for (let e = 0; e < V * D; e++) out[oo + e] = acc[e]!;
}
