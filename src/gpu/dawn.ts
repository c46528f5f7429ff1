// Loads Dawn (the `webgpu` package) lazily and keeps each GPU instance alive while devices made from it live.
import type * as WebGpuPackage from 'webgpu';
import { messageOf, oneLine } from './errors.js';

export type DawnModule = typeof WebGpuPackage;

export type DawnLoad = { readonly ok: true; readonly dawn: DawnModule } | { readonly ok: false; readonly reason: string };

let loading: Promise<DawnLoad> | undefined;

/** Imports dawn.node once; a missing or unloadable binary becomes a reason instead of a crash at import time. */
export function loadDawn(): Promise<DawnLoad> {
  loading ??= import('webgpu').then(
    (dawn): DawnLoad => ({ ok: true, dawn }),
    (thrown: unknown): DawnLoad => ({
      ok: false,
      reason: `the 'webgpu' package could not be loaded for ${process.platform}-${process.arch} (${oneLine(messageOf(thrown))})`,
    }),
  );
  return loading;
}

export type InstanceResult = { readonly ok: true; readonly instance: GPU } | { readonly ok: false; readonly reason: string };

/** Dawn's create(); it throws for some unknown options, which we turn into a reason. */
export function createInstance(dawn: DawnModule, options: readonly string[]): InstanceResult {
  try {
    return { ok: true, instance: dawn.create([...options]) };
  } catch (thrown) {
    return { ok: false, reason: `Dawn rejected options [${options.join(' ')}]: ${oneLine(messageOf(thrown))}` };
  }
}

/*
 * If the object returned by create() is garbage-collected while a device made
 * from it is still in use, the process segfaults. V8 may collect a local that
 * is merely in scope, so every instance with a live device is held here. The
 * set hangs off globalThis so that a second copy of this module (test runners
 * re-evaluate modules per file) cannot drop the first copy's instances.
 */
const RETAINED = Symbol.for('symevo.gpu.retainedInstances');
type Holder = { [RETAINED]?: Map<GPU, number> };

function retainedInstances(): Map<GPU, number> {
  const holder = globalThis as Holder;
  holder[RETAINED] ??= new Map<GPU, number>();
  return holder[RETAINED];
}

/** Counts one more device that needs `instance` alive. */
export function retainInstance(instance: GPU): void {
  const held = retainedInstances();
  held.set(instance, (held.get(instance) ?? 0) + 1);
}

/** Call only after the device that needed `instance` has been destroyed. */
export function releaseInstance(instance: GPU): void {
  const held = retainedInstances();
  const count = held.get(instance) ?? 0;
  if (count <= 1) held.delete(instance);
  else held.set(instance, count - 1);
}
