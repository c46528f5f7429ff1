// Sub-range steps on the GPU: element offsets into shared buffers, and many optimizers encoded into one submission.
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { buildOptimizer, checkOptimizer, ErrorSink, parseOptimizer, printProgram, Rng, runStep, type CheckedOptimizer, type StepInputs } from '../../src/dsl/index.js';
import { compileOptimizer, offsetAlignment, type BoundStep, type OutputMode, type WebGpuOptimizer } from '../../src/compile/index.js';
import { readFloat32 } from '../../src/gpu/index.js';
import { describeGpu } from '../gpu/gpu-context.js';
import { bitsOf, cpuOptimizer } from './cpu-helpers.js';
import { describe as describeFailure, disagreements, programCheck } from './program-compare.js';

const load = (name: string) => parseOptimizer(readFileSync(`dsl/optimizers/${name}.dsl`, 'utf8'), name);
const STORAGE = 0x80 | 0x8 | 0x4; // STORAGE | COPY_DST | COPY_SRC

function vector(rng: Rng, n: number): Float32Array {
  return Float32Array.from({ length: n }, () => Math.fround(rng.normal() * (rng.chance(0.2) ? 1e-3 : 1)));
}

/** Shared flat arrays [K][P] of w, g, update and `slots` state slots, on the host. */
interface Flat {
  readonly w: Float32Array;
  readonly g: Float32Array;
  readonly update: Float32Array;
  readonly slots: Float32Array[];
}

function randomFlat(rng: Rng, length: number, slots: number): Flat {
  return { w: vector(rng, length), g: vector(rng, length), update: vector(rng, length), slots: Array.from({ length: slots }, () => vector(rng, length)) };
}

function copyFlat(flat: Flat): Flat {
  return { w: flat.w.slice(), g: flat.g.slice(), update: flat.update.slice(), slots: flat.slots.map((s) => s.slice()) };
}

const range = (a: Float32Array, offset: number, n: number) => a.slice(offset, offset + n);

function generated(seed: number, params: readonly string[]): CheckedOptimizer {
  const program = buildOptimizer(Array.from({ length: 6 }, (_, i) => Rng.fromSeed(seed * 31 + i)), { params });
  return checkOptimizer(program, new ErrorSink('<generated>', printProgram(program)));
}

/**
 * 64 floats (256 bytes, WebGPU's default and largest minStorageBufferOffsetAlignment) is aligned on
 * every device: the padding a trainer uses for flat buffers [K][P].
 */
const ALIGN = 64;

