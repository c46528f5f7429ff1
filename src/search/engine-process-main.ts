// The body of the engine's own process, forked by the supervisor: runs the search on a run directory
// and reports over IPC. A native crash (a driver fault in a worker thread) ends this process only;
// the supervisor restarts it. The entry files (engine-process.ts here, src/nas's) choose the dialects.
import { isBackendChoice } from '../tasks/index.js';
import type { DialectTable } from './dialect.js';
import { runEngine } from './engine.js';
import { EvaluatorLost } from './evaluator.js';
import { ENGINE_EXIT, type EngineMessage, type EngineRequest } from './engine-protocol.js';
import { acquireRunLock } from './run-lock.js';

const send = (message: EngineMessage) => {
  if (process.connected) process.send?.(message);
};

async function main(dialects: DialectTable): Promise<number> {
  const request = JSON.parse(process.argv[2] ?? '{}') as EngineRequest;
  if (!isBackendChoice(request.backend)) throw new Error(`unknown backend '${request.backend}'`);
  const stop = new AbortController();
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => stop.abort());
  // Without a supervisor there is nobody to report to: stop cleanly.
  process.once('disconnect', () => stop.abort());
  const release = await acquireRunLock(request.dir);
  try {
    const summary = await runEngine({
      dir: request.dir,
      workers: request.workers,
      backend: request.backend,
      ...(request.budget === undefined ? {} : { budget: request.budget }),
      ...(request.batchTimeoutMs === undefined ? {} : { batchTimeoutMs: request.batchTimeoutMs }),
      ...(request.queue === undefined ? {} : { queue: request.queue }),
      ...(request.redisTimeoutMs === undefined ? {} : { redisTimeoutMs: request.redisTimeoutMs }),
      signal: stop.signal,
      destroyPool: false,
      dialects,
      onProgress: (progress) => send({ type: 'progress', progress }),
      onMessage: (text) => send({ type: 'message', text }),
    });
    const { state, ...rest } = summary;
    send({ type: 'done', summary: { ...rest, evaluations: state.evaluations, budget: state.config.budget } });
    return summary.stopped ? ENGINE_EXIT.stopped : ENGINE_EXIT.finished;
  } finally {
    release();
  }
}

/** Runs the engine process's request (argv[2]) with these dialects, and exits. */
export function runEngineProcess(dialects: DialectTable): void {
  main(dialects).then(
    (code) => {
      process.exitCode = code;
      // Worker threads and the IPC channel must not keep a finished engine alive.
      setImmediate(() => process.exit(code));
    },
    (error: unknown) => {
      send({ type: 'error', text: error instanceof Error ? error.message : String(error) });
      // A lost queue is the user's situation, not a fault of the program: the message says it all.
      if (!(error instanceof EvaluatorLost)) process.stderr.write(`symevo engine: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      setImmediate(() => process.exit(ENGINE_EXIT.error));
    },
  );
}
