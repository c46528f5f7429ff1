// `symevo doctor`: text and JSON output, and the exit code that says whether `auto` has an adapter.
import { describe, expect, it, vi } from 'vitest';
import { Command } from 'commander';
import { doctorExitCode, formatDoctorReport, registerDoctor } from '../../src/cli/commands/doctor.js';
import type { DoctorReport } from '../../src/gpu/index.js';
import { describeGpu } from '../gpu/gpu-context.js';

const LIMITS = {
  maxStorageBufferBindingSize: 134217728, maxBufferSize: 2147483648, maxStorageBuffersPerShaderStage: 16,
  maxUniformBuffersPerShaderStage: 12, maxUniformBufferBindingSize: 65536, maxComputeWorkgroupSizeX: 1024,
  maxComputeWorkgroupSizeY: 1024, maxComputeWorkgroupSizeZ: 1024, maxComputeInvocationsPerWorkgroup: 1024,
  maxComputeWorkgroupsPerDimension: 65535, maxComputeWorkgroupStorageSize: 32768, maxBindGroups: 4,
  maxBindingsPerBindGroup: 1000, minStorageBufferOffsetAlignment: 16, minUniformBufferOffsetAlignment: 16,
};

const NOTHING_FOUND: DoctorReport = {
  node: 'v20.20.2',
  platform: 'linux-x64',
  webgpuPackage: { version: '0.6.2', path: '/x/node_modules/webgpu/package.json', loadError: null },
  environment: { EGL_PLATFORM: null, SYMEVO_BACKEND: null },
  libraries: [{ file: 'libEGL.so.1', debianPackage: 'libegl1', path: null }],
  vulkanDrivers: [],
  adapters: [{
    route: 'opengles', dawnOptions: ['backend=opengles'], requestedFeatureLevel: 'compatibility',
    adapter: null, status: 'missing', note: "no adapter: install Debian's libegl1",
  }],
  choice: null,
  smokeTest: null,
  advice: ['apt-get install --no-install-recommends libegl1'],
};

const LLVMPIPE: DoctorReport = {
  ...NOTHING_FOUND,
  adapters: [{
    route: 'opengles', dawnOptions: ['backend=opengles'], requestedFeatureLevel: 'compatibility', status: 'chosen', note: 'no hardware adapter',
    adapter: {
      vendor: '', architecture: '', device: 'llvmpipe', description: 'OpenGL ES 3.2 Mesa 22.3.6', isFallbackAdapter: false,
      isSoftware: true, featureLevel: 'compatibility', features: [], limits: LIMITS,
    },
  }],
  choice: { route: 'opengles', device: 'llvmpipe', featureLevel: 'compatibility', why: 'no hardware adapter' },
  smokeTest: { ok: true, detail: 'y = 2x + 1 matches', milliseconds: 9 },
  advice: [],
};

describe('doctor output', () => {
  it('says what to install and exits 1 when no adapter is found', () => {
    const text = formatDoctorReport(NOTHING_FOUND);
    expect(text).toContain('libEGL.so.1          missing (Debian package libegl1)');
    expect(text).toContain('auto     no adapter: the cpu backend will be used');
    expect(text).toContain('to install\n  apt-get install --no-install-recommends libegl1');
    expect(doctorExitCode(NOTHING_FOUND)).toBe(1);
  });

  it('shows the chosen adapter with its feature level and limits, and exits 0', () => {
    const text = formatDoctorReport(LLVMPIPE);
    expect(text).toContain('CHOSEN: no hardware adapter');
    expect(text).toContain('software, compatibility mode, fallback adapter: no');
    expect(text).toContain('maxStorageBufferBindingSize 128 MiB, maxBufferSize 2 GiB, maxComputeWorkgroupSizeX 1024');
    expect(text).toContain('smoke    ok: y = 2x + 1 matches (9 ms)');
    expect(doctorExitCode(LLVMPIPE)).toBe(0);
    expect(doctorExitCode({ ...LLVMPIPE, smokeTest: { ok: false, detail: 'wrong', milliseconds: 1 } })).toBe(1);
  });
});

await describeGpu('symevo doctor --json', () => {
  it('prints one JSON document naming the chosen adapter', async () => {
    const program = new Command('symevo').exitOverride();
    registerDoctor(program);
    const chunks: string[] = [];
    const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      chunks.push(String(chunk));
      return true;
    });
    const previousExitCode = process.exitCode;
    try {
      await program.parseAsync(['doctor', '--json'], { from: 'user' });
    } finally {
      write.mockRestore();
    }
    const report = JSON.parse(chunks.join('')) as DoctorReport;
    expect(report.choice).not.toBeNull();
    expect(process.exitCode).toBe(0);
    process.exitCode = previousExitCode;
  });
});
