// Compiles WGSL compute pipelines once per device and keeps the most recently used ones in an LRU.
import { LRUCache } from 'lru-cache';
import { GpuError, type CompilerMessage } from './errors.js';
import { withErrorScopes } from './error-scopes.js';
import { watchDevice } from './device-health.js';

export interface PipelineCacheOptions {
  /** Pipelines kept; a search compiles a few kernels per candidate, and an evicted one is only recompiled. */
  readonly maxEntries?: number;
}

export interface PipelineRequest {
  /** Defaults to `main`. */
  readonly entryPoint?: string;
  /** Names the work in errors, e.g. a candidate id. */
  readonly label?: string;
}

export interface PipelineCacheStats {
  readonly hits: number;
  readonly misses: number;
  readonly size: number;
  readonly maxEntries: number;
}

const DEFAULT_MAX_ENTRIES = 256;

/** Compute pipelines with `layout: 'auto'`, keyed by WGSL text and entry point. */
export class PipelineCache {
  readonly device: GPUDevice;
  readonly #maxEntries: number;
  // Promises, so concurrent requests for one shader share one compilation.
  readonly #pipelines: LRUCache<string, Promise<GPUComputePipeline>>;
  #hits = 0;
  #misses = 0;

  constructor(device: GPUDevice, options: PipelineCacheOptions = {}) {
    this.device = device;
    this.#maxEntries = options.maxEntries ?? DEFAULT_MAX_ENTRIES;
    if (!Number.isInteger(this.#maxEntries) || this.#maxEntries < 1) {
      throw new RangeError(`maxEntries must be a positive integer (got ${this.#maxEntries})`);
    }
    this.#pipelines = new LRUCache({ max: this.#maxEntries });
  }

  /** The pipeline for `wgsl`, compiled on first request; a bad shader rejects with a GpuError carrying the compiler's message. */
  get(wgsl: string, request: PipelineRequest = {}): Promise<GPUComputePipeline> {
    const entryPoint = request.entryPoint ?? 'main';
    const key = `${entryPoint}\u0000${wgsl}`;
    const cached = this.#pipelines.get(key);
    if (cached !== undefined) {
      this.#hits += 1;
      return cached;
    }
    this.#misses += 1;
    const pipeline = compileComputePipeline(this.device, wgsl, entryPoint, request.label);
    this.#pipelines.set(key, pipeline);
    // Failures are not kept: the cache holds only pipelines that exist.
    pipeline.catch(() => {
      if (this.#pipelines.peek(key) === pipeline) this.#pipelines.delete(key);
    });
    return pipeline;
  }

  stats(): PipelineCacheStats {
    return { hits: this.#hits, misses: this.#misses, size: this.#pipelines.size, maxEntries: this.#maxEntries };
  }

  clear(): void {
    this.#pipelines.clear();
  }
}

const defaultCaches = new WeakMap<GPUDevice, PipelineCache>();

/** The shared cache of `device`, made on first use with the default size. */
export function pipelineCacheFor(device: GPUDevice): PipelineCache {
  let cache = defaultCaches.get(device);
  if (cache === undefined) {
    cache = new PipelineCache(device);
    defaultCaches.set(device, cache);
  }
  return cache;
}

/** Creates the shader module and pipeline inside error scopes; on failure adds the structured compiler messages. */
export async function compileComputePipeline(
  device: GPUDevice,
  wgsl: string,
  entryPoint: string,
  label: string | undefined,
): Promise<GPUComputePipeline> {
  let module: GPUShaderModule | undefined;
  const context = { label, wgsl };
  try {
    return await withErrorScopes(device, context, () => {
      module = device.createShaderModule({ code: wgsl, ...(label === undefined ? {} : { label }) });
      return device.createComputePipelineAsync({
        layout: 'auto',
        compute: { module, entryPoint },
        ...(label === undefined ? {} : { label }),
      });
    });
  } catch (thrown) {
    if (!(thrown instanceof GpuError) || module === undefined) throw thrown;
    const compilerMessages = await compilerMessagesOf(device, module);
    if (compilerMessages.length === 0) throw thrown;
    throw new GpuError(thrown.kind, thrown.detail, { label, wgsl, compilerMessages, cause: thrown.cause });
  }
}

async function compilerMessagesOf(device: GPUDevice, module: GPUShaderModule): Promise<CompilerMessage[]> {
  try {
    const info = await watchDevice(device).race(module.getCompilationInfo());
    return info.messages.map((message) => ({
      type: message.type,
      message: message.message,
      line: message.lineNum,
      column: message.linePos,
    }));
  } catch {
    // The device may be gone; the scope's message already says what failed.
    return [];
  }
}
