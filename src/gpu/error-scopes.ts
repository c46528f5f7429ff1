// Runs device calls inside validation, out-of-memory and internal error scopes and turns what they catch into a GpuError.
import { GpuError, messageOf, type GpuErrorKind } from './errors.js';
import { watchDevice } from './device-health.js';

export interface ScopeContext {
  readonly label?: string | undefined;
  readonly wgsl?: string | undefined;
}

/** Inner first: popErrorScope pops in reverse order of pushing. */
const SCOPES: readonly GPUErrorFilter[] = ['internal', 'out-of-memory', 'validation'];

/**
 * Calls `body` between pushErrorScope and popErrorScope. `body` must be
 * synchronous: error scopes are one stack per device, and an await inside would
 * let another caller's push and pop interleave with ours. It may return a
 * promise (e.g. createComputePipelineAsync), which is awaited after the pop;
 * its rejection is reported too.
 */
export async function withErrorScopes<T>(device: GPUDevice, context: ScopeContext, body: () => T): Promise<Awaited<T>> {
  const health = watchDevice(device);
  health.throwIfFailed();
  for (const filter of SCOPES) device.pushErrorScope(filter);
  let result: T | undefined;
  let thrown: unknown;
  let threw = false;
  try {
    result = body();
  } catch (error) {
    thrown = error;
    threw = true;
  }
  const pops = [...SCOPES].reverse().map((filter) => device.popErrorScope().then(
    (error) => (error === null ? undefined : { filter, error }),
    (error: unknown) => ({ filter, error: { message: messageOf(error) } }),
  ));
  let value: Awaited<T> | undefined;
  if (!threw) {
    try {
      value = await health.race(Promise.resolve(result as T));
    } catch (error) {
      thrown = error;
      threw = true;
    }
  }
  const caught = (await health.race(Promise.all(pops))).filter((entry) => entry !== undefined);
  const first = caught[0];
  if (first !== undefined) {
    const detail = caught.map((entry) => entry.error.message.trim()).join('\n');
    throw new GpuError(first.filter as GpuErrorKind, detail, { ...context, cause: threw ? thrown : undefined });
  }
  if (threw) throw toGpuError(thrown, context);
  health.throwIfFailed();
  return value as Awaited<T>;
}

/** A GpuError for anything a device call threw or rejected with (GPUPipelineError carries a reason). */
export function toGpuError(thrown: unknown, context: ScopeContext): GpuError {
  if (thrown instanceof GpuError) return thrown;
  const reason = (thrown as { reason?: unknown } | null)?.reason;
  const kind: GpuErrorKind = reason === 'internal' ? 'internal' : 'validation';
  return new GpuError(kind, messageOf(thrown), { ...context, cause: thrown });
}
