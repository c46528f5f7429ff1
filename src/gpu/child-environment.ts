// The environment to start a GPU-using child process with: EGL_PLATFORM, and a libEGL.so shim when only libEGL.so.1 is installed.
import { mkdirSync, readlinkSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findLibrary } from './system-libraries.js';

/**
 * Dawn opens the unversioned libEGL.so, which Debian ships only in libegl-dev.
 * The loader reads LD_LIBRARY_PATH once, at process start, so a running
 * process cannot fix this for itself; a parent can, for the children it
 * spawns (the search's engine process, test workers). Returns `base` plus
 * EGL_PLATFORM=surfaceless when unset and, where libEGL.so is missing but
 * libEGL.so.1 exists, LD_LIBRARY_PATH extended with a directory holding the
 * symlink libEGL.so -> libEGL.so.1.
 */
export function gpuChildEnvironment(base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  if (process.platform !== 'linux') return { ...base };
  const env: NodeJS.ProcessEnv = { ...base, EGL_PLATFORM: base['EGL_PLATFORM'] ?? 'surfaceless' };
  if (findLibrary('libEGL.so', base) !== null) return env;
  const versioned = findLibrary('libEGL.so.1', base);
  if (versioned === null) return env;
  const shim = eglShimDirectory(versioned);
  if (shim === undefined) return env;
  const current = base['LD_LIBRARY_PATH'];
  env['LD_LIBRARY_PATH'] = current === undefined || current === '' ? shim : `${shim}:${current}`;
  return env;
}

/** A per-user directory in the temp dir with libEGL.so -> `target`; undefined if it cannot be made. */
function eglShimDirectory(target: string): string | undefined {
  const uid = typeof process.getuid === 'function' ? process.getuid() : 0;
  const dir = join(tmpdir(), `symevo-egl-${uid}`);
  const link = join(dir, 'libEGL.so');
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    if (linkTarget(link) === target) return dir;
    rmSync(link, { force: true });
    symlinkSync(target, link);
    return dir;
  } catch {
    // Another process may have made the same link meanwhile.
    return linkTarget(link) === target ? dir : undefined;
  }
}

function linkTarget(link: string): string | undefined {
  try {
    return readlinkSync(link);
  } catch {
    return undefined;
  }
}
