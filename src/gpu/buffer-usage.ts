// WebGPU's buffer usage and map mode flags as plain numbers: Node has no GPUBufferUsage global unless one installs Dawn's globals.

/** GPUBufferUsage bit values, fixed by the WebGPU specification. */
export const BufferUsage = {
  MAP_READ: 0x0001,
  MAP_WRITE: 0x0002,
  COPY_SRC: 0x0004,
  COPY_DST: 0x0008,
  INDEX: 0x0010,
  VERTEX: 0x0020,
  UNIFORM: 0x0040,
  STORAGE: 0x0080,
  INDIRECT: 0x0100,
  QUERY_RESOLVE: 0x0200,
} as const;

/** GPUMapMode bit values. */
export const MapMode = {
  READ: 0x0001,
  WRITE: 0x0002,
} as const;

/** Storage that kernels read and write, and that can be filled and read back. */
export const STORAGE_USAGE = BufferUsage.STORAGE | BufferUsage.COPY_SRC | BufferUsage.COPY_DST;
