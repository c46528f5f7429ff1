// Float64 twins of the sequence-model ops (embedding, layerNorm, attention, dconv) and their gradients, written plainly.
import { at, dense, type Dense } from './reference.js';

function addAt(t: Dense, index: number, value: number): void {
  t.data[index] = t.data[index]! + value;
}

/** Replica b's row i of an integer-valued [.., N, 1] tensor. */
const id = (ids: Dense, b: number, n: number) => at(ids, b, n, 0);

export function embedding64(table: Dense, ids: Dense): Dense {
  const batch = Math.max(table.batch, ids.batch);
  const out = dense(batch, ids.rows, table.cols);
  for (let b = 0; b < batch; b++) {
    for (let n = 0; n < ids.rows; n++) {
      const v = id(ids, b, n);
      for (let d = 0; d < table.cols; d++) {
        out.data[(b * ids.rows + n) * table.cols + d] = Number.isInteger(v) && v >= 0 && v < table.rows ? at(table, b, v, d) : NaN;
      }
    }
  }
  return out;
}

export function embeddingGrad64(ids: Dense, dy: Dense, rows: number): Dense {
  const batch = Math.max(ids.batch, dy.batch);
  const out = dense(batch, rows, dy.cols);
  for (let b = 0; b < batch; b++) {
    for (let n = 0; n < dy.rows; n++) {
      const v = id(ids, b, n);
      if (!(Number.isInteger(v) && v >= 0 && v < rows)) continue;
      for (let d = 0; d < dy.cols; d++) addAt(out, (b * rows + v) * dy.cols + d, at(dy, b, n, d));
    }
  }
  return out;
}

/** Mean and 1/√(var + eps) of replica b's row n. */
function rowStats(x: Dense, b: number, n: number, eps: number): [number, number] {
  let mean = 0;
  for (let d = 0; d < x.cols; d++) mean += at(x, b, n, d);
  mean /= x.cols;
  let v = 0;
  for (let d = 0; d < x.cols; d++) v += (at(x, b, n, d) - mean) ** 2;
  return [mean, 1 / Math.sqrt(v / x.cols + eps)];
}

export function layerNorm64(x: Dense, gain: Dense, bias: Dense, eps: number): { y: Dense; stats: Dense } {
  const batch = Math.max(x.batch, gain.batch, bias.batch);
  const y = dense(batch, x.rows, x.cols);
  const stats = dense(batch, x.rows, 2);
  for (let b = 0; b < batch; b++) {
    for (let n = 0; n < x.rows; n++) {
      const [mean, rstd] = rowStats(x, b, n, eps);
      stats.data[(b * x.rows + n) * 2] = mean;
      stats.data[(b * x.rows + n) * 2 + 1] = rstd;
      for (let d = 0; d < x.cols; d++) y.data[(b * x.rows + n) * x.cols + d] = (at(x, b, n, d) - mean) * rstd * at(gain, b, 0, d) + at(bias, b, 0, d);
    }
  }
  return { y, stats };
}

/** From the stats the op stored (float32), as the backends do. */
export function layerNormGrad64(x: Dense, gain: Dense, stats: Dense, dy: Dense): { dx: Dense; dgain: Dense; dbias: Dense } {
  const batch = Math.max(x.batch, gain.batch, stats.batch, dy.batch);
  const D = x.cols;
  const dx = dense(batch, x.rows, D);
  const dgain = dense(batch, 1, D);
  const dbias = dense(batch, 1, D);
  for (let b = 0; b < batch; b++) {
    for (let n = 0; n < x.rows; n++) {
      const mean = at(stats, b, n, 0);
      const rstd = at(stats, b, n, 1);
      const xh = (d: number) => (at(x, b, n, d) - mean) * rstd;
      let m1 = 0;
      let m2 = 0;
      for (let d = 0; d < D; d++) {
        const gh = at(dy, b, n, d) * at(gain, b, 0, d);
        m1 += gh / D;
        m2 += (gh * xh(d)) / D;
        addAt(dgain, b * D + d, at(dy, b, n, d) * xh(d));
        addAt(dbias, b * D + d, at(dy, b, n, d));
      }
      for (let d = 0; d < D; d++) dx.data[(b * x.rows + n) * D + d] = rstd * (at(dy, b, n, d) * at(gain, b, 0, d) - m1 - xh(d) * m2);
    }
  }
  return { dx, dgain, dbias };
}

/** Softmax weights of query t over keys j ≤ t, sequence s, head h (columns h·dh …), replica b. */
function weights(q: Dense, k: Dense, b: number, s: number, h: number, t: number, T: number, dh: number): number[] {
  const scores: number[] = [];
  for (let j = 0; j <= t; j++) {
    let dot = 0;
    for (let d = 0; d < dh; d++) dot += at(q, b, s * T + t, h * dh + d) * at(k, b, s * T + j, h * dh + d);
    scores.push(dot / Math.sqrt(dh));
  }
  const max = Math.max(...scores);
  const e = scores.map((v) => Math.exp(v - max));
  const sum = e.reduce((a, v) => a + v, 0);
  return e.map((v) => v / sum);
}

