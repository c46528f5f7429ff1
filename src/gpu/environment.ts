// Environment knobs of the GPU runtime (SYMEVO_BACKEND, SYMEVO_DAWN_OPTIONS, EGL_PLATFORM), read in one place.
import { isMainThread } from 'node:worker_threads';

/** Which backend to run kernels on: `auto` takes WebGPU when an adapter exists, else the CPU. */
export type BackendChoice = 'auto' | 'webgpu' | 'cpu';

const BACKEND_CHOICES: readonly BackendChoice[] = ['auto', 'webgpu', 'cpu'];

export function isBackendChoice(value: string): value is BackendChoice {
  return (BACKEND_CHOICES as readonly string[]).includes(value);
}

/** The backend named by SYMEVO_BACKEND, or `auto` when unset; a wrong value is an error, not a silent default. */
export function backendFromEnvironment(env: NodeJS.ProcessEnv = process.env): BackendChoice {
  const raw = env['SYMEVO_BACKEND']?.trim();
  if (raw === undefined || raw === '') return 'auto';
  if (isBackendChoice(raw)) return raw;
  throw new RangeError(`SYMEVO_BACKEND must be one of ${BACKEND_CHOICES.join(', ')} (got '${raw}')`);
}

/**
 * Splits a comma-separated list of Dawn options. A piece without `=` continues
 * the previous option, because Dawn's own values are comma lists:
 * `backend=vulkan,enable-dawn-features=dump_shaders,disable_symbol_renaming`
 * is two options.
 */
export function parseDawnOptions(text: string): string[] {
  const options: string[] = [];
  for (const piece of text.split(',')) {
    const item = piece.trim();
    if (item === '') continue;
    const last = options.length - 1;
    if (!item.includes('=') && last >= 0) options[last] = `${options[last]},${item}`;
    else options.push(item);
  }
  return options;
}

/** Dawn options from SYMEVO_DAWN_OPTIONS, or undefined when unset (then the adapter routes apply). */
export function dawnOptionsFromEnvironment(env: NodeJS.ProcessEnv = process.env): string[] | undefined {
  const raw = env['SYMEVO_DAWN_OPTIONS'];
  if (raw === undefined || raw.trim() === '') return undefined;
  return parseDawnOptions(raw);
}

/**
 * Mesa's EGL needs EGL_PLATFORM=surfaceless to open llvmpipe without a display.
 * Setting process.env reaches the C library only on the main thread: a worker
 * thread's process.env is a private copy, so call this on the main thread
 * before starting workers. Returns whether the variable is now visible to Dawn.
 */
export function prepareGpuEnvironment(env: NodeJS.ProcessEnv = process.env): boolean {
  if (process.platform !== 'linux') return true;
  if (env['EGL_PLATFORM'] === undefined && isMainThread) env['EGL_PLATFORM'] = 'surfaceless';
  return isMainThread || env['EGL_PLATFORM'] !== undefined;
}

/** A note for reasons when EGL_PLATFORM could not have reached Dawn (a worker whose parent never set it). */
export function eglPlatformNote(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (process.platform !== 'linux' || isMainThread) return undefined;
  if (env['EGL_PLATFORM'] !== undefined) return undefined;
  return 'EGL_PLATFORM is unset in this worker thread; set EGL_PLATFORM=surfaceless (or call prepareGpuEnvironment()) in the main thread before starting workers';
}
