// Structural Lion test: does the simplified program have Lion's shape up to constants, and which
// constants does it use?
//
// The shape is compared by shape key (constants as wildcards, dead state and dead code dropped)
// against every way of writing the Lion template that the simplifier does not merge: interp's two
// argument orders, with or without decoupled weight decay, and the usual ways to scale by lr·c.
import type { CheckedOptimizer } from './check.js';
import { shapeKey } from './shape-key.js';
import type { GraphNode, NodeId, OptimizerGraph } from './graph.js';
import { shortestFloat32 } from './emit.js';
import { runStep } from './interpret.js';
import { parseOptimizer } from './load.js';
import { printExpr } from './printer.js';
import { simplifiedGraph, simplifyOptimizer } from './simplify.js';

export interface LionConstants {
  /** Weight of the old momentum in the update's interp. */
  readonly beta1: number;
  /** Weight of the old momentum in the momentum's interp. */
  readonly beta2: number;
  /** Decoupled weight decay, relative to the sign term. */
  readonly lambda: number;
  /** Learning-rate multiplier: |update| = c·lr when λ·w is 0. */
  readonly c: number;
}

export type StructuralMatch =
  | { readonly matched: true; readonly constants: LionConstants; readonly detail: string }
  | { readonly matched: false; readonly detail: string };

// Distinct placeholder constants, so that no two template nodes merge when the graph is built.
const UPDATE_INTERPS = ['interp(g, m, 0.3)', 'interp(m, g, 0.3)'];
const MOMENTUM_INTERPS = ['interp(g, m, 0.7)', 'interp(m, g, 0.7)'];
const DECAYS = ['s', 's + w * 0.5', 's - w * 0.5'];
const SCALES = ['x * lr', 'x * (lr * 0.25)', 'x * lr * 0.25', 'x * 0.25 * lr', 'x * lr / 0.25', 'x * (lr / 0.25)'];

/** Constant factors stay in the shape: β1 and β2 are read off the matched interps. */
const EXACT = { keepFactors: true } as const;

let templateKeys: ReadonlySet<string> | undefined;

/** Shape keys of every written form of the Lion template. */
function lionTemplateKeys(): ReadonlySet<string> {
  if (templateKeys) return templateKeys;
  const keys = new Set<string>();
  for (const e of UPDATE_INTERPS) {
    for (const mom of MOMENTUM_INTERPS) {
      for (const decay of DECAYS) {
        for (const scale of SCALES) {
          const update = scale.replace('x', `(${decay.replace('s', `sign(${e})`)})`);
          const text = `def train(w, g, m, lr):\n    update = ${update}\n    m = ${mom}\n    return update, m\n`;
          keys.add(shapeKey(parseOptimizer(text, '<lion template>'), EXACT));
        }
      }
    }
  }
  templateKeys = keys;
  return keys;
}

/** The simplified program on one line, for details. */
function oneLine(checked: CheckedOptimizer): string {
  const { program } = simplifyOptimizer(checked).checked;
  const body = program.body.map((s) => `${s.target} = ${printExpr(s.value)}`);
  return [...body, `return ${program.ret.values.map((v) => printExpr(v)).join(', ')}`].join('; ');
}

export function matchLionStructure(checked: CheckedOptimizer): StructuralMatch {
  const { graph, carried } = simplifiedGraph(checked);
  const live = checked.signature.slots.filter((_, i) => carried[i]);
  if (live.length !== 1) {
    const names = live.length > 0 ? ` (${live.join(', ')})` : '';
    return { matched: false, detail: `${live.length} live state slots${names}; Lion carries exactly one` };
  }
  if (!lionTemplateKeys().has(shapeKey(checked, EXACT))) {
    return { matched: false, detail: `not Lion's shape up to constants: ${oneLine(checked)}` };
  }
  const slot = carried.indexOf(true);
  const beta1 = interpBeta(graph, findSignArgument(graph));
  const beta2 = interpBeta(graph, graph.slots[slot]!);
  const { c, lambda } = scaleAndDecay(checked, slot, beta1);
  return {
    matched: true,
    constants: { beta1, beta2, lambda, c },
    detail: `update = c·lr·(sign(interp(g, ${live[0]}, β1)) + λ·w), ${live[0]} ← interp(g, ${live[0]}, β2)`,
  };
}

/** The argument of the one sign() on the update's path (the template match guarantees it). */
function findSignArgument(graph: OptimizerGraph): NodeId {
  const stack = [graph.update];
  while (stack.length > 0) {
    const n: GraphNode = graph.nodes[stack.pop()!]!;
    if (n.kind !== 'op') continue;
    if (n.op === 'sign') return n.args[0]!;
    stack.push(...n.args);
  }
  throw new Error('matched Lion shape without a sign()');
}

/** β of interp(g, m, β) = β·m + (1 − β)·g, or of interp(m, g, t), which is β = 1 − t. */
function interpBeta(graph: OptimizerGraph, id: NodeId): number {
  const n = graph.nodes[id]!;
  if (n.kind !== 'op' || n.op !== 'interp') throw new Error('matched Lion shape without an interp()');
  const [a, , t] = n.args.map((x) => graph.nodes[x]!);
  if (t?.kind !== 'const') throw new Error('matched Lion shape with a non-constant interp weight');
  // The constant as written (graph constants are float32), so 1 − 0.001 is 0.999, not 0.99899999.
  const written = shortestFloat32(t.value);
  return a?.kind === 'input' && a.name === 'g' ? written : 1 - written;
}

/**
 * c and λ from two one-element steps with lr = 1: with the sign term s = ±1, the update is c·s at
 * w = 0 and c·(s + λ) at w = 1. Inputs g = 1, m = 0 make the sign's argument (1 − β1).
 */
function scaleAndDecay(checked: CheckedOptimizer, slot: number, beta1: number): { c: number; lambda: number } {
  const [g, m, s] = beta1 === 1 ? [0, 1, 1] : [1, 0, Math.sign(1 - beta1)];
  const step = (w: number) => {
    const slots = checked.signature.slots.map((_, i) => Float32Array.of(i === slot ? m : 0));
    return runStep(checked, { w: Float32Array.of(w), g: Float32Array.of(g), lr: 1, step: 1, slots }).update[0]!;
  };
  const c = step(0) / s;
  return { c, lambda: c === 0 ? 0 : step(1) / c - s };
}
