// The cpu backend: the reference interpreter behind the same interface as the compiled kernels.
import { runStep, type CheckedOptimizer, type StepInputs } from '../dsl/index.js';
import { checkStepTensors, type CompiledOptimizer, type StepResult, type StepTensors } from './backend.js';
import type { OutputMode } from './emit-kernels.js';
import type { LoweredOptimizer } from './lowering.js';
import type { SlotWrite } from './schedule.js';

export class CpuOptimizer implements CompiledOptimizer<Float32Array> {
  readonly backend = 'cpu';
  readonly checked: CheckedOptimizer;
  readonly output: OutputMode;
  /** Which slots the step writes: the same choice (dead state dropped or not) as the webgpu plan. */
  readonly #slotWrites: readonly SlotWrite[];

  /** From the same lowering as the webgpu backend, whose output mode and slot writes it follows. */
  constructor(lowered: LoweredOptimizer) {
    this.checked = lowered.checked;
    this.output = lowered.options.output;
    this.#slotWrites = lowered.plan.slotWrites;
  }

  async step(tensors: StepTensors<Float32Array>, lr: number, step: number): Promise<void> {
    checkStepTensors(this.checked, this.output, tensors, (t) => t.length);
    const { n } = tensors;
    const view = (t: Float32Array) => (t.length === n ? t : t.subarray(0, n));
    const out = runStep(this.checked, { w: view(tensors.w), g: view(tensors.g), lr, step, slots: tensors.slots.map(view) });
    this.#slotWrites.forEach((write, i) => {
      if (write.kind === 'write') tensors.slots[i]!.set(out.slots[i]!);
    });
    if (this.output !== 'weight') tensors.update!.set(out.update);
    if (this.output !== 'update') {
      const w = tensors.w;
      for (let i = 0; i < n; i++) w[i] = Math.fround(w[i]! - out.update[i]!);
    }
  }

  async run(inputs: StepInputs): Promise<StepResult> {
    const n = inputs.w.length;
    const w = Float32Array.from(inputs.w);
    const slots = inputs.slots.map((s) => Float32Array.from(s));
    const update = this.output === 'weight' ? undefined : new Float32Array(n);
    await this.step({ n, w, g: inputs.g, slots, ...(update === undefined ? {} : { update }) }, inputs.lr, inputs.step);
    return {
      slots,
      ...(update === undefined ? {} : { update }),
      ...(this.output === 'update' ? {} : { weight: w }),
    };
  }

  destroy(): void {}
}
