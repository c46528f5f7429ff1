// The ways we ask Dawn for an adapter, how an adapter is summarised, and which one `auto` prefers.
import { readComputeLimits, type ComputeLimits } from './compute-limits.js';

/** WebGPU's feature levels; compatibility is what Dawn's OpenGL ES backend offers. */
export type FeatureLevel = 'core' | 'compatibility';

/** One way to ask for an adapter: Dawn's create() options plus the requestAdapter() options. */
export interface AdapterRoute {
  /** `default`, `vulkan`, `opengles`, or `custom` for SYMEVO_DAWN_OPTIONS. */
  readonly name: string;
  readonly dawnOptions: readonly string[];
  readonly featureLevel: FeatureLevel;
  readonly powerPreference?: GPUPowerPreference;
}

/** Dawn's own choice of backend (Vulkan on Linux), in core mode: where a hardware GPU shows up. */
export const DEFAULT_ROUTE: AdapterRoute = {
  name: 'default',
  dawnOptions: [],
  featureLevel: 'core',
  powerPreference: 'high-performance',
};

export const VULKAN_ROUTE: AdapterRoute = {
  name: 'vulkan',
  dawnOptions: ['backend=vulkan'],
  featureLevel: 'core',
  powerPreference: 'high-performance',
};

/** OpenGL ES only offers compatibility-mode adapters; on machines without a GPU this is Mesa's llvmpipe. */
export const OPENGLES_ROUTE: AdapterRoute = {
  name: 'opengles',
  dawnOptions: ['backend=opengles'],
  featureLevel: 'compatibility',
};

/** What `auto` tries, in order: hardware through Dawn's default backend, then OpenGL ES. */
export const AUTO_ROUTES: readonly AdapterRoute[] = [DEFAULT_ROUTE, OPENGLES_ROUTE];

/** What `symevo doctor` lists: each backend on its own, then Dawn's default. */
export const DOCTOR_ROUTES: readonly AdapterRoute[] = [VULKAN_ROUTE, OPENGLES_ROUTE, DEFAULT_ROUTE];

/** User-given Dawn options: core first, then compatibility, since only the user knows which the backend offers. */
export function customRoutes(dawnOptions: readonly string[]): AdapterRoute[] {
  return [
    { name: 'custom', dawnOptions, featureLevel: 'core', powerPreference: 'high-performance' },
    { name: 'custom', dawnOptions, featureLevel: 'compatibility' },
  ];
}

/** A plain, serialisable description of an adapter. */
export interface AdapterSummary {
  readonly vendor: string;
  readonly architecture: string;
  readonly device: string;
  readonly description: string;
  readonly isFallbackAdapter: boolean;
  /** A CPU rasteriser (llvmpipe, lavapipe, SwiftShader) or Dawn's null backend. */
  readonly isSoftware: boolean;
  readonly featureLevel: FeatureLevel;
  readonly features: readonly string[];
  readonly limits: ComputeLimits;
}

const SOFTWARE_NAMES = /llvmpipe|lavapipe|softpipe|swiftshader|null-backend/i;

/** `requested` is the level asked of requestAdapter: an adapter returned for `core` is a core adapter. */
export function summarizeAdapter(adapter: GPUAdapter, requested: FeatureLevel): AdapterSummary {
  const info = adapter.info;
  const fields = [info.vendor, info.architecture, info.device, info.description];
  // Dawn's node binding has no adapter.featureLevel; a core adapter carries this feature.
  const isCore = requested === 'core' || adapter.features.has('core-features-and-limits');
  const featureLevel: FeatureLevel = isCore ? 'core' : 'compatibility';
  const isFallbackAdapter = info.isFallbackAdapter === true;
  return {
    vendor: info.vendor,
    architecture: info.architecture,
    device: info.device,
    description: info.description,
    isFallbackAdapter,
    isSoftware: isFallbackAdapter || fields.some((field) => SOFTWARE_NAMES.test(field)),
    featureLevel,
    features: [...adapter.features].sort(),
    limits: readComputeLimits(adapter.limits),
  };
}

/** Dawn's null backend returns an adapter whose kernels compute nothing. */
export function isNullAdapter(summary: AdapterSummary): boolean {
  return summary.device === 'null-backend';
}

/**
 * Preference between adapters, lower is better: hardware in core mode, then
 * hardware in compatibility mode, then llvmpipe through OpenGL ES (about 3×
 * faster than lavapipe through Vulkan on one elementwise test), then any other
 * software adapter. Undefined means unusable.
 */
export function adapterRank(route: AdapterRoute, summary: AdapterSummary): number | undefined {
  if (isNullAdapter(summary)) return undefined;
  if (!summary.isSoftware) return summary.featureLevel === 'core' ? 0 : 1;
  return route.name === 'opengles' ? 2 : 3;
}

export const BEST_RANK = 0;

/** Why an adapter that works was not the one chosen. */
export function passedOverBecause(route: AdapterRoute, summary: AdapterSummary, chosen: AdapterSummary): string {
  if (isNullAdapter(summary)) return "Dawn's null backend computes nothing";
  if (summary.device === chosen.device && summary.description === chosen.description) {
    return 'the same adapter as the one chosen, through another route';
  }
  if (summary.isSoftware && !chosen.isSoftware) return 'software adapter; a hardware adapter is preferred';
  if (summary.isSoftware && route.name !== 'opengles') {
    return "software Vulkan (lavapipe) is slower than llvmpipe through OpenGL ES";
  }
  if (summary.featureLevel === 'compatibility' && chosen.featureLevel === 'core') {
    return 'compatibility mode; a core-mode adapter is preferred';
  }
  return 'an earlier route offered an adapter at least as good';
}
