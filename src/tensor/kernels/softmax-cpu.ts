// Softmax cross-entropy on the cpu: loss and dlogits of one replica, and the per-replica classification counts.
//
// Per row m of logits z [M, C] with label y (a float holding a class index): ℓ_m = log Σ_c exp(z_c − max z)
// − (z_y − max z); dlogits_mc = (softmax(z)_c − [c = y]) / M. A label that is not an integer in
// [0, C) makes its row's loss and dlogits NaN, so a bad label shows instead of training silently.

let scratch = new Float64Array(64);

function scratchRow(length: number): Float64Array {
  if (scratch.length < length) scratch = new Float64Array(length);
  return scratch;
}

/** The class index a float label stands for, or −1 when it is not an integer in [0, classes). */
export function labelIndex(label: number, classes: number): number {
  return Number.isInteger(label) && label >= 0 && label < classes ? label : -1;
}

/**
 * Mean loss over the M rows of one replica; writes dlogits [M, C] at `go` when `g` is given.
 * `z` rows start at zo (row-major, C per row), labels at lo (one per row).
 */
export function softmaxCrossEntropyCpu(
  z: Float32Array, zo: number,
  labels: Float32Array, lo: number,
  M: number, C: number,
  g: Float32Array | undefined, go: number,
): number {
  let total = 0;
  for (let m = 0; m < M; m++) {
    const row = zo + m * C;
    let max = -Infinity;
    for (let c = 0; c < C; c++) max = Math.max(max, z[row + c]!);
    const y = labelIndex(labels[lo + m]!, C);
    if (g === undefined) {
      let sum = 0;
      for (let c = 0; c < C; c++) sum += Math.exp(z[row + c]! - max);
      total += y < 0 ? NaN : Math.log(sum) - (z[row + y]! - max);
      continue;
    }
    // exp(z − max) is kept in the float64 scratch row, then scaled into dlogits.
    const e = scratchRow(C);
    let sum = 0;
    for (let c = 0; c < C; c++) sum += e[c] = Math.exp(z[row + c]! - max);
    total += y < 0 ? NaN : Math.log(sum) - (z[row + y]! - max);
    const out = go + m * C;
    const scale = 1 / (sum * M);
    for (let c = 0; c < C; c++) g[out + c] = e[c]! * scale;
    if (y >= 0) g[out + y] = e[y]! * scale - 1 / M;
    else for (let c = 0; c < C; c++) g[out + c] = NaN;
  }
  return total / M;
}

/** [Σ_rows loss, rows whose first maximal logit is the label] of one replica. */
export function classificationStatsCpu(z: Float32Array, zo: number, labels: Float32Array, lo: number, M: number, C: number): [number, number] {
  let total = 0;
  let correct = 0;
  for (let m = 0; m < M; m++) {
    const row = zo + m * C;
    let max = z[row]!;
    let best = 0;
    for (let c = 1; c < C; c++) {
      const v = z[row + c]!;
      if (v > max) {
        max = v;
        best = c;
      }
    }
    let sum = 0;
    for (let c = 0; c < C; c++) sum += Math.exp(z[row + c]! - max);
    const y = labelIndex(labels[lo + m]!, C);
    total += y < 0 ? NaN : Math.log(sum) - (z[row + y]! - max);
    if (y >= 0 && best === y) correct += 1;
  }
  return [total, correct];
}