export function attention64(q: Dense, k: Dense, v: Dense, heads: number, T: number): { out: Dense; probs: Dense } {
  const batch = Math.max(q.batch, k.batch, v.batch);
  const { rows: N, cols: D } = q;
  const dh = D / heads;
  const S = N / T;
  const out = dense(batch, N, D);
  const probs = dense(batch, S * heads * T, T);
  for (let b = 0; b < batch; b++) {
    for (let s = 0; s < S; s++) {
      for (let h = 0; h < heads; h++) {
        for (let t = 0; t < T; t++) {
          const p = weights(q, k, b, s, h, t, T, dh);
          p.forEach((w, j) => (probs.data[((b * S + s) * heads + h) * T * T + t * T + j] = w));
          for (let d = 0; d < dh; d++) {
            let o = 0;
            for (let j = 0; j <= t; j++) o += p[j]! * at(v, b, s * T + j, h * dh + d);
            out.data[(b * N + s * T + t) * D + h * dh + d] = o;
          }
        }
      }
    }
  }
  return { out, probs };
}

/** From the probs the op stored, as the backends do. */
export function attentionGrad64(q: Dense, k: Dense, v: Dense, probs: Dense, dOut: Dense, heads: number, T: number): { dq: Dense; dk: Dense; dv: Dense } {
  const batch = Math.max(q.batch, k.batch, v.batch, probs.batch, dOut.batch);
  const { rows: N, cols: D } = q;
  const dh = D / heads;
  const S = N / T;
  const [dq, dk, dv] = [dense(batch, N, D), dense(batch, N, D), dense(batch, N, D)];
  const c = 1 / Math.sqrt(dh);
  for (let b = 0; b < batch; b++) {
    for (let s = 0; s < S; s++) {
      for (let h = 0; h < heads; h++) {
        const col = (d: number) => h * dh + d;
        const idx = (t: number, d: number) => (b * N + s * T + t) * D + col(d);
        for (let t = 0; t < T; t++) {
          const p = (j: number) => at(probs, b, (s * heads + h) * T + t, j);
          const dp: number[] = [];
          for (let j = 0; j <= t; j++) {
            let x = 0;
            for (let d = 0; d < dh; d++) x += at(dOut, b, s * T + t, col(d)) * at(v, b, s * T + j, col(d));
            dp.push(x);
          }
          const total = dp.reduce((a, x, j) => a + p(j) * x, 0);
          for (let j = 0; j <= t; j++) {
            const ds = p(j) * (dp[j]! - total);
            for (let d = 0; d < dh; d++) {
              addAt(dq, idx(t, d), c * ds * at(k, b, s * T + j, col(d)));
              addAt(dk, idx(j, d), c * ds * at(q, b, s * T + t, col(d)));
              addAt(dv, idx(j, d), p(j) * at(dOut, b, s * T + t, col(d)));
            }
          }
        }
      }
    }
  }
  return { dq, dk, dv };
}

export function dconv64(x: Dense, taps: Dense, T: number): Dense {
  const batch = Math.max(x.batch, taps.batch);
  const y = dense(batch, x.rows, x.cols);
  for (let b = 0; b < batch; b++) {
    for (let n = 0; n < x.rows; n++) {
      for (let d = 0; d < x.cols; d++) {
        let s = 0;
        for (let j = 0; j < taps.rows && j <= n % T; j++) s += at(taps, b, j, d) * at(x, b, n - j, d);
        y.data[(b * x.rows + n) * x.cols + d] = s;
      }
    }
  }
  return y;
}

export function dconvGrad64(x: Dense, taps: Dense, dy: Dense, T: number): { dx: Dense; dtaps: Dense } {
  const batch = Math.max(x.batch, taps.batch, dy.batch);
  const dx = dense(batch, x.rows, x.cols);
  const dtaps = dense(batch, taps.rows, taps.cols);
  for (let b = 0; b < batch; b++) {
    for (let n = 0; n < x.rows; n++) {
      for (let d = 0; d < x.cols; d++) {
        for (let j = 0; j < taps.rows && j <= n % T; j++) {
          addAt(dx, (b * x.rows + n - j) * x.cols + d, at(taps, b, j, d) * at(dy, b, n, d));
          addAt(dtaps, (b * taps.rows + j) * x.cols + d, at(dy, b, n, d) * at(x, b, n - j, d));
        }
      }
    }
  }
  return { dx, dtaps };
}
