// Identity of a block by behaviour (fingerprint) and by structure up to constants (shape key).
//
// The fingerprint runs the simplified graph on a fixed random input with fixed random weights and
// hashes the output, rounded as for optimizers. Weights go to parametric ops in a canonical order
// (post-order from the output, commutative operands sorted by structure), so renamed, reordered or
// dead-code variants, and programs the simplifier makes equal, share a fingerprint. Random taps and
// gains (not the training init's identity) keep `dconv` and `layer_norm` visible to it.
import { createHash } from 'node:crypto';
import { DEFAULT_BLOCK_WIDTH, type CheckedBlock } from './block-check.js';
import { evaluateBlock, type BlockDims, type BlockWeights, type WeightSource } from './block-eval.js';
import { buildBlockGraph, isParametric, liveOrder, structuralKeys, type BlockGraph, type BlockNodeId } from './block-graph.js';
import { fingerprintOfUpdates } from './fingerprint.js';
import { Rng } from './random.js';

/** One sequence of 32 positions, so that every tap of the widest dconv (31) shows. */
export const BLOCK_PROBE_DIMS: BlockDims = { width: DEFAULT_BLOCK_WIDTH, seq: 32, rows: 32 };
const INPUT_SEED = 0xb10c;
const WEIGHT_SEED = 0xb10c0000;

let probeInput: Float64Array | undefined;

/** The fixed input [rows, D]: standard normal. */
export function blockProbeInput(): Float64Array {
  probeInput ??= (() => {
    const rng = Rng.fromSeed(INPUT_SEED);
    return Float64Array.from({ length: BLOCK_PROBE_DIMS.rows * BLOCK_PROBE_DIMS.width }, () => rng.normal());
  })();
  return probeInput;
}

/** Parametric nodes in canonical order: post-order from the output. */
export function canonicalParameterOrder(graph: BlockGraph): BlockNodeId[] {
  return liveOrder(graph).filter((id) => isParametric(graph.nodes[id]!));
}

/** Drawn weights, by what determines them: every mutation attempt is fingerprinted, mostly with the same weights. */
const drawn = new Map<string, BlockWeights>();
const MAX_DRAWN = 512;

/** Random weights for the i-th parametric op: dense W ~ N(0, 1/fan_in), b, gains and biases near 1 and 0, taps ~ N(0, 1/4). */
export function randomWeights(index: number, kind: 'dense' | 'layer_norm' | 'dconv', inFeatures: number, outFeatures: number, taps = 0): BlockWeights {
  const key = `${index},${kind},${inFeatures},${outFeatures},${taps}`;
  let weights = drawn.get(key);
  if (weights === undefined) {
    if (drawn.size >= MAX_DRAWN) drawn.clear();
    weights = drawWeights(index, kind, inFeatures, outFeatures, taps);
    drawn.set(key, weights);
  }
  return weights;
}

function drawWeights(index: number, kind: 'dense' | 'layer_norm' | 'dconv', inFeatures: number, outFeatures: number, taps: number): BlockWeights {
  const rng = Rng.fromSeed(WEIGHT_SEED + index);
  const normal = (n: number, scale: number, shift = 0) => Float64Array.from({ length: n }, () => shift + scale * rng.normal());
  switch (kind) {
    case 'dense':
      return { kind, w: normal(inFeatures * outFeatures, 1 / Math.sqrt(inFeatures)), b: normal(outFeatures, 0.1) };
    case 'layer_norm':
      return { kind, gain: normal(outFeatures, 0.2, 1), bias: normal(outFeatures, 0.1) };
    case 'dconv':
      return { kind, taps: normal(taps * outFeatures, 0.5) };
  }
}

/** Random weights for the graph's parametric ops, by canonical order, at model width `width`. */
export function probeWeights(graph: BlockGraph, width: number = BLOCK_PROBE_DIMS.width): WeightSource {
  const indexOf = new Map<object, number>();
  canonicalParameterOrder(graph).forEach((id, i) => indexOf.set(graph.nodes[id]!, i));
  return (node, fin) => {
    const kind = node.op as 'dense' | 'layer_norm' | 'dconv';
    return randomWeights(indexOf.get(node)!, kind, fin, Math.round(node.width * width), node.attr);
  };
}

/** The output on the probe, with weights by canonical order. */
export function probeBlock(graph: BlockGraph): Float64Array {
  return evaluateBlock(graph, blockProbeInput(), BLOCK_PROBE_DIMS, probeWeights(graph));
}

/** Hash of the block's output on fixed inputs and weights, rounded to 17 mantissa bits. */
export function blockFingerprint(checked: CheckedBlock): string {
  return fingerprintOfUpdates([Float32Array.from(probeBlock(buildBlockGraph(checked)))]);
}

/** Hash of the simplified graph's structure with every constant a wildcard; widths, taps and heads count. */
export function blockShapeKey(checked: CheckedBlock): string {
  const graph = buildBlockGraph(checked);
  const keys = structuralKeys(graph.nodes, true);
  return createHash('sha256').update(keys[graph.output]!).digest('hex').slice(0, 16);
}
