// Shared WebGPU device for tests: skips GPU suites with a visible notice, or fails them when SYMEVO_REQUIRE_GPU=1.
import { afterAll, describe, it } from 'vitest';
import { acquireGpu, releaseGpu, GpuUnavailableError, type WebGpu } from '../../src/gpu/index.js';

export interface GpuTestContext {
  /** The device, or undefined when none could be had. */
  readonly gpu: WebGpu | undefined;
  /** Why there is no device. */
  readonly reason: string | undefined;
  /** SYMEVO_REQUIRE_GPU=1: a missing adapter fails the suite instead of skipping it. */
  readonly required: boolean;
}

let context: Promise<GpuTestContext> | undefined;
let warned = false;

/** Acquires the device once per test process and destroys it after the file's tests, so the process exits. */
export function gpuTestContext(): Promise<GpuTestContext> {
  context ??= (async () => {
    afterAll(releaseGpu);
    const required = process.env['SYMEVO_REQUIRE_GPU'] === '1';
    const gpu = await acquireGpu({ backend: 'auto' });
    if (gpu.kind === 'webgpu') return { gpu, reason: undefined, required };
    if (!required && !warned) {
      warned = true;
      console.warn(`GPU tests skipped: ${gpu.reason}`);
    }
    return { gpu: undefined, reason: gpu.reason, required };
  })();
  return context;
}

/**
 * describe() for suites that need a device: runs `body` with it, skips the
 * suite without one, or registers one failing test when a GPU is required.
 */
export async function describeGpu(name: string, body: (gpu: WebGpu) => void): Promise<void> {
  const { gpu, reason, required } = await gpuTestContext();
  if (gpu !== undefined) {
    describe(name, () => body(gpu));
  } else if (required) {
    describe(name, () => {
      it('has a WebGPU adapter (SYMEVO_REQUIRE_GPU=1)', () => {
        throw new GpuUnavailableError(reason ?? 'unknown reason');
      });
    });
  } else {
    // The body is not collected: it may use the device at collection time.
    describe.skip(name, () => {
      it('needs a WebGPU adapter', () => undefined);
    });
  }
}
