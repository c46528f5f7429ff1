// Macro ops written in terms of primitive ops, over any algebra (values in the interpreter, graph
// nodes in the simplifier and compiler), so their meaning is stated once.
import type { MacroOpName, OpName } from './ops.js';

export interface OpAlgebra<T> {
  apply(op: Exclude<OpName, MacroOpName>, args: readonly T[]): T;
  constant(value: number): T;
}

type Expansion = <T>(A: OpAlgebra<T>, args: readonly T[]) => T;

export const MACROS = {
  rms: (A, [x]) => A.apply('sqrt', [A.apply('mean', [A.apply('square', [x!])])]),
  cosine_sim: (A, [x, y]) =>
    A.apply('div', [A.apply('dot', [x!, y!]), A.apply('mul', [A.apply('norm', [x!]), A.apply('norm', [y!])])]),
  clip_by_norm: (A, [x, c]) =>
    A.apply('mul', [x!, A.apply('min', [A.constant(1), A.apply('div', [A.apply('abs', [c!]), A.apply('norm', [x!])])])]),
} as const satisfies Record<MacroOpName, Expansion>;

export function expandMacro<T>(op: MacroOpName, A: OpAlgebra<T>, args: readonly T[]): T {
  return (MACROS[op] as Expansion)(A, args);
}
