// Runs a cpu program (cpu-program.ts) on Float32Arrays: chunk by chunk, one loop per node, into buffers made once.
import { OPS, type OpSpec } from '../dsl/index.js';
import { copyElements, finishSum, subtractInPlace, SUM_LOOPS } from './cpu-loops.js';
import { CPU_CHUNK, type CpuPass, type CpuProgram } from './cpu-program.js';

/** The arrays of one step; each is read and written at elements [base, base + n). */
export interface CpuStepArrays {
  readonly w: Float32Array;
  readonly g: Float32Array;
  readonly slots: readonly Float32Array[];
  /** Needed when the program writes the update. */
  readonly update: Float32Array | undefined;
}

const EMPTY = new Float32Array(0);

export class CpuExecutor {
  readonly program: CpuProgram;
  /** Per register: a step array (set per step) or a chunk buffer (made here, once). */
  readonly #registers: Float32Array[];
  /** Per register: the element its loop reads first in the current chunk (0 for chunk buffers). */
  readonly #offsets: Int32Array;
  /** Every scalar node's value in this step (float32 values held as float64). */
  readonly #scalars: Float64Array;
  readonly #sums: Float64Array;

  constructor(program: CpuProgram) {
    this.program = program;
    const registers = program.tensors + program.buffers;
    this.#registers = Array.from({ length: registers }, (_, k) => (k < program.tensors ? EMPTY : new Float32Array(CPU_CHUNK)));
    this.#offsets = new Int32Array(registers);
    const { nodes } = program.plan.graph;
    this.#scalars = new Float64Array(nodes.length);
    nodes.forEach((node, id) => {
      if (node.kind === 'const') this.#scalars[id] = node.value;
    });
    this.#sums = new Float64Array(Math.max(0, ...program.passes.map((p) => p.reductions.length)));
  }

  /** One step in place; the caller has checked that every array holds base + n elements. */
  run(arrays: CpuStepArrays, base: number, n: number, lr: number, step: number): void {
    const { program } = this;
    const registers = this.#registers;
    registers[0] = arrays.w;
    registers[1] = arrays.g;
    arrays.slots.forEach((slot, i) => (registers[2 + i] = slot));
    registers[program.tensors - 1] = arrays.update ?? EMPTY;
    try {
      this.#hostScalars(lr, step);
      for (const pass of program.passes) this.#pass(pass, base, n, false);
      this.#pass(program.final, base, n, true);
    } finally {
      // Drop the step's arrays, so that the optimizer does not keep them alive.
      registers.fill(EMPTY, 0, program.tensors);
    }
  }

  #hostScalars(lr: number, step: number): void {
    const { nodes } = this.program.plan.graph;
    for (const id of this.program.hostScalars) {
      const node = nodes[id]!;
      if (node.kind === 'input') this.#scalars[id] = Math.fround(node.name === 'step' ? step : lr);
      else this.#scalarOp(id);
    }
  }

  /** A scalar map op from its arguments' values, through the op's own float32 function (ops.ts). */
  #scalarOp(id: number): void {
    const node = this.program.plan.graph.nodes[id]!;
    if (node.kind !== 'op') return;
    const spec: OpSpec = OPS[node.op];
    if (spec.kind !== 'map' || spec.scalar === undefined) throw new Error(`v${id}: ${node.op} is not a scalar map op`);
    this.#scalars[id] = spec.scalar(...node.args.map((a) => this.#scalars[a]!));
  }

  /** Runs one pass over every chunk; the final pass writes its outputs after each chunk. */
  #pass(pass: CpuPass, base: number, n: number, final: boolean): void {
    const registers = this.#registers;
    const offsets = this.#offsets;
    const scalars = this.#scalars;
    const sums = this.#sums;
    const { tensors } = this.program;
    for (const fill of pass.fills) registers[fill.register]!.fill(scalars[fill.node]!, 0, Math.min(n, CPU_CHUNK));
    sums.fill(0);
    const { instructions, reductions } = pass;
    for (let start = 0; start < n; start += CPU_CHUNK) {
      const len = Math.min(CPU_CHUNK, n - start);
      for (let k = 0; k < tensors; k++) offsets[k] = base + start;
      for (let k = 0; k < instructions.length; k++) {
        const { loop, out, args, scalar } = instructions[k]!;
        const a = args[0];
        const b = args[1];
        const c = args[2];
        const s = scalar < 0 ? 0 : scalars[scalar]!;
        loop(len, registers[out]!, offsets[out]!, registers[a]!, offsets[a]!, registers[b]!, offsets[b]!, registers[c]!, offsets[c]!, s);
      }
      for (let k = 0; k < reductions.length; k++) {
        const { op, args } = reductions[k]!;
        const x = args[0];
        const y = args[1];
        sums[k] = SUM_LOOPS[op](sums[k]!, len, registers[x]!, offsets[x]!, registers[y]!, offsets[y]!);
      }
      if (final) this.#write(len);
    }
    reductions.forEach((r, k) => (scalars[r.node] = finishSum(r.op, sums[k]!, n)));
    for (const id of pass.scalars) this.#scalarOp(id);
  }

  /** One chunk's outputs not computed in place (state, update), then w - update. */
  #write(len: number): void {
    const { outputs } = this.program;
    const registers = this.#registers;
    const offsets = this.#offsets;
    for (const { to, from } of outputs.copies) copyElements(len, registers[to]!, offsets[to]!, registers[from]!, offsets[from]!);
    const u = outputs.weightFrom;
    if (u >= 0) subtractInPlace(len, registers[0]!, offsets[0]!, registers[u]!, offsets[u]!);
  }
}
