// What the supervisor and the engine process say to each other: the request, IPC messages and exit codes.
import type { EngineProgress, EngineSummary } from './engine.js';

export interface EngineRequest {
  readonly dir: string;
  readonly budget?: number;
  readonly workers: number;
  readonly backend: string;
  readonly batchTimeoutMs?: number;
  /** redis://HOST:PORT of the BullMQ queue; absent: local worker threads. */
  readonly queue?: string;
  readonly redisTimeoutMs?: number;
}

export type EngineMessage =
  | { readonly type: 'progress'; readonly progress: EngineProgress }
  | { readonly type: 'message'; readonly text: string }
  | { readonly type: 'done'; readonly summary: Omit<EngineSummary, 'state'> & { readonly evaluations: number; readonly budget: number } }
  | { readonly type: 'error'; readonly text: string };

/** Exit codes the supervisor reads: anything else (or a signal) is a crash to recover from. */
export const ENGINE_EXIT = { finished: 0, error: 1, stopped: 130 } as const;

