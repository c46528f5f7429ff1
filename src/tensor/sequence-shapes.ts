// Shape rules of the sequence-model ops (embedding, layerNorm, attention, dconv), shared by both backends.
import type { AttentionOptions, SequenceOptions, Tensor } from './types.js';
import { checkOut, checkSameMatrix, checkShape, opBatch } from './views.js';

type View = Tensor<unknown>;

function positive(op: string, name: string, n: number): void {
  if (!Number.isSafeInteger(n) || n < 1) throw new RangeError(`${op}: ${name} must be a positive integer (got ${n})`);
}

/** Throws unless x's rows split into whole sequences of `seq`; returns the number of sequences. */
function sequences(op: string, x: View, options: SequenceOptions): number {
  positive(op, 'seq', options.seq);
  if (x.rows % options.seq !== 0) throw new RangeError(`${op}: ${x.rows} rows are not whole sequences of ${options.seq}`);
  return x.rows / options.seq;
}

/** table [batch, V, D], ids [batch or 1, N, 1] → [batch, N, D]. */
export function embeddingShape(table: View, ids: View, out?: View): number {
  checkShape(table, 'embedding table');
  checkShape(ids, 'embedding ids');
  if (ids.cols !== 1) throw new RangeError(`embedding: ids are [${ids.rows}, ${ids.cols}], expected one column`);
  const batch = opBatch('embedding', table, ids);
  if (out !== undefined) checkOut('embedding', out, batch, ids.rows, table.cols);
  return batch;
}

/** ids [batch or 1, N, 1], dy [batch, N, D] → [batch, rows, D]. */
export function embeddingGradShape(ids: View, dy: View, rows: number, out?: View): number {
  checkShape(ids, 'embeddingGrad ids');
  checkShape(dy, 'embeddingGrad dy');
  positive('embeddingGrad', 'rows', rows);
  if (ids.cols !== 1 || ids.rows !== dy.rows) {
    throw new RangeError(`embeddingGrad: ids are [${ids.rows}, ${ids.cols}], expected [${dy.rows}, 1] for dy [${dy.rows}, ${dy.cols}]`);
  }
  const batch = opBatch('embeddingGrad', ids, dy);
  if (out !== undefined) checkOut('embeddingGrad', out, batch, rows, dy.cols);
  return batch;
}

function rowVector(op: string, name: string, v: View, cols: number): void {
  checkShape(v, `${op} ${name}`);
  if (v.rows !== 1 || v.cols !== cols) throw new RangeError(`${op}: ${name} is [${v.rows}, ${v.cols}], expected [1, ${cols}]`);
}

/** x [batch, N, D], gain and bias [1, D]; eps finite and ≥ 0. */
export function layerNormShape(x: View, gain: View, bias: View, eps: number): number {
  checkShape(x, 'layerNorm x');
  rowVector('layerNorm', 'gain', gain, x.cols);
  rowVector('layerNorm', 'bias', bias, x.cols);
  if (!Number.isFinite(eps) || eps < 0) throw new RangeError(`layerNorm: eps must be finite and ≥ 0 (got ${eps})`);
  return opBatch('layerNorm', x, gain, bias);
}

export function layerNormGradShape(x: View, gain: View, stats: View, dy: View, outs: { dx?: View; dgain?: View; dbias?: View }): number {
  checkShape(x, 'layerNormGrad x');
  checkShape(stats, 'layerNormGrad stats');
  checkShape(dy, 'layerNormGrad dy');
  rowVector('layerNormGrad', 'gain', gain, x.cols);
  checkSameMatrix('layerNormGrad', x, dy);
  if (stats.rows !== x.rows || stats.cols !== 2) throw new RangeError(`layerNormGrad: stats are [${stats.rows}, ${stats.cols}], expected [${x.rows}, 2]`);
  const batch = opBatch('layerNormGrad', x, gain, stats, dy);
  if (outs.dx !== undefined) checkOut('layerNormGrad dx', outs.dx, batch, x.rows, x.cols);
  if (outs.dgain !== undefined) checkOut('layerNormGrad dgain', outs.dgain, batch, 1, x.cols);
  if (outs.dbias !== undefined) checkOut('layerNormGrad dbias', outs.dbias, batch, 1, x.cols);
  return batch;
}

/** Sizes of an attention call: B sequences of T rows, H heads of dh columns, D = H·dh. */
export interface AttentionDims {
  readonly batch: number;
  readonly B: number;
  readonly T: number;
  readonly H: number;
  readonly dh: number;
  readonly D: number;
}

export function attentionShape(q: View, k: View, v: View, options: AttentionOptions): AttentionDims {
  for (const [name, t] of [['q', q], ['k', k], ['v', v]] as const) checkShape(t, `attention ${name}`);
  checkSameMatrix('attention', q, k);
  checkSameMatrix('attention', q, v);
  const B = sequences('attention', q, options);
  positive('attention', 'heads', options.heads);
  if (q.cols % options.heads !== 0) throw new RangeError(`attention: ${q.cols} columns do not split into ${options.heads} heads`);
  return { batch: opBatch('attention', q, k, v), B, T: options.seq, H: options.heads, dh: q.cols / options.heads, D: q.cols };
}

export function attentionGradShape(
  q: View, k: View, v: View, probs: View, dOut: View, options: AttentionOptions & { dq?: View; dk?: View; dv?: View },
): AttentionDims {
  const dims = attentionShape(q, k, v, options);
  checkShape(probs, 'attentionGrad probs');
  checkShape(dOut, 'attentionGrad dOut');
  checkSameMatrix('attentionGrad', q, dOut);
  if (probs.rows !== dims.B * dims.H * dims.T || probs.cols !== dims.T) {
    throw new RangeError(`attentionGrad: probs are [${probs.rows}, ${probs.cols}], expected [${dims.B * dims.H * dims.T}, ${dims.T}]`);
  }
  const batch = opBatch('attentionGrad', q, k, v, probs, dOut);
  for (const name of ['dq', 'dk', 'dv'] as const) {
    const out = options[name];
    if (out !== undefined) checkOut(`attentionGrad ${name}`, out, batch, q.rows, q.cols);
  }
  return { ...dims, batch };
}

/** x [batch, B·T, D], taps [batch or 1, W, D]; returns the batch. */
export function dconvShape(x: View, taps: View, options: SequenceOptions, out?: View): number {
  checkShape(x, 'dconv x');
  checkShape(taps, 'dconv taps');
  sequences('dconv', x, options);
  if (taps.cols !== x.cols || taps.rows < 1) throw new RangeError(`dconv: taps are [${taps.rows}, ${taps.cols}], expected [W ≥ 1, ${x.cols}]`);
  const batch = opBatch('dconv', x, taps);
  if (out !== undefined) checkOut('dconv', out, batch, x.rows, x.cols);
  return batch;
}

export function dconvGradShape(x: View, taps: View, dy: View, options: SequenceOptions & { dx?: View; dtaps?: View }): number {
  dconvShape(x, taps, options);
  checkShape(dy, 'dconvGrad dy');
  checkSameMatrix('dconvGrad', x, dy);
  const batch = opBatch('dconvGrad', x, taps, dy);
  if (options.dx !== undefined) checkOut('dconvGrad dx', options.dx, batch, x.rows, x.cols);
  if (options.dtaps !== undefined) checkOut('dconvGrad dtaps', options.dtaps, batch, taps.rows, taps.cols);
  return batch;
}
