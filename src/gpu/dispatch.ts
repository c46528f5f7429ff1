// Splits a 1-D element count into a 2-D grid of workgroups, since one dimension holds at most 65535 of them.

/** Workgroup counts for dispatchWorkgroups(x, y, z). */
export interface WorkgroupCount {
  readonly x: number;
  readonly y?: number;
  readonly z?: number;
}

export interface DispatchSize {
  readonly x: number;
  readonly y: number;
  readonly z: number;
  /**
   * Threads per row of the grid (x * workgroupSize). A kernel's element index
   * is `global_id.x + global_id.y * rowStride`, and it must return when the
   * index reaches n: the grid may hold up to one row's worth of extra threads.
   */
  readonly rowStride: number;
}

/** WebGPU's default and llvmpipe's maxComputeWorkgroupsPerDimension. */
const DEFAULT_MAX_PER_DIMENSION = 65_535;

/**
 * The grid for `n` elements with `workgroupSize` threads per workgroup: one
 * row when it fits, else the fewest rows whose width stays within
 * `maxPerDimension`, with the groups spread evenly so little work is wasted.
 */
export function dispatchSize(n: number, workgroupSize: number, maxPerDimension = DEFAULT_MAX_PER_DIMENSION): DispatchSize {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`element count must be a non-negative integer (got ${n})`);
  if (!Number.isSafeInteger(workgroupSize) || workgroupSize < 1) throw new RangeError(`workgroup size must be a positive integer (got ${workgroupSize})`);
  const groups = Math.ceil(n / workgroupSize);
  const rows = Math.max(1, Math.ceil(groups / maxPerDimension));
  if (rows > maxPerDimension) {
    throw new RangeError(`${n} elements need ${groups} workgroups of ${workgroupSize}, more than ${maxPerDimension}² fit in two dimensions`);
  }
  const x = Math.ceil(groups / rows);
  return { x, y: groups === 0 ? 0 : rows, z: 1, rowStride: x * workgroupSize };
}
