// Whole programs on the GPU: the seed optimizers over several steps, random programs, big tensors, output modes, failures.
import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { expect, it } from 'vitest';
import {
  buildOptimizer, checkOptimizer, CALLABLE_OPS, ErrorSink, parseOptimizer, printProgram, Rng, runStep,
  type CheckedOptimizer, type StepInputs,
} from '../../src/dsl/index.js';
import { compileOptimizer, compileWebGpu, emitKernels, lowerOptimizer, runStepGpu, schedule, type WebGpuOptimizer } from '../../src/compile/index.js';
import { GpuError } from '../../src/gpu/index.js';
import { describeGpu } from '../gpu/gpu-context.js';
import { graphTimesConstant } from './graphs.js';
import { describe as describeFailure, disagreements, programCheck } from './program-compare.js';

const SEED_DIR = 'dsl/optimizers';
const SEEDS = readdirSync(SEED_DIR).filter((f) => f.endsWith('.dsl')).sort();

/** Inputs of moderate size, as a training step sees them: weights ~ N(0, 1), gradients ~ 1e-3 N(0, 1). */
function stepInputs(checked: CheckedOptimizer, n: number, seed: number, lr = 0.01, step = 1): StepInputs {
  const rng = Rng.fromSeed(seed);
  const vector = (scale: number) => Float32Array.from({ length: n }, () => Math.fround(rng.normal() * scale));
  return { w: vector(1), g: vector(1e-3), lr, step, slots: checked.signature.slots.map(() => vector(1e-3)) };
}

async function compiled(checked: CheckedOptimizer, device: GPUDevice, options: Parameters<typeof compileOptimizer>[1] extends infer O ? Partial<O> : never = {}): Promise<WebGpuOptimizer> {
  const result = await compileOptimizer(checked, { ...options, backend: 'webgpu', device });
  if (!result.ok) throw new Error(result.reason);
  return result.optimizer;
}

