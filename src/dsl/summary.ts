// One-line summaries of an optimizer: the simplified update written as a single expression, and
// each live state slot's new value, for progress lines and tables where a whole program does not fit.
import type { CheckedOptimizer } from './check.js';
import { emitExpression } from './emit.js';
import { printExpr } from './printer.js';
import { simplifiedGraph } from './simplify.js';

/**
 * `update = <expr>; m <- <expr>; ...` over the simplified program, every temporary inlined, so two
 * programs that differ only in naming, order or dead code read the same.
 */
export function oneLineSummary(checked: CheckedOptimizer): string {
  const { graph, carried } = simplifiedGraph(checked);
  const inline = (id: number) => printExpr(emitExpression(graph.nodes, id, nameOfInput(graph.nodes), () => false, true));
  const parts = [`update = ${inline(graph.update)}`];
  graph.slots.forEach((id, i) => {
    if (carried[i]) parts.push(`${graph.signature.slots[i]} <- ${inline(id)}`);
  });
  return parts.join('; ');
}

function nameOfInput(nodes: ReturnType<typeof simplifiedGraph>['graph']['nodes']): (id: number) => string {
  return (id) => {
    const n = nodes[id]!;
    if (n.kind !== 'input') throw new Error(`node ${id} is not an input`);
    return n.name;
  };
}
