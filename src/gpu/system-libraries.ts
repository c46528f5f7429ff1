// Looks for the shared libraries Dawn loads at run time, to say which Debian package is missing when no adapter appears.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { eglPlatformNote } from './environment.js';

/** A library Dawn or Mesa opens with dlopen, and the Debian 12 package that ships it. */
export interface LibraryCheck {
  readonly file: string;
  readonly debianPackage: string;
  /** Where it was found, or null. */
  readonly path: string | null;
}

const MULTIARCH: Readonly<Record<string, string>> = { x64: 'x86_64-linux-gnu', arm64: 'aarch64-linux-gnu' };

/** The directories dlopen searches on Debian, LD_LIBRARY_PATH first. */
function librarySearchPath(env: NodeJS.ProcessEnv): string[] {
  const multiarch = MULTIARCH[process.arch];
  const fromEnv = (env['LD_LIBRARY_PATH'] ?? '').split(':').filter((dir) => dir !== '');
  const system = multiarch === undefined ? [] : [`/usr/lib/${multiarch}`, `/lib/${multiarch}`];
  return [...fromEnv, ...system, '/usr/lib64', '/lib64', '/usr/lib', '/lib', '/usr/local/lib'];
}

export function findLibrary(file: string, env: NodeJS.ProcessEnv = process.env): string | null {
  for (const dir of librarySearchPath(env)) {
    const candidate = join(dir, file);
    if (existsSync(candidate)) return candidate;
  }
  return null;
}

/*
 * Dawn (webgpu 0.6.x) opens the unversioned libEGL.so, which Debian ships only
 * in libegl-dev; libegl1 alone has libEGL.so.1. GLES entry points come through
 * eglGetProcAddress, so libGLESv2.so is not needed unversioned.
 */
const GRAPHICS_LIBRARIES: readonly Omit<LibraryCheck, 'path'>[] = [
  { file: 'libEGL.so', debianPackage: 'libegl-dev' },
  { file: 'libEGL.so.1', debianPackage: 'libegl1' },
  { file: 'libEGL_mesa.so.0', debianPackage: 'libegl-mesa0' },
  { file: 'libGLESv2.so.2', debianPackage: 'libgles2' },
  { file: 'dri/swrast_dri.so', debianPackage: 'libgl1-mesa-dri' },
  { file: 'libvulkan.so.1', debianPackage: 'libvulkan1' },
];

/** The graphics libraries that matter to Dawn on Linux; empty elsewhere. */
export function graphicsLibraries(env: NodeJS.ProcessEnv = process.env): LibraryCheck[] {
  if (process.platform !== 'linux') return [];
  return GRAPHICS_LIBRARIES.map((library) => ({ ...library, path: findLibrary(library.file, env) }));
}

/** Vulkan drivers (ICD manifests) installed, e.g. `lvp_icd.x86_64.json` for lavapipe. */
export function vulkanDrivers(): string[] {
  const dirs = ['/usr/share/vulkan/icd.d', '/etc/vulkan/icd.d', '/usr/local/share/vulkan/icd.d'];
  const found: string[] = [];
  for (const dir of dirs) {
    try {
      found.push(...readdirSync(dir).filter((name) => name.endsWith('.json')));
    } catch {
      // A missing directory means no driver there.
    }
  }
  return found.sort();
}

const LLVMPIPE_PACKAGES = ['libegl1', 'libegl-mesa0', 'libgles2', 'libgl1-mesa-dri'];

function missingPackages(libraries: readonly LibraryCheck[], files: readonly string[]): string[] {
  return libraries.filter((library) => files.includes(library.file) && library.path === null).map((library) => library.debianPackage);
}

