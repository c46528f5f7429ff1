// Is a block Primer-like? The two tests of ANCHORS §7.2, run on the simplified graph:
//
// 1. Squared ReLU in the feed-forward: the elementwise function between two dense ops, probed on a
//    grid over [−4, 4], is 0 below zero and fits a·x² above it (R² > 0.999). Any way of writing it
//    counts (square(relu(h)), relu(h) * relu(h), square(max(h, 0)), …).
// 2. Multi-DConv-head attention: for each of q, k and v of an attention, the map from the nearest
//    dense projection to the attention input is probed by perturbing one position and channel:
//    ∂q_t/∂p_{t−j} must be nonzero only for j ∈ {0, 1, 2} and only on the same channel.
import { buildBlockGraph, liveOrder, type BlockGraph, type BlockNodeId } from './block-graph.js';
import type { CheckedBlock } from './block-check.js';
import { evaluateBlock, type BlockDims } from './block-eval.js';
import { probeWeights } from './block-fingerprint.js';
import { BLOCK_OPS, type BlockOpSpec } from './ops.js';
import { Rng } from './random.js';

export type ActivationClass = 'squared-relu' | 'relu' | 'other';

export interface FeedForwardActivation {
  /** The dense op whose output the activation reads, and the one that reads the activation (call sites). */
  readonly fromSite: number;
  readonly toSite: number;
  readonly kind: ActivationClass;
  /** R² of the fit a·x² (or a·x for relu) on x > 0. */
  readonly fit: number;
}

export interface ProjectionConv {
  /** 'q', 'k' or 'v'. */
  readonly input: 'q' | 'k' | 'v';
  /** Offsets j with ∂input_t/∂projection_{t−j} ≠ 0; [0] for none, [0, 1, 2] for Primer's DConv. */
  readonly offsets: readonly number[];
  /** Each channel depends only on the same channel of the projection. */
  readonly depthwise: boolean;
  readonly causal: boolean;
  /** False when no dense projection reaches the input through per-position ops and dconvs. */
  readonly projected: boolean;
}

export interface BlockClassification {
  readonly activations: readonly FeedForwardActivation[];
  /** Per attention, its q, k and v. */
  readonly attention: readonly (readonly ProjectionConv[])[];
  readonly squaredRelu: boolean;
  /** Every input of some attention has a causal, depthwise, width-3 convolution after its projection. */
  readonly dconv3: boolean;
  /** A causal depthwise convolution of another width after a projection (a partial match). */
  readonly dconvOther: boolean;
  readonly verdict: 'primer-like' | 'partial' | 'not primer-like';
}

const R2_THRESHOLD = 0.999;

export function classifyBlock(checked: CheckedBlock): BlockClassification {
  const graph = buildBlockGraph(checked);
  const live = liveOrder(graph);
  const activations = feedForwardActivations(graph, live);
  const attention = live.filter((id) => isOp(graph, id, 'attention')).map((id) => projectionConvs(graph, id));
  const squaredRelu = activations.some((a) => a.kind === 'squared-relu');
  const isConv3 = (p: ProjectionConv) => p.projected && p.causal && p.depthwise && p.offsets.join() === '0,1,2';
  const dconv3 = attention.some((inputs) => inputs.every(isConv3));
  const dconvOther = attention.some((inputs) => inputs.some((p) => p.projected && p.causal && p.depthwise && p.offsets.length > 1 && !isConv3(p)));
  const verdict = squaredRelu && dconv3 ? 'primer-like' : squaredRelu || dconv3 || dconvOther ? 'partial' : 'not primer-like';
  return { activations, attention, squaredRelu, dconv3, dconvOther, verdict };
}

function isOp(graph: BlockGraph, id: BlockNodeId, op: string): boolean {
  const n = graph.nodes[id]!;
  return n.kind === 'op' && n.op === op;
}

const isMap = (graph: BlockGraph, id: BlockNodeId) => {
  const n = graph.nodes[id]!;
  return n.kind === 'op' && (BLOCK_OPS[n.op] as BlockOpSpec).kind === 'map';
};

/** The one non-constant, non-elementwise node an elementwise subexpression reads, if there is one. */
function scalarSource(graph: BlockGraph, id: BlockNodeId): BlockNodeId | undefined {
  if (!isMap(graph, id)) return graph.nodes[id]!.kind === 'const' ? undefined : id;
  const n = graph.nodes[id] as Extract<BlockGraph['nodes'][number], { kind: 'op' }>;
  const sources = new Set(n.args.filter((a) => graph.nodes[a]!.kind !== 'const').map((a) => scalarSource(graph, a)));
  return sources.size === 1 && !sources.has(undefined) ? [...sources][0] : undefined;
}

/** The elementwise function from `source` to `id` at one value t. */
function scalarAt(graph: BlockGraph, id: BlockNodeId, source: BlockNodeId, t: number): number {
  if (id === source) return t;
  const n = graph.nodes[id]!;
  if (n.kind === 'const') return n.value;
  if (n.kind !== 'op') throw new Error('not an elementwise path');
  return (BLOCK_OPS[n.op] as BlockOpSpec).scalar!(...n.args.map((a) => scalarAt(graph, a, source, t)));
}

