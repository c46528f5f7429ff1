// Bad shaders, bad bindings and lost devices come back as GpuErrors carrying Dawn's message, never as crashes or hangs.
import { expect, it } from 'vitest';
import {
  acquireWebGpu, BufferUsage, createStorageBuffer, GpuError, PipelineCache, readFloat32, runKernel, uploadFloat32, withErrorScopes,
} from '../../src/gpu/index.js';
import { describeGpu } from './gpu-context.js';
import { affineWgsl, affineCpu } from './wgsl-kernels.js';

await describeGpu('GPU errors', (gpu) => {
  const { device } = gpu;

  it('turns a WGSL syntax error into a GpuError with the compiler message, label and source', async () => {
    const wgsl = '@compute @workgroup_size(1)\nfn main( {\n}\n';
    const pipelines = new PipelineCache(device);
    const error = await pipelines.get(wgsl, { label: 'candidate 17' }).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(GpuError);
    const gpuError = error as GpuError;
    expect(gpuError.kind).toBe('validation');
    expect(gpuError.message).toMatch(/^candidate 17: validation error: /);
    expect(gpuError.message).toContain("expected ')' for function declaration");
    expect(gpuError.wgsl).toBe(wgsl);
    expect(gpuError.compilerMessages[0]).toMatchObject({ type: 'error', line: 2, column: 10 });
    expect(pipelines.stats().size).toBe(0);
  });

  it('reports a type error and a missing entry point', async () => {
    const pipelines = new PipelineCache(device);
    const typeError = '@compute @workgroup_size(1) fn main() { let x: f32 = 1u; }';
    await expect(pipelines.get(typeError)).rejects.toThrow(/cannot initialize 'let' of type 'f32' with value of type 'u32'/);
    await expect(pipelines.get(affineWgsl(64, 10), { entryPoint: 'nope' })).rejects.toThrow(GpuError);
  });

  it('reports a binding that does not match the shader', async () => {
    const input = createStorageBuffer(device, 64);
    const error = await runKernel(device, { wgsl: affineWgsl(64, 16), bindings: [input], workgroups: { x: 1 }, label: 'short' })
      .catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(GpuError);
    expect((error as GpuError).message).toMatch(/^short: validation error: /);
    input.destroy();
  });

  it('keeps the device usable after errors', async () => {
    const x = Float32Array.from([1, 2, 3]);
    const input = uploadFloat32(device, x);
    const output = createStorageBuffer(device, x.byteLength);
    await runKernel(device, { wgsl: affineWgsl(64, 3), bindings: [input, output], workgroups: { x: 1 } });
    expect(await readFloat32(device, output)).toEqual(affineCpu(x));
    input.destroy();
    output.destroy();
  });

  it('catches errors of plain device calls in withErrorScopes', async () => {
    const tooBig = gpu.limits.maxBufferSize + 4;
    const attempt = withErrorScopes(device, { label: 'huge' }, () => device.createBuffer({ size: tooBig, usage: 0x80 }));
    await expect(attempt).rejects.toThrow(/^huge: (validation|out-of-memory) error: /);
  });

  it('keeps an error made outside any scope and throws it from the next check', async () => {
    const buffer = device.createBuffer({ size: 16, usage: BufferUsage.STORAGE });
    device.queue.writeBuffer(buffer, 0, new Float32Array(4)); // no COPY_DST: an uncaptured validation error
    await device.queue.onSubmittedWorkDone();
    expect(() => gpu.health.throwIfFailed()).toThrow(/validation error: .*CopyDst/s);
    expect(() => gpu.health.throwIfFailed()).not.toThrow();
    buffer.destroy();
  });

  it('rejects work on a lost device with a device-lost GpuError', async (ctx) => {
    // The same route under another cache key opens a second device, so the shared one stays alive.
    if (process.env['SYMEVO_DAWN_OPTIONS'] !== undefined) ctx.skip('the shared device already uses the custom cache key');
    const other = await acquireWebGpu({ dawnOptions: gpu.dawnOptions });
    expect(other.device).not.toBe(device);
    other.device.destroy();
    await other.device.lost;
    const run = runKernel(other.device, { wgsl: affineWgsl(64, 1), bindings: [], workgroups: { x: 1 } });
    await expect(run).rejects.toMatchObject({ kind: 'device-lost' });
    await expect(run).rejects.toThrow(/device lost \(destroyed\)/);
  });
});
