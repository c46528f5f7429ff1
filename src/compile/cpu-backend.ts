// The cpu backend: the kernel plan run array-at-a-time on Float32Arrays, with the interpreter's bits.
//
// runStep (src/dsl/interpret.ts) stays the reference; this backend evaluates the same lowered plan
// as the webgpu kernels (cpu-program.ts, cpu-executor.ts), op by op in the interpreter's order and
// rounding, about a hundred times faster. With the default lowering (rewrites `none`) its results
// equal runStep's bit for bit; with `exact` rewrites it follows the rewritten graph, as the GPU does.
import type { CheckedOptimizer, StepInputs } from '../dsl/index.js';
import { checkStepTensors, type CompiledOptimizer, type StepResult, type StepTensors } from './backend.js';
import { CpuExecutor } from './cpu-executor.js';
import { dumpCpuProgram } from './cpu-dump.js';
import { cpuProgram, type CpuProgram } from './cpu-program.js';
import type { OutputMode } from './emit-kernels.js';
import type { LoweredOptimizer } from './lowering.js';
import { expandMacros, programGraph } from './lower.js';
import { schedule } from './schedule.js';

export class CpuOptimizer implements CompiledOptimizer<Float32Array> {
  readonly backend = 'cpu';
  readonly checked: CheckedOptimizer;
  readonly output: OutputMode;
  readonly program: CpuProgram;
  /** Holds the chunk buffers, made once here and reused by every step. */
  readonly #executor: CpuExecutor;

  /**
   * From the same lowering as the webgpu backend, whose output mode and slot writes it follows; the
   * WGSL kernels are not needed, so a plan without them (cpuLowering) serves as well.
   */
  constructor(lowered: Pick<LoweredOptimizer, 'checked' | 'plan'> & { readonly options: Pick<LoweredOptimizer['options'], 'output'> }) {
    this.checked = lowered.checked;
    this.output = lowered.options.output;
    this.program = cpuProgram(lowered.plan, this.output);
    this.#executor = new CpuExecutor(this.program);
  }

  /** Synchronous step on elements [offset, offset + n) of each array; throws a RangeError on a misfit. */
  stepSync(tensors: StepTensors<Float32Array>, lr: number, step: number): void {
    checkStepTensors(this.checked, this.output, tensors, (t) => t.length);
    const { w, g, slots, update } = tensors;
    this.#executor.run({ w, g, slots, update }, tensors.offset ?? 0, tensors.n, lr, step);
  }

  async step(tensors: StepTensors<Float32Array>, lr: number, step: number): Promise<void> {
    this.stepSync(tensors, lr, step);
  }

  async run(inputs: StepInputs): Promise<StepResult> {
    const n = inputs.w.length;
    const w = Float32Array.from(inputs.w);
    const slots = inputs.slots.map((s) => Float32Array.from(s));
    const update = this.output === 'weight' ? undefined : new Float32Array(n);
    this.stepSync({ n, w, g: inputs.g, slots, ...(update === undefined ? {} : { update }) }, inputs.lr, inputs.step);
    return {
      slots,
      ...(update === undefined ? {} : { update }),
      ...(this.output === 'update' ? {} : { weight: w }),
    };
  }

  /** The register program, for debugging a lowering. */
  dump(): string {
    return dumpCpuProgram(this.program);
  }

  destroy(): void {}
}

/** The lowering passes the cpu backend needs (graph, macros, plan), without emitting WGSL. */
export function cpuOptimizer(checked: CheckedOptimizer, output: OutputMode = 'update'): CpuOptimizer {
  const plan = schedule(expandMacros(programGraph(checked, 'none')), { dropDeadState: false });
  return new CpuOptimizer({ checked, plan, options: { output } });
}
