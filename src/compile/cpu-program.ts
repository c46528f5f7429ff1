// Lowering pass 4 for the cpu backend: the kernel plan as register programs over chunks of elements.
//
// The cpu backend walks the elements in chunks of CPU_CHUNK. Each pass of the plan (every reduction
// level, then the fused elementwise step) becomes a list of instructions, one per tensor node in
// topological order, each a whole-chunk loop (cpu-loops.ts, cpu-scalar-loops.ts). Registers
// 0 .. tensors-1 are the step's arrays (w, g, the slots, then the update), read and written at the
// chunk's offset; the others are chunk buffers, reused once a node's last reader has run. A scalar
// operand is passed to the loop as a value where an op has a scalar form, else broadcast once per
// pass into a buffer of its own. Reductions continue one float64 sum per chunk in element order, so
// the sums are the interpreter's. Like the GPU plan, a pass recomputes the tensor nodes it needs
// instead of storing whole tensors between passes.
import { OPS, type MapOpName, type NodeId, type ReduceOpName } from '../dsl/index.js';
import { copyElements, ELEMENT_LOOPS, type ElementLoop } from './cpu-loops.js';
import { SCALAR_LOOPS, type ScalarForms } from './cpu-scalar-loops.js';
import type { OutputMode } from './emit-kernels.js';
import type { KernelPlan } from './schedule.js';

/** Elements per chunk: 8 KiB per buffer, so a pass's buffers stay in the core's caches. */
export const CPU_CHUNK = 2048;

/** tensor: every operand a register; ts / st / tts: see cpu-scalar-loops.ts; copy: a step tensor copied. */
export type CpuForm = 'tensor' | keyof ScalarForms | 'copy';

export interface CpuInstruction {
  readonly op: MapOpName | 'copy';
  readonly form: CpuForm;
  readonly loop: ElementLoop;
  /** Register written: a chunk buffer, or an output array when nothing later reads its old value. */
  readonly out: number;
  /** Operand registers; unused ones repeat the first, so every call passes real arrays. */
  readonly args: readonly [number, number, number];
  /** The node whose scalar value the loop takes as `s`, or -1. */
  readonly scalar: NodeId;
}

export interface CpuReduction {
  readonly node: NodeId;
  readonly op: ReduceOpName;
  readonly args: readonly [number, number];
}

export interface CpuPass {
  /** Chunk buffers filled with a scalar's value before the pass's first chunk. */
  readonly fills: readonly { readonly register: number; readonly node: NodeId }[];
  readonly instructions: readonly CpuInstruction[];
  /** Sums continued after each chunk's instructions (reduction passes). */
  readonly reductions: readonly CpuReduction[];
  /** Scalar op nodes computed after the reductions, in topological order. */
  readonly scalars: readonly NodeId[];
}

export interface CpuOutputs {
  /** After each chunk of the final pass: outputs not computed in place, copied into their arrays. */
  readonly copies: readonly { readonly to: number; readonly from: number }[];
  /** Register of the update for w -= update, or -1 when the output mode leaves w alone. */
  readonly weightFrom: number;
}

export interface CpuProgram {
  readonly plan: KernelPlan;
  /** Step-array registers: 0 = w, 1 = g, 2 + i = slot i, tensors - 1 = update. */
  readonly tensors: number;
  /** Chunk buffers the executor allocates (registers tensors .. tensors + buffers - 1). */
  readonly buffers: number;
  /** Scalar nodes of level 0, computed on entry from lr, step and constants. */
  readonly hostScalars: readonly NodeId[];
  /** One per reduction level, in order. */
  readonly passes: readonly CpuPass[];
  /** The elementwise step; its `reductions` and `scalars` are empty. */
  readonly final: CpuPass;
  readonly outputs: CpuOutputs;
}

const COPY: ElementLoop = (len, out, oo, a, ao) => copyElements(len, out, oo, a, ao);