function feedForwardActivations(graph: BlockGraph, live: readonly BlockNodeId[]): FeedForwardActivation[] {
  const out: FeedForwardActivation[] = [];
  for (const id of live) {
    const n = graph.nodes[id]!;
    if (n.kind !== 'op' || n.op !== 'dense') continue;
    const arg = n.args[0]!;
    const source = scalarSource(graph, arg);
    if (source === undefined || source === arg || !isOp(graph, source, 'dense')) continue;
    const from = graph.nodes[source] as { site?: number };
    out.push({ fromSite: from.site!, toSite: n.site!, ...probeActivation((t) => scalarAt(graph, arg, source, t)) });
  }
  return out;
}

/** Fits f on x > 0 with a·x² and a·x; f must vanish for x < 0. */
export function probeActivation(f: (x: number) => number): { kind: ActivationClass; fit: number } {
  const xs = Array.from({ length: 81 }, (_, i) => -4 + i * 0.1);
  const ys = xs.map(f);
  const scale = Math.max(...ys.map(Math.abs), 1e-30);
  if (!ys.every(Number.isFinite)) return { kind: 'other', fit: 0 };
  const zeroBelow = xs.every((x, i) => x >= 0 || Math.abs(ys[i]!) <= 1e-9 * scale);
  const positive = xs.map((x, i) => [x, ys[i]!] as const).filter(([x]) => x > 0);
  const fit = (power: number) => {
    const num = positive.reduce((s, [x, y]) => s + y * x ** power, 0);
    const den = positive.reduce((s, [x]) => s + x ** (2 * power), 0);
    const a = num / den;
    const mean = positive.reduce((s, [, y]) => s + y, 0) / positive.length;
    const total = positive.reduce((s, [, y]) => s + (y - mean) ** 2, 0);
    const residual = positive.reduce((s, [x, y]) => s + (y - a * x ** power) ** 2, 0);
    return a > 0 && total > 0 ? 1 - residual / total : 0;
  };
  const [square, linear] = [fit(2), fit(1)];
  if (zeroBelow && square > R2_THRESHOLD && square >= linear) return { kind: 'squared-relu', fit: square };
  if (zeroBelow && linear > R2_THRESHOLD) return { kind: 'relu', fit: linear };
  return { kind: 'other', fit: Math.max(square, linear) };
}

const PROBE_SEQ = 16;
const PROBE_POSITION = 8;
const PROBE_WIDTH = 16;

/** The nearest dense projection behind an attention input, through elementwise ops and dconvs only. */
function projectionOf(graph: BlockGraph, id: BlockNodeId): BlockNodeId | undefined {
  const n = graph.nodes[id]!;
  if (n.kind !== 'op') return undefined;
  if (n.op === 'dense') return id;
  if (n.op === 'dconv') return projectionOf(graph, n.args[0]!);
  if (isMap(graph, id)) {
    const source = scalarSource(graph, id);
    return source === undefined || source === id ? undefined : projectionOf(graph, source);
  }
  return undefined;
}

function projectionConvs(graph: BlockGraph, attention: BlockNodeId): ProjectionConv[] {
  const n = graph.nodes[attention] as { args: readonly BlockNodeId[] };
  return (['q', 'k', 'v'] as const).map((input, i) => {
    const target = n.args[i]!;
    const projection = projectionOf(graph, target);
    if (projection === undefined) return { input, offsets: [], depthwise: false, causal: true, projected: false };
    return { input, projected: true, ...jacobianPattern(graph, projection, target) };
  });
}

/** Perturbs the projection at one position and two channels and reads which outputs move. */
function jacobianPattern(graph: BlockGraph, projection: BlockNodeId, target: BlockNodeId) {
  const node = graph.nodes[target] as { width: number };
  const features = Math.round(node.width * PROBE_WIDTH);
  const dims: BlockDims = { width: PROBE_WIDTH, seq: PROBE_SEQ, rows: PROBE_SEQ };
  const rng = Rng.fromSeed(0x7e57);
  const base = Float64Array.from({ length: PROBE_SEQ * features }, () => rng.normal());
  const sub = { ...graph, output: target };
  const weights = probeWeights(graph, PROBE_WIDTH);
  const input = new Float64Array(PROBE_SEQ * PROBE_WIDTH);
  const run = (p: Float64Array) => evaluateBlock(sub, input, dims, weights, new Map([[projection, p]]));
  const y0 = run(base);
  const offsets = new Set<number>();
  let depthwise = true;
  let causal = true;
  for (const channel of [0, features - 1]) {
    const bumped = Float64Array.from(base);
    bumped[PROBE_POSITION * features + channel]! += 1e-3;
    const y = run(bumped);
    for (let t = 0; t < PROBE_SEQ; t++) {
      for (let c = 0; c < features; c++) {
        const delta = Math.abs(y[t * features + c]! - y0[t * features + c]!);
        if (delta <= 1e-12) continue;
        if (t < PROBE_POSITION) causal = false;
        else offsets.add(t - PROBE_POSITION);
        if (c !== channel) depthwise = false;
      }
    }
  }
  return { offsets: [...offsets].sort((a, b) => a - b), depthwise, causal };
}