await describeGpu('programs on the GPU', (gpu) => {
  const { device } = gpu;

  it.each(SEEDS)('%s follows the interpreter for 5 steps', async (file) => {
    const text = readFileSync(`${SEED_DIR}/${file}`, 'utf8');
    const checked = parseOptimizer(text, file);
    const check = programCheck(checked);
    const optimizer = await compiled(checked, device, { output: 'both', label: file });
    for (const n of [257, 1000]) {
      let state = stepInputs(checked, n, n);
      for (let step = 1; step <= 5; step++) {
        // Both backends start each step from the interpreter's state, so differences do not compound.
        const inputs = { ...state, g: stepInputs(checked, n, 100 * n + step).g, step };
        const cpu = runStep(checked, inputs);
        const out = await optimizer.run(inputs);
        const found = disagreements(check, inputs, cpu, out);
        expect(found, describeFailure(`${file}, step ${step}`, check, inputs, found)).toEqual([]);
        const w = inputs.w.map((x, i) => x - cpu.update[i]!);
        if (check.exact) expect(out.weight).toEqual(w);
        state = { ...inputs, w, slots: cpu.slots };
      }
    }
    optimizer.destroy();
  });

  it('runStepGpu is the GPU twin of runStep', async () => {
    const checked = parseOptimizer(readFileSync(`${SEED_DIR}/adamw.dsl`, 'utf8'));
    const inputs = stepInputs(checked, 513, 8);
    expect(await runStepGpu(checked, inputs, { device })).toEqual(runStep(checked, inputs));
  });

  it('random valid programs on random inputs agree with the interpreter (exact where the ops are)', async () => {
    const signatures = [['w', 'g', 'lr'], ['w', 'g', 'm', 'lr'], ['w', 'g', 'm', 'v', 'lr', 'step']];
    const arbitrary = fc.record({
      params: fc.constantFrom(...signatures),
      statements: fc.array(fc.integer(), { minLength: 1, maxLength: 8 }),
      n: fc.integer({ min: 1, max: 3000 }),
      seed: fc.integer(),
      lr: fc.double({ min: 1e-3, max: 1, noNaN: true }),
      step: fc.integer({ min: 1, max: 1000 }),
    });
    const seenExact = { exact: 0, inexact: 0 };
    await fc.assert(
      fc.asyncProperty(arbitrary, async ({ params, statements, n, seed, lr, step }) => {
        const program = buildOptimizer(statements.map((s) => Rng.fromSeed(s)), { params, functions: CALLABLE_OPS });
        const text = printProgram(program);
        const checked = checkOptimizer(program, new ErrorSink('<generated>', text));
        const inputs = randomInputs(checked, n, seed, lr, step);
        const check = programCheck(checked);
        seenExact[check.exact ? 'exact' : 'inexact'] += 1;
        const optimizer = await compiled(checked, device, { label: 'generated' });
        const out = await optimizer.run(inputs);
        optimizer.destroy();
        const found = disagreements(check, inputs, runStep(checked, inputs), out);
        if (found.length > 0) throw new Error(describeFailure(text, check, inputs, found));
      }),
      { numRuns: Number(process.env['SYMEVO_PROPERTY_RUNS'] ?? 100), seed: Number(process.env['SYMEVO_PROPERTY_SEED'] ?? 20240611) },
    );
    expect(seenExact.exact).toBeGreaterThan(0);
    expect(seenExact.inexact).toBeGreaterThan(0);
  });

  it('covers 65535 * 64 + 7 elements with a 2-D grid of 64-thread workgroups', async () => {
    const checked = parseOptimizer(readFileSync(`${SEED_DIR}/lion.dsl`, 'utf8'));
    const optimizer = await compiled(checked, device, { workgroupSize: 64, vectorize: false });
    const n = 65535 * 64 + 7;
    const inputs = stepInputs(checked, n, 9);
    const out = await optimizer.run(inputs);
    const cpu = runStep(checked, inputs);
    const check = programCheck(checked);
    expect(check.exact).toBe(true);
    // Element count only: toEqual's diff on 4M floats would take a minute.
    expect(disagreements(check, inputs, cpu, out).map((d) => `${d.what}: ${d.indices.length}`)).toEqual([]);
    optimizer.destroy();
  });

  it('steps buffers in place, reusing bindings across steps with a changing lr', async () => {
    const checked = parseOptimizer(readFileSync(`${SEED_DIR}/adam.dsl`, 'utf8'));
    const optimizer = await compiled(checked, device, { output: 'weight' });
    const n = 777;
    let reference = stepInputs(checked, n, 4);
    const make = (data: Float32Array) => {
      const b = device.createBuffer({ size: data.byteLength, usage: 0x80 | 0x8 | 0x4 });
      device.queue.writeBuffer(b, 0, data.buffer, data.byteOffset, data.byteLength);
      return b;
    };
    const w = make(reference.w);
    const g = make(reference.g);
    const slots = reference.slots.map(make);
    for (let step = 1; step <= 3; step++) {
      const lr = 0.1 / step;
      const gNew = stepInputs(checked, n, 50 + step).g;
      device.queue.writeBuffer(g, 0, gNew.buffer, gNew.byteOffset, gNew.byteLength);
      await optimizer.step({ n, w, g, slots }, lr, step);
      const cpuIn = { ...reference, g: gNew, lr, step };
      const cpu = runStep(checked, cpuIn);
      reference = { ...cpuIn, w: cpuIn.w.map((x, i) => x - cpu.update[i]!), slots: cpu.slots };
    }
    const { readFloat32 } = await import('../../src/gpu/index.js');
    expect(await readFloat32(device, w, n)).toEqual(reference.w);
    expect(await readFloat32(device, slots[1]!, n)).toEqual(reference.slots[1]);
    for (const b of [w, g, ...slots]) b.destroy();
    optimizer.destroy();
  });

  it('leaves dead state unwritten when asked, and writes it like runStep by default', async () => {
    const checked = parseOptimizer(readFileSync(`${SEED_DIR}/lion-program4.dsl`, 'utf8'));
    const inputs = stepInputs(checked, 300, 6, 0.5);
    const cpu = runStep(checked, inputs);
    const full = await compiled(checked, device);
    const lean = await compiled(checked, device, { dropDeadState: true });
    const fullOut = await full.run(inputs);
    const leanOut = await lean.run(inputs);
    expect(disagreements(programCheck(checked), inputs, cpu, fullOut)).toEqual([]);
    expect(leanOut.slots[0]).toEqual(inputs.slots[0]);
    expect(leanOut.update).toEqual(fullOut.update);
    expect(lean.kernels.at(-1)!.bindings.some((b) => b.role === 'slot' && b.index === 0 && b.access === 'read_write')).toBe(false);
    full.destroy();
    lean.destroy();
  });

  it('does nothing for an empty tensor, and rejects a buffer it cannot bind with a GpuError', async () => {
    const checked = parseOptimizer('def f(w, g, m, lr):\n    m = interp(g, m, 0.9)\n    update = m / norm(m) * lr\n    return update, m\n');
    const optimizer = await compiled(checked, device, { label: 'edge' });
    const empty = await optimizer.run({ w: new Float32Array(0), g: new Float32Array(0), lr: 1, step: 1, slots: [new Float32Array(0)] });
    expect(empty.update).toEqual(new Float32Array(0));
    const storage = (bytes: number, usage = 0x80 | 0x8 | 0x4) => device.createBuffer({ size: bytes, usage });
    const unbindable = storage(400, 0x8 | 0x4); // no STORAGE usage
    const buffers = [storage(400), storage(400), storage(400)];
    const attempt = optimizer.step({ n: 100, w: buffers[0]!, g: unbindable, slots: [buffers[1]!], update: buffers[2]! }, 0.1, 1);
    await expect(attempt).rejects.toBeInstanceOf(GpuError);
    await expect(attempt).rejects.toThrow(/edge/);
    await expect(optimizer.step({ n: 101, w: buffers[0]!, g: buffers[1]!, slots: [buffers[1]!], update: buffers[2]! }, 0.1, 1)).rejects.toThrow(RangeError);
    for (const b of [unbindable, ...buffers]) b.destroy();
    optimizer.destroy();
  });

  it('reports a shader error as a value carrying the label and the WGSL', async () => {
    const checked = parseOptimizer('def f(w, g, lr):\n    update = g * lr\n    return update\n');
    const lowered = lowerOptimizer(checked);
    const broken = { ...lowered, kernels: lowered.kernels.map((k) => ({ ...k, wgsl: k.wgsl.replace('fn main', 'fn main(') })) };
    const result = await compileWebGpu(device, broken, 'candidate-42');
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.reason).toContain('candidate-42');
    expect(result.error).toBeInstanceOf(GpuError);
    expect((result.error as GpuError).wgsl).toContain('fn main(');
  });

  it('refuses, as a value, a program needing more storage buffers than the device has', async () => {
    const limit = device.limits.maxStorageBuffersPerShaderStage;
    const slots = Array.from({ length: limit }, (_, i) => `s${i}`);
    const body = slots.map((s) => `    ${s} = ${s} + g`).join('\n');
    const checked = parseOptimizer(`def f(w, g, ${slots.join(', ')}, lr):\n${body}\n    update = g * lr\n    return update, ${slots.join(', ')}\n`);
    const result = await compileOptimizer(checked, { backend: 'webgpu', device });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toMatch(/storage buffers/);
  });
});