export function cpuProgram(plan: KernelPlan, output: OutputMode): CpuProgram {
  const slotCount = plan.graph.signature.slots.length;
  const tensors = 3 + slotCount;
  let buffers = 0;
  const passes = plan.passes.map((pass) => {
    const builder = new PassBuilder(plan, tensors);
    // One call for all the pass's arguments: the buffers of every one stay live to the pass's end.
    const registers = builder.emit(pass.reductions.flatMap((r) => r.args), false);
    let next = 0;
    const reductions = pass.reductions.map((r): CpuReduction => {
      const x = registers[next++]!;
      const y = r.args.length > 1 ? registers[next++]! : x;
      return { node: r.node, op: r.op, args: [x, y] };
    });
    buffers = Math.max(buffers, builder.buffers);
    return { ...builder.pass(), reductions, scalars: pass.scalars };
  });
  const builder = new PassBuilder(plan, tensors);
  // Destinations: each slot the step writes, then the update when the output mode returns it.
  const destinations = plan.slotWrites.flatMap((w, slot) => (w.kind === 'write' ? [{ to: 2 + slot, node: w.node }] : []));
  if (output !== 'weight') destinations.push({ to: tensors - 1, node: plan.update });
  const roots = [plan.update, ...destinations.map((d) => d.node)];
  builder.emit(roots, true);
  // Decide every in-place write first: one moves its node's register, which copies then read from.
  const inPlace = destinations.map(({ to, node }) => builder.writeInPlace(node, to));
  const copies = destinations.flatMap(({ to, node }, k) => (inPlace[k] ? [] : [{ to, from: builder.registerOf(node) }]));
  buffers = Math.max(buffers, builder.buffers);
  return {
    plan,
    tensors,
    buffers,
    hostScalars: plan.hostScalars,
    passes,
    final: { ...builder.pass(), reductions: [], scalars: [] },
    outputs: { copies, weightFrom: output === 'update' ? -1 : builder.registerOf(plan.update) },
  };
}

/** Register allocation and instruction order for one pass. */
class PassBuilder {
  readonly #plan: KernelPlan;
  readonly #tensors: number;
  readonly #fills: { register: number; node: NodeId }[] = [];
  readonly #instructions: CpuInstruction[] = [];
  readonly #free: number[] = [];
  /** Register holding each broadcast scalar and each computed tensor node of this pass. */
  readonly #register = new Map<NodeId, number>();
  /** Index of the instruction computing each tensor node. */
  readonly #producer = new Map<NodeId, number>();
  /** Nodes computed straight into an output array. */
  readonly #inPlace = new Set<NodeId>();
  buffers = 0;

  constructor(plan: KernelPlan, tensors: number) {
    this.#plan = plan;
    this.#tensors = tensors;
  }

