// Asks Dawn for an adapter along one route and opens a compute device on it, turning every failure into a reason.
import { createInstance, type DawnModule } from './dawn.js';
import { messageOf, oneLine } from './errors.js';
import { COMPUTE_LIMIT_NAMES } from './compute-limits.js';
import { adapterRank, summarizeAdapter, type AdapterRoute, type AdapterSummary } from './adapter-routes.js';
import { withTimeout } from './timeout.js';

/** Generous: llvmpipe answers in ~0.2 s, a cold hardware driver in a few seconds. */
const ADAPTER_TIMEOUT_MS = 30_000;

export interface FoundAdapter {
  readonly found: true;
  readonly route: AdapterRoute;
  /** The create() object; it must outlive any device opened on `adapter`. */
  readonly instance: GPU;
  readonly adapter: GPUAdapter;
  readonly summary: AdapterSummary;
}

export interface MissingAdapter {
  readonly found: false;
  readonly route: AdapterRoute;
  readonly reason: string;
}

export type ProbeOutcome = FoundAdapter | MissingAdapter;

export async function probeRoute(dawn: DawnModule, route: AdapterRoute): Promise<ProbeOutcome> {
  const created = createInstance(dawn, route.dawnOptions);
  if (!created.ok) return { found: false, route, reason: created.reason };
  const options: GPURequestAdapterOptions = { featureLevel: route.featureLevel };
  if (route.powerPreference !== undefined) options.powerPreference = route.powerPreference;
  try {
    const request = created.instance.requestAdapter(options);
    const adapter = await withTimeout(request, ADAPTER_TIMEOUT_MS, `requestAdapter on ${route.name}`);
    if (adapter === null) return { found: false, route, reason: 'no adapter' };
    return { found: true, route, instance: created.instance, adapter, summary: summarizeAdapter(adapter, route.featureLevel) };
  } catch (thrown) {
    return { found: false, route, reason: `requestAdapter failed: ${oneLine(messageOf(thrown))}` };
  }
}

/**
 * Opens a device with each compute limit raised to the adapter's maximum and
 * core features when the adapter has them. An adapter can open one device only.
 */
export async function requestComputeDevice(adapter: GPUAdapter, label: string): Promise<GPUDevice> {
  const available = adapter.limits as unknown as Readonly<Record<string, number | undefined>>;
  const requiredLimits: Record<string, number> = {};
  for (const name of COMPUTE_LIMIT_NAMES) {
    const value = available[name];
    if (value !== undefined) requiredLimits[name] = value;
  }
  const requiredFeatures: GPUFeatureName[] = [];
  if (adapter.features.has('core-features-and-limits')) requiredFeatures.push('core-features-and-limits');
  const request = adapter.requestDevice({ label, requiredLimits, requiredFeatures });
  return withTimeout(request, ADAPTER_TIMEOUT_MS, 'requestDevice');
}

/** The best usable adapter by adapterRank; the earlier route wins a tie. */
export function chooseAdapter(outcomes: readonly ProbeOutcome[]): FoundAdapter | undefined {
  let best: FoundAdapter | undefined;
  let bestRank = Number.POSITIVE_INFINITY;
  for (const outcome of outcomes) {
    if (!outcome.found) continue;
    const rank = adapterRank(outcome.route, outcome.summary);
    if (rank !== undefined && rank < bestRank) {
      best = outcome;
      bestRank = rank;
    }
  }
  return best;
}
