// Acquires the process's one WebGPU device (or says why the CPU must do), caches it, and releases it on shutdown.
import { loadDawn, retainInstance, releaseInstance, type DawnModule } from './dawn.js';
import { GpuUnavailableError, messageOf, oneLine } from './errors.js';
import { backendFromEnvironment, dawnOptionsFromEnvironment, prepareGpuEnvironment, type BackendChoice } from './environment.js';
import { AUTO_ROUTES, BEST_RANK, adapterRank, customRoutes, type AdapterRoute, type AdapterSummary, type FeatureLevel } from './adapter-routes.js';
import { chooseAdapter, probeRoute, requestComputeDevice, type FoundAdapter, type ProbeOutcome } from './adapter-probe.js';
import { readComputeLimits, type ComputeLimits } from './compute-limits.js';
import { watchDevice, type DeviceHealth } from './device-health.js';
import { diagnoseRoute, findLibrary } from './system-libraries.js';

/** A WebGPU device ready for compute kernels. */
export interface WebGpu {
  readonly kind: 'webgpu';
  readonly device: GPUDevice;
  readonly adapterInfo: AdapterSummary;
  readonly featureLevel: FeatureLevel;
  /** The route's name: `default` (Dawn's choice, Vulkan on Linux), `opengles`, or `custom`. */
  readonly dawnBackend: string;
  readonly dawnOptions: readonly string[];
  /** The device's limits, raised to the adapter's maxima at creation. */
  readonly limits: ComputeLimits;
  readonly health: DeviceHealth;
}

/** No adapter (or the CPU was asked for): kernels run on the TypeScript reference backend. */
export interface CpuFallback {
  readonly kind: 'cpu';
  readonly reason: string;
}

export type Gpu = WebGpu | CpuFallback;

export interface AcquireOptions {
  /** Defaults to SYMEVO_BACKEND, else `auto`. */
  readonly backend?: BackendChoice;
  /** Dawn create() options; default SYMEVO_DAWN_OPTIONS, else the automatic routes. */
  readonly dawnOptions?: readonly string[];
  /** Called once per process and option set when `auto` falls back to the CPU, with the reason. */
  readonly onFallback?: (reason: string) => void;
}

type Attempt = { readonly ok: true; readonly gpu: WebGpu; readonly instance: GPU } | { readonly ok: false; readonly reason: string };

interface CacheEntry {
  readonly attempt: Promise<Attempt>;
  fallbackNoticed: boolean;
}

/** One device per option set per thread; keyed by the Dawn options (`auto` for the automatic routes). */
const cache = new Map<string, CacheEntry>();

/**
 * Returns the cached device, opening it on first use. `webgpu` throws
 * GpuUnavailableError when no adapter exists; `auto` returns the CPU fallback
 * with the reason; `cpu` never touches Dawn.
 */
export async function acquireGpu(options: AcquireOptions = {}): Promise<Gpu> {
  const backend = options.backend ?? backendFromEnvironment();
  if (backend === 'cpu') return { kind: 'cpu', reason: 'the cpu backend was requested' };
  const dawnOptions = options.dawnOptions ?? dawnOptionsFromEnvironment();
  const key = dawnOptions === undefined ? 'auto' : JSON.stringify(dawnOptions);
  let entry = cache.get(key);
  if (entry === undefined) {
    entry = startAttempt(key, dawnOptions);
    cache.set(key, entry);
  }
  const attempt = await entry.attempt;
  if (attempt.ok) return attempt.gpu;
  if (backend === 'webgpu') throw new GpuUnavailableError(attempt.reason);
  if (!entry.fallbackNoticed) {
    entry.fallbackNoticed = true;
    options.onFallback?.(attempt.reason);
  }
  return { kind: 'cpu', reason: attempt.reason };
}

/** Like acquireGpu with backend `webgpu`: a device, or GpuUnavailableError. */
export async function acquireWebGpu(options: Omit<AcquireOptions, 'backend'> = {}): Promise<WebGpu> {
  const gpu = await acquireGpu({ ...options, backend: 'webgpu' });
  if (gpu.kind !== 'webgpu') throw new GpuUnavailableError(gpu.reason);
  return gpu;
}

/**
 * Destroys every cached device and forgets it, so Node can exit and a later
 * acquireGpu opens a fresh one. Buffers and pipelines of those devices die too.
 */
