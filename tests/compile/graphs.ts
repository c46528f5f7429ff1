// Hand-built graphs for what no program text can express.
import { GraphBuilder, type OptimizerGraph } from '../../src/dsl/index.js';

/**
 * update = g * c for any float32 c. The language folds no non-finite constant today (literals
 * beyond float32 are errors, folding stops at Inf), but graphs from rewrites may still hold one.
 */
export function graphTimesConstant(c: number): OptimizerGraph {
  const b = new GraphBuilder();
  b.input('w', 'tensor');
  const g = b.input('g', 'tensor');
  b.input('lr', 'scalar');
  const update = b.op('mul', [g, b.constant(c)]);
  return { nodes: b.nodes, update, slots: [], signature: { params: ['w', 'g', 'lr'], slots: [], usesStep: false }, names: new Map() };
}