/** Why OpenGL ES gave no adapter, as far as the files on disk tell. */
export function diagnoseOpenGles(env: NodeJS.ProcessEnv = process.env): string {
  if (process.platform !== 'linux') return 'Dawn found no OpenGL ES adapter';
  const libraries = graphicsLibraries(env);
  const missing = missingPackages(libraries, ['libEGL.so.1', 'libEGL_mesa.so.0', 'libGLESv2.so.2', 'dri/swrast_dri.so']);
  if (missing.length > 0) {
    return `install Debian's ${LLVMPIPE_PACKAGES.join(' ')} for Mesa's llvmpipe (missing: ${missing.join(' ')})`;
  }
  if (findLibrary('libEGL.so', env) === null) {
    const versioned = findLibrary('libEGL.so.1', env) ?? 'libEGL.so.1';
    return `Dawn opens the unversioned libEGL.so, which only Debian's libegl-dev ships: install libegl-dev, or start node with LD_LIBRARY_PATH naming a directory that holds a symlink libEGL.so -> ${versioned}`;
  }
  const note = eglPlatformNote(env);
  if (note !== undefined) return note;
  const platform = env['EGL_PLATFORM'];
  if (platform !== undefined && platform !== 'surfaceless' && env['DISPLAY'] === undefined && env['WAYLAND_DISPLAY'] === undefined) {
    return `EGL_PLATFORM=${platform} needs a display; set EGL_PLATFORM=surfaceless`;
  }
  return "Mesa's EGL offered no adapter although its libraries are installed (Dawn's message on stderr says why)";
}

/** Why Vulkan (or Dawn's default backend, Vulkan on Linux) gave no usable adapter. */
export function diagnoseVulkan(env: NodeJS.ProcessEnv = process.env): string {
  if (process.platform !== 'linux') return 'Dawn found no adapter on this backend';
  if (findLibrary('libvulkan.so.1', env) === null) {
    return 'libvulkan1 missing (it and a Vulkan driver are needed: a GPU vendor driver, or Mesa >= 25 lavapipe from bookworm-backports)';
  }
  const drivers = vulkanDrivers();
  if (drivers.length === 0) return 'no Vulkan driver installed (no ICD manifest in /usr/share/vulkan/icd.d)';
  if (drivers.every((name) => name.startsWith('lvp_'))) {
    return "only Mesa's lavapipe is installed, and lavapipe older than Mesa 25 (Debian 12 ships 22.3) offers no adapter to Dawn";
  }
  return `the installed Vulkan drivers (${drivers.join(', ')}) offered no adapter`;
}

/** The reason for one route's missing adapter, by the backend the route uses. */
export function diagnoseRoute(
  routeName: string,
  dawnOptions: readonly string[],
  featureLevel: 'core' | 'compatibility',
  env: NodeJS.ProcessEnv = process.env,
): string {
  const backend = dawnOptions.find((option) => option.startsWith('backend='))?.slice('backend='.length);
  if (routeName === 'opengles' || backend === 'opengles' || backend === 'opengl') {
    return featureLevel === 'core' ? "Dawn's OpenGL backends offer compatibility-mode adapters only" : diagnoseOpenGles(env);
  }
  if (routeName === 'vulkan' || routeName === 'default' || backend === 'vulkan') return diagnoseVulkan(env);
  return `Dawn found no adapter for options [${dawnOptions.join(' ')}]`;
}

/** What to install so that `auto` finds at least llvmpipe; empty when nothing is missing on disk. */
export function installAdvice(env: NodeJS.ProcessEnv = process.env): string[] {
  if (process.platform !== 'linux') return [];
  const libraries = graphicsLibraries(env);
  const advice: string[] = [];
  const missing = missingPackages(libraries, ['libEGL.so.1', 'libEGL_mesa.so.0', 'libGLESv2.so.2', 'dri/swrast_dri.so']);
  if (missing.length > 0) {
    advice.push(`apt-get install --no-install-recommends ${LLVMPIPE_PACKAGES.join(' ')}   # Mesa's llvmpipe through OpenGL ES`);
  }
  if (findLibrary('libEGL.so', env) === null) {
    advice.push('apt-get install --no-install-recommends libegl-dev   # Dawn opens the unversioned libEGL.so');
  }
  return advice;
}