await describeGpu('optimizer steps on sub-ranges of shared buffers', (gpu) => {
  const { device } = gpu;
  const alignment = offsetAlignment(device);

  it('binds at multiples of 64 elements on this device', () => {
    expect(ALIGN % alignment).toBe(0);
  });

  async function compiled(checked: CheckedOptimizer, output: OutputMode): Promise<WebGpuOptimizer> {
    const result = await compileOptimizer(checked, { backend: 'webgpu', device, output, label: 'offsets' });
    if (!result.ok) throw new Error(result.reason);
    return result.optimizer;
  }

  function upload(flat: Flat) {
    const make = (data: Float32Array) => {
      const buffer = device.createBuffer({ size: data.byteLength, usage: STORAGE });
      device.queue.writeBuffer(buffer, 0, data.buffer, data.byteOffset, data.byteLength);
      return buffer;
    };
    const buffers = { w: make(flat.w), g: make(flat.g), update: make(flat.update), slots: flat.slots.map(make) };
    const read = async (): Promise<Flat> => ({
      w: await readFloat32(device, buffers.w, flat.w.length),
      g: await readFloat32(device, buffers.g, flat.g.length),
      update: await readFloat32(device, buffers.update, flat.update.length),
      slots: await Promise.all(buffers.slots.map((s) => readFloat32(device, s, flat.w.length))),
    });
    const destroy = () => [buffers.w, buffers.g, buffers.update, ...buffers.slots].forEach((b) => b.destroy());
    return { buffers, read, destroy };
  }

  /** The GPU's range [offset, offset + n) against runStep on the same range, and nothing changed outside it. */
  function expectRange(checked: CheckedOptimizer, before: Flat, after: Flat, offset: number, n: number, lr: number, step: number, label: string) {
    const slotCount = checked.signature.slots.length;
    const inputs: StepInputs = { w: range(before.w, offset, n), g: range(before.g, offset, n), lr, step, slots: before.slots.slice(0, slotCount).map((s) => range(s, offset, n)) };
    const expected = runStep(checked, inputs);
    const gpuOut = { update: range(after.update, offset, n), slots: after.slots.slice(0, slotCount).map((s) => range(s, offset, n)) };
    const check = programCheck(checked);
    const found = disagreements(check, inputs, expected, gpuOut);
    expect(found, describeFailure(label, check, inputs, found)).toEqual([]);
    if (check.exact) expect(bitsOf(range(after.w, offset, n)), label).toEqual(bitsOf(inputs.w.map((x, i) => x - expected.update[i]!)));
  }

  it('steps [offset, offset + n) for odd n and aligned offsets, vec4 and tail kernels alike, leaving the rest alone', async () => {
    const programs = [load('adamw'), load('lion'), load('adafactor'), generated(1, ['w', 'g', 'm', 'lr']), generated(2, ['w', 'g', 'm', 'v', 'lr', 'step'])];
    const cases = [
      { offset: ALIGN, n: 1 },
      { offset: 3 * ALIGN, n: 7 },
      { offset: 2 * ALIGN, n: 1001 },
      { offset: 5 * ALIGN, n: 4 * ALIGN + 3 },
      { offset: alignment, n: 2 * ALIGN + 2 },
    ];
    const length = Math.max(...cases.map((c) => c.offset + c.n)) + ALIGN + 5;
    for (const checked of programs) {
      const optimizer = await compiled(checked, 'both');
      for (const { offset, n } of cases) {
        const before = randomFlat(Rng.fromSeed(offset + n), length, checked.signature.slots.length);
        const gpuFlat = upload(before);
        const { buffers } = gpuFlat;
        await optimizer.step({ n, offset, w: buffers.w, g: buffers.g, update: buffers.update, slots: buffers.slots }, 0.05, 2);
        const after = await gpuFlat.read();
        gpuFlat.destroy();
        const label = `${printProgram(checked.program)}\noffset ${offset}, n ${n}`;
        expectRange(checked, before, after, offset, n, 0.05, 2, label);
        // Outside the range every array keeps its bits.
        const outside = (a: Float32Array) => [...bitsOf(a.subarray(0, offset)), ...bitsOf(a.subarray(offset + n))];
        [after.w, after.g, after.update, ...after.slots].forEach((a, k) => {
          const b = [before.w, before.g, before.update, ...before.slots][k]!;
          expect(outside(a), label).toEqual(outside(b));
        });
      }
      optimizer.destroy();
    }
  });

  it('refuses an offset that is not a multiple of the binding alignment, naming the rule', async () => {
    const optimizer = await compiled(load('lion'), 'weight');
    const buffers = Array.from({ length: 3 }, () => device.createBuffer({ size: 4 * (4 * alignment + 8), usage: STORAGE }));
    const tensors = { n: 8, offset: alignment + 1, w: buffers[0]!, g: buffers[1]!, slots: [buffers[2]!] };
    await expect(optimizer.step(tensors, 0.1, 1)).rejects.toThrow(RangeError);
    await expect(optimizer.step(tensors, 0.1, 1)).rejects.toThrow(/minStorageBufferOffsetAlignment/);
    expect(() => optimizer.bind(tensors)).toThrow(new RegExp(`offset ${alignment + 1} is not a multiple of ${alignment}`));
    expect(() => optimizer.bind({ ...tensors, offset: 3 * alignment - 1 })).toThrow(RangeError);
    await optimizer.step({ ...tensors, offset: 2 * alignment }, 0.1, 1);
    buffers.forEach((b) => b.destroy());
    optimizer.destroy();
  });

  it('encodes five optimizers on five ranges of shared buffers into one encoder, one submission per step, as the cpu backend steps them', async () => {
    // Programs whose ops the GPU computes exactly, so the comparison is bit for bit.
    const programs = [load('adamw'), load('lion'), load('rmsprop'), load('momentum'), load('signum')];
    for (const checked of programs) expect(programCheck(checked).exact).toBe(true);
    const K = programs.length;
    const P = 3 * ALIGN; // elements per replica, parameters padded to 64
    const sizes = [P, P - 1, ALIGN + 5, 1, P - ALIGN]; // elements each replica's program steps
    const slotCount = Math.max(...programs.map((c) => c.signature.slots.length));
    const host = randomFlat(Rng.fromSeed(11), K * P, slotCount);
    const gpuFlat = upload(host);
    const { buffers } = gpuFlat;
    const optimizers = await Promise.all(programs.map((c) => compiled(c, 'both')));
    const cpu = programs.map((c) => cpuOptimizer(c, 'both'));
    const bound: BoundStep[] = optimizers.map((optimizer, k) =>
      optimizer.bind({ n: sizes[k]!, offset: k * P, w: buffers.w, g: buffers.g, update: buffers.update, slots: buffers.slots.slice(0, programs[k]!.signature.slots.length) }),
    );
    const rng = Rng.fromSeed(12);
    for (let step = 1; step <= 3; step++) {
      const lr = 0.1 / step;
      const g = vector(rng, K * P);
      host.g.set(g);
      device.queue.writeBuffer(buffers.g, 0, g.buffer, g.byteOffset, g.byteLength);
      const encoder = device.createCommandEncoder();
      bound.forEach((b) => b.encode(encoder, lr, step));
      device.queue.submit([encoder.finish()]);
      programs.forEach((checked, k) => {
        cpu[k]!.stepSync({ n: sizes[k]!, offset: k * P, w: host.w, g: host.g, update: host.update, slots: host.slots.slice(0, checked.signature.slots.length) }, lr, step);
      });
      // Every element: each replica's range, and the padding no replica steps, which stays as it was.
      const after = await gpuFlat.read();
      const label = `step ${step}`;
      expect(bitsOf(after.w), label).toEqual(bitsOf(host.w));
      expect(bitsOf(after.update), label).toEqual(bitsOf(host.update));
      after.slots.forEach((slot, i) => expect(bitsOf(slot), `${label}, slot ${i}`).toEqual(bitsOf(host.slots[i]!)));
    }
    bound.forEach((b) => b.destroy());
    optimizers.forEach((o) => o.destroy());
    gpuFlat.destroy();
  });
});