/** Moderate inputs (|x| up to a few units, a fifth of them near 1e-3) so that error growth stays measurable. */
function randomInputs(checked: CheckedOptimizer, n: number, seed: number, lr: number, step: number): StepInputs {
  const rng = Rng.fromSeed(seed);
  const vector = () => Float32Array.from({ length: n }, () => Math.fround(rng.normal() * (rng.chance(0.2) ? 1e-3 : 1)));
  return { w: vector(), g: vector(), lr, step, slots: checked.signature.slots.map(vector) };
}

await describeGpu('constants the language cannot write', (gpu) => {
  it('compiles NaN and infinite constants (made at run time) and computes with them', async () => {
    const checked = parseOptimizer('def f(w, g, lr):\n    update = g\n    return update\n');
    const g = Float32Array.of(1, -2, 0, NaN, Infinity);
    for (const c of [Infinity, -Infinity, NaN]) {
      const base = lowerOptimizer(checked);
      const plan = schedule(graphTimesConstant(c));
      const kernels = emitKernels(plan, { output: 'update', workgroupSize: 64, barriers: true, vectorize: true });
      const result = await compileWebGpu(gpu.device, { ...base, plan, kernels }, `times ${c}`);
      if (!result.ok) throw new Error(result.reason);
      const out = await result.optimizer.run({ w: g, g, lr: 1, step: 1, slots: [] });
      expect(out.update).toEqual(g.map((x) => x * c));
      result.optimizer.destroy();
    }
  });
});