  pass(): Pick<CpuPass, 'fills' | 'instructions'> {
    return { fills: this.#fills, instructions: this.#instructions };
  }

  registerOf(id: NodeId): number {
    return this.#operand(id);
  }

  /**
   * Instructions for every tensor op node the roots depend on, buffers reused after last reads;
   * returns the roots' registers, none of which is freed during the pass. Called once per pass.
   * With `copyInputs`, a root that is a step tensor is copied into a buffer, so that writing
   * outputs never overwrites a step tensor another output still reads.
   */
  emit(roots: readonly NodeId[], copyInputs: boolean): number[] {
    const { nodes } = this.#plan.graph;
    const ops = this.#tensorOps(roots);
    const lastRead = new Map<NodeId, number>();
    ops.forEach((id, k) => {
      const node = nodes[id]!;
      if (node.kind === 'op') for (const a of node.args) lastRead.set(a, k);
    });
    for (const root of roots) lastRead.set(root, Infinity);
    ops.forEach((id, k) => {
      const node = nodes[id]!;
      if (node.kind !== 'op') return;
      const instruction = this.#instruction(node.op as MapOpName, node.args);
      // An elementwise loop reads element i of every operand before writing element i, so its
      // output may take the buffer of an operand read here for the last time.
      for (const a of new Set(node.args)) {
        const register = this.#register.get(a);
        if (lastRead.get(a) === k && register !== undefined && nodes[a]!.type === 'tensor') this.#free.push(register);
      }
      this.#push(id, { ...instruction, out: this.#allocate() });
    });
    if (copyInputs) {
      for (const id of new Set(roots)) {
        if (nodes[id]!.kind !== 'input' || nodes[id]!.type !== 'tensor') continue;
        const from = this.#operand(id);
        this.#push(id, { op: 'copy', form: 'copy', loop: COPY, out: this.#allocate(), args: [from, from, from], scalar: -1 });
      }
    }
    return roots.map((id) => this.#operand(id));
  }

  /**
   * Retargets the instruction computing `id` to write the output array `to` directly, when no later
   * instruction reads that array's entry value (the old state) and `id` has no other such target.
   */
  writeInPlace(id: NodeId, to: number): boolean {
    const k = this.#producer.get(id);
    if (k === undefined || this.#inPlace.has(id)) return false;
    const later = this.#instructions.slice(k + 1);
    if (later.some((ins) => ins.args.includes(to))) return false;
    const from = this.#instructions[k]!.out;
    this.#instructions[k] = { ...this.#instructions[k]!, out: to };
    for (let j = k + 1; j < this.#instructions.length; j++) {
      const ins = this.#instructions[j]!;
      this.#instructions[j] = { ...ins, args: ins.args.map((a) => (a === from ? to : a)) as [number, number, number] };
    }
    this.#register.set(id, to);
    this.#inPlace.add(id);
    return true;
  }

  #push(id: NodeId, instruction: CpuInstruction): void {
    this.#register.set(id, instruction.out);
    this.#producer.set(id, this.#instructions.length);
    this.#instructions.push(instruction);
  }

  /** The loop for op(args): a scalar form when the op has one for these operand types, else the tensor form. */
  #instruction(op: MapOpName, args: readonly NodeId[]): Omit<CpuInstruction, 'out'> {
    const { nodes } = this.#plan.graph;
    const scalar = args.map((a) => nodes[a]!.type === 'scalar');
    const forms: ScalarForms = (SCALAR_LOOPS as Partial<Record<MapOpName, ScalarForms>>)[op] ?? {};
    const form: keyof ScalarForms | undefined =
      args.length === 2 && scalar[1] && !scalar[0] ? 'ts'
        : args.length === 2 && scalar[0] && !scalar[1] ? 'st'
          : args.length === 3 && scalar[2] && !scalar[0] && !scalar[1] ? 'tts'
            : undefined;
    const loop = form === undefined ? undefined : forms[form];
    if (form !== undefined && loop !== undefined) {
      const tensors = args.filter((_, i) => !scalar[i]).map((a) => this.#operand(a));
      const s = args.find((_, i) => scalar[i])!;
      return { op, form, loop, args: [tensors[0]!, tensors[1] ?? tensors[0]!, tensors[0]!], scalar: s };
    }
    const registers = args.map((a) => this.#operand(a));
    return { op, form: 'tensor', loop: ELEMENT_LOOPS[op], args: [registers[0]!, registers[1] ?? registers[0]!, registers[2] ?? registers[0]!], scalar: -1 };
  }

  /** Tensor op nodes the roots need, in ascending (topological) order; scalars and inputs stop the walk. */
  #tensorOps(roots: readonly NodeId[]): NodeId[] {
    const { nodes } = this.#plan.graph;
    const seen = new Set<NodeId>();
    const stack = [...roots];
    while (stack.length > 0) {
      const id = stack.pop()!;
      const node = nodes[id]!;
      if (seen.has(id) || node.kind !== 'op' || node.type !== 'tensor') continue;
      if (OPS[node.op].kind !== 'map') throw new Error(`v${id}: ${node.op} is not elementwise`);
      seen.add(id);
      stack.push(...node.args);
    }
    return [...seen].sort((a, b) => a - b);
  }

  /** The register of a node: its step array, its computed buffer, or a buffer broadcasting its scalar. */
  #operand(id: NodeId): number {
    const known = this.#register.get(id);
    if (known !== undefined) return known;
    const node = this.#plan.graph.nodes[id]!;
    if (node.kind === 'input' && node.type === 'tensor') {
      if (node.name === 'w') return 0;
      if (node.name === 'g') return 1;
      const slot = this.#plan.graph.signature.slots.indexOf(node.name);
      if (slot < 0) throw new Error(`tensor input '${node.name}' is neither w, g nor a slot`);
      return 2 + slot;
    }
    if (node.type !== 'scalar') throw new Error(`v${id} is read before it is computed`);
    // A fresh buffer, never a freed one: fills happen before the pass's first instruction.
    const register = this.#tensors + this.buffers++;
    this.#register.set(id, register);
    this.#fills.push({ register, node: id });
    return register;
  }

  #allocate(): number {
    return this.#free.pop() ?? this.#tensors + this.buffers++;
  }
}
