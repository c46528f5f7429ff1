import { defineConfig } from 'vitest/config';
import { gpuChildEnvironment } from './src/gpu/child-environment.js';

// Test files run in child processes (the forks pool), which inherit this environment:
// EGL_PLATFORM for Mesa's llvmpipe, and the libEGL.so shim where only libegl1 is installed.
Object.assign(process.env, gpuChildEnvironment());

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    testTimeout: 60_000,
  },
});
