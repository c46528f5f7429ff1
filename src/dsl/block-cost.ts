// What a block costs at a model width and context: parameters, and forward FLOPs per token (a
// multiply-add is 2 FLOPs; a training step is about 3× the forward), so that blocks can be compared
// at equal compute.
import { assertNever } from './ast.js';
import { buildBlockGraph, liveOrder } from './block-graph.js';
import type { CheckedBlock } from './block-check.js';
import { BLOCK_OPS, type BlockOpSpec } from './ops.js';

export interface BlockCost {
  readonly parameters: number;
  readonly flopsPerToken: number;
}

/** LayerNorm per feature: mean, variance, normalise, gain and bias. */
const LAYER_NORM_FLOPS = 7;

export function blockCost(checked: CheckedBlock, width: number, context: number): BlockCost {
  const graph = buildBlockGraph(checked);
  let parameters = 0;
  let flops = 0;
  const features = (id: number) => {
    const n = graph.nodes[id]!;
    return n.kind === 'op' ? Math.round(n.width * width) : n.kind === 'input' ? width : 0;
  };
  for (const id of liveOrder(graph)) {
    const n = graph.nodes[id]!;
    if (n.kind !== 'op') continue;
    const out = features(id);
    const spec: BlockOpSpec = BLOCK_OPS[n.op];
    switch (spec.kind) {
      case 'map':
        flops += out;
        break;
      case 'dense': {
        const fin = features(n.args[0]!);
        parameters += fin * out + out;
        flops += 2 * fin * out;
        break;
      }
      case 'layer_norm':
        parameters += 2 * out;
        flops += LAYER_NORM_FLOPS * out;
        break;
      case 'dconv':
        parameters += n.attr! * out;
        flops += 2 * n.attr! * out;
        break;
      case 'attention':
        // Scores q·k and the weighted sum of v over the (on average half-full) causal window.
        flops += 2 * 2 * out * ((context + 1) / 2);
        break;
      default:
        assertNever(spec.kind);
    }
  }
  return { parameters, flopsPerToken: flops };
}
