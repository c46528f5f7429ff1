// The device limits that matter for compute kernels, read from Dawn's GPUSupportedLimits into a plain object.

/**
 * Limits a compute runtime asks for at their adapter maximum. Compatibility
 * mode's defaults are far below what llvmpipe offers (128 invocations per
 * workgroup by default against 1024 available), so we request each one.
 */
export const COMPUTE_LIMIT_NAMES = [
  'maxStorageBufferBindingSize',
  'maxBufferSize',
  'maxStorageBuffersPerShaderStage',
  'maxUniformBuffersPerShaderStage',
  'maxUniformBufferBindingSize',
  'maxComputeWorkgroupSizeX',
  'maxComputeWorkgroupSizeY',
  'maxComputeWorkgroupSizeZ',
  'maxComputeInvocationsPerWorkgroup',
  'maxComputeWorkgroupsPerDimension',
  'maxComputeWorkgroupStorageSize',
  'maxBindGroups',
  'maxBindingsPerBindGroup',
  'minStorageBufferOffsetAlignment',
  'minUniformBufferOffsetAlignment',
] as const;

export type ComputeLimitName = (typeof COMPUTE_LIMIT_NAMES)[number];
export type ComputeLimits = Readonly<Record<ComputeLimitName, number>>;

/** Copies the compute limits out of a live GPUSupportedLimits (whose fields are getters on a native object). */
export function readComputeLimits(limits: GPUSupportedLimits): ComputeLimits {
  const source = limits as unknown as Readonly<Record<string, number | undefined>>;
  const entries = COMPUTE_LIMIT_NAMES.map((name) => [name, source[name] ?? 0] as const);
  return Object.fromEntries(entries) as Record<ComputeLimitName, number>;
}