export async function releaseGpu(): Promise<void> {
  const entries = [...cache.values()];
  cache.clear();
  for (const entry of entries) {
    const attempt = await entry.attempt;
    if (!attempt.ok) continue;
    attempt.gpu.device.destroy();
    // Only now may the create() object go: the device that needed it is destroyed.
    releaseInstance(attempt.instance);
  }
}

function startAttempt(key: string, dawnOptions: readonly string[] | undefined): CacheEntry {
  const entry: { attempt?: Promise<Attempt>; fallbackNoticed: boolean } = { fallbackNoticed: false };
  // A device lost on its own leaves the cache, so the next acquireGpu opens a new one.
  const forget = (): void => {
    if (cache.get(key) === entry) cache.delete(key);
  };
  entry.attempt = openWebGpu(dawnOptions, forget);
  return entry as CacheEntry;
}

async function openWebGpu(dawnOptions: readonly string[] | undefined, forget: () => void): Promise<Attempt> {
  prepareGpuEnvironment();
  const loaded = await loadDawn();
  if (!loaded.ok) return { ok: false, reason: loaded.reason };
  const custom = dawnOptions !== undefined;
  const outcomes = await probeRoutes(loaded.dawn, custom ? customRoutes(dawnOptions) : AUTO_ROUTES, custom);
  const chosen = chooseAdapter(outcomes);
  if (chosen === undefined) return { ok: false, reason: noAdapterReason(outcomes) };
  try {
    return await openDevice(chosen, forget);
  } catch (thrown) {
    return { ok: false, reason: `${chosen.route.name}: requestDevice failed: ${oneLine(messageOf(thrown))}` };
  }
}

/** Probes routes in order and stops once nothing better can follow (any adapter, for user-given options). */
async function probeRoutes(dawn: DawnModule, routes: readonly AdapterRoute[], takeFirst: boolean): Promise<ProbeOutcome[]> {
  const outcomes: ProbeOutcome[] = [];
  for (const route of routes) {
    if (!takeFirst && needsMissingVulkan(route)) {
      // Dawn would only print that it cannot load the Vulkan loader; the diagnosis says the same, quietly.
      outcomes.push({ found: false, route, reason: 'no adapter' });
      continue;
    }
    const outcome = await probeRoute(dawn, route);
    outcomes.push(outcome);
    if (!outcome.found) continue;
    const rank = adapterRank(route, outcome.summary);
    if (rank === BEST_RANK || (takeFirst && rank !== undefined)) break;
  }
  return outcomes;
}

/** Dawn's default backend on Linux is Vulkan, which cannot start without the Vulkan loader. */
function needsMissingVulkan(route: AdapterRoute): boolean {
  const vulkan = route.name === 'vulkan' || route.name === 'default';
  return vulkan && process.platform === 'linux' && findLibrary('libvulkan.so.1') === null;
}

/** One sentence per route, e.g. "default: libvulkan1 missing (…); opengles: install Debian's …". */
export function noAdapterReason(outcomes: readonly ProbeOutcome[]): string {
  const parts = outcomes.map((outcome) => {
    if (outcome.found) return `${outcome.route.name}: only ${outcome.summary.device || 'an unusable adapter'}, which computes nothing`;
    const diagnosis = outcome.reason === 'no adapter'
      ? diagnoseRoute(outcome.route.name, outcome.route.dawnOptions, outcome.route.featureLevel)
      : outcome.reason;
    return `${outcome.route.name} (${outcome.route.featureLevel}): ${diagnosis}`;
  });
  return [...new Set(parts)].join('; ');
}

async function openDevice(chosen: FoundAdapter, forget: () => void): Promise<Attempt> {
  const device = await requestComputeDevice(chosen.adapter, `symevo (${chosen.route.name})`);
  retainInstance(chosen.instance);
  const health = watchDevice(device);
  health.onLost((_error, reason) => {
    if (reason === 'destroyed') return;
    forget();
    device.destroy();
    releaseInstance(chosen.instance);
  });
  const gpu: WebGpu = {
    kind: 'webgpu',
    device,
    adapterInfo: chosen.summary,
    featureLevel: chosen.summary.featureLevel,
    dawnBackend: chosen.route.name,
    dawnOptions: chosen.route.dawnOptions,
    limits: readComputeLimits(device.limits),
    health,
  };
  return { ok: true, gpu, instance: chosen.instance };
}
