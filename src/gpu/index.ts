// The GPU runtime's public surface: device acquisition, errors, pipelines, buffers, kernels and the doctor report.
export { acquireGpu, acquireWebGpu, releaseGpu } from './acquire.js';
export type { AcquireOptions, CpuFallback, Gpu, WebGpu } from './acquire.js';
export {
  backendFromEnvironment, dawnOptionsFromEnvironment, isBackendChoice, parseDawnOptions, prepareGpuEnvironment,
} from './environment.js';
export type { BackendChoice } from './environment.js';
export { gpuChildEnvironment } from './child-environment.js';
export { DawnLogFilter, isDawnLine } from './dawn-log-filter.js';
export { GpuError, GpuUnavailableError } from './errors.js';
export type { CompilerMessage, GpuErrorKind } from './errors.js';
export { DeviceHealth, watchDevice } from './device-health.js';
export { withErrorScopes } from './error-scopes.js';
export type { ScopeContext } from './error-scopes.js';
export type { AdapterRoute, AdapterSummary, FeatureLevel } from './adapter-routes.js';
export { COMPUTE_LIMIT_NAMES, readComputeLimits } from './compute-limits.js';
export type { ComputeLimitName, ComputeLimits } from './compute-limits.js';
export { PipelineCache, pipelineCacheFor, compileComputePipeline } from './pipeline-cache.js';
export type { PipelineCacheOptions, PipelineCacheStats, PipelineRequest } from './pipeline-cache.js';
export { BufferPool, bucketSize } from './buffer-pool.js';
export type { BufferPoolOptions, BufferPoolStats } from './buffer-pool.js';
export { BufferUsage, MapMode, STORAGE_USAGE } from './buffer-usage.js';
export { createStorageBuffer, createUniformBuffer, readFloat32, uploadFloat32 } from './buffers.js';
export { dispatchSize } from './dispatch.js';
export type { DispatchSize, WorkgroupCount } from './dispatch.js';
export { encodeKernel, runKernel } from './run-kernel.js';
export type { KernelBinding, KernelLaunch, RunKernelOptions } from './run-kernel.js';
export { doctorReport } from './doctor.js';
export type { DoctorAdapter, DoctorOptions, DoctorReport } from './doctor.js';
export { diagnoseRoute, findLibrary, graphicsLibraries } from './system-libraries.js';
export type { LibraryCheck } from './system-libraries.js';
export { smokeTest } from './smoke-test.js';
export type { SmokeTestResult } from './smoke-test.js';
