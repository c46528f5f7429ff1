// Library look-ups and the environment for GPU child processes; no device needed.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { diagnoseRoute, findLibrary, gpuChildEnvironment } from '../../src/gpu/index.js';

describe.skipIf(process.platform !== 'linux')('system libraries', () => {
  it('finds a library on LD_LIBRARY_PATH before the system directories', () => {
    const dir = mkdtempSync(join(tmpdir(), 'symevo-lib-'));
    try {
      writeFileSync(join(dir, 'libsymevo-probe.so.1'), '');
      expect(findLibrary('libsymevo-probe.so.1', { LD_LIBRARY_PATH: `/nonexistent:${dir}` })).toBe(join(dir, 'libsymevo-probe.so.1'));
      expect(findLibrary('libsymevo-probe.so.1', {})).toBeNull();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('explains that OpenGL ES has no core-mode adapters', () => {
    expect(diagnoseRoute('custom', ['backend=opengles'], 'core')).toMatch(/compatibility-mode adapters only/);
    expect(diagnoseRoute('custom', ['backend=d3d12'], 'core')).toBe('Dawn found no adapter for options [backend=d3d12]');
  });

  it('gives child processes EGL_PLATFORM=surfaceless unless one is set', () => {
    expect(gpuChildEnvironment({ PATH: '/usr/bin' })).toMatchObject({ PATH: '/usr/bin', EGL_PLATFORM: 'surfaceless' });
    expect(gpuChildEnvironment({ EGL_PLATFORM: 'x11' })['EGL_PLATFORM']).toBe('x11');
  });
});
