// Supervises the engine in a child process: a native crash kills only the child, which is restarted from
// the checkpoint and journal; candidates in flight during two crashes are recorded as `crash`.
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { readJournal } from './journal.js';
import { readCrashes, readInflight, writeCrashes } from './run-files.js';
import { DawnLogFilter, gpuChildEnvironment } from '../tasks/index.js';
import { ENGINE_EXIT, type EngineMessage, type EngineRequest } from './engine-protocol.js';

/** The engine process for optimizer spaces; src/nas has the one that searches every dialect. */
export const ENGINE_ENTRY = fileURLToPath(new URL('../../dist/search/engine-process.js', import.meta.url));

export interface SuperviseOptions extends EngineRequest {
  readonly onMessage: (message: EngineMessage) => void;
  /** Restarts allowed in a row without a new evaluation being journaled. */
  readonly maxRestarts?: number;
  /** Extra environment for the engine process (tests use it for their hooks). */
  readonly env?: NodeJS.ProcessEnv;
  /** Pass Dawn's own diagnostics through to stderr; by default they are dropped. */
  readonly verbose?: boolean;
  /** The engine process's script; default ENGINE_ENTRY. */
  readonly entry?: string;
}

export interface SuperviseResult {
  /** 0 finished, 130 stopped by a signal, 1 failed. */
  readonly exitCode: number;
  readonly restarts: number;
}

export async function superviseSearch(options: SuperviseOptions): Promise<SuperviseResult> {
  const { onMessage, maxRestarts = 5, env, verbose = false, entry = ENGINE_ENTRY, ...request } = options;
  let restarts = 0;
  let fruitless = 0;
  let stopping = false;
  let child: ReturnType<typeof fork> | undefined;
  const forward = (signal: NodeJS.Signals) => () => {
    stopping = true;
    child?.kill(signal);
  };
  const onInt = forward('SIGINT');
  const onTerm = forward('SIGTERM');
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);
  try {
    for (;;) {
      const before = readJournal(request.dir).entries.length;
      child = fork(entry, [JSON.stringify(request)], { stdio: ['ignore', 'inherit', verbose ? 'inherit' : 'pipe', 'ipc'], env: gpuChildEnvironment({ ...process.env, ...env }) });
      child.stderr?.pipe(new DawnLogFilter()).pipe(process.stderr, { end: false });
      let finished: boolean | undefined;
      child.on('message', (m) => {
        const message = m as EngineMessage;
        if (message.type === 'done') finished = !message.summary.stopped;
        onMessage(message);
      });
      const { code, signal } = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
        child!.once('exit', (c, s) => resolve({ code: c, signal: s })),
      );
      child = undefined;
      // An engine that reported its end has written everything; a fault while it exits loses nothing.
      if (code === ENGINE_EXIT.finished || finished === true) return { exitCode: 0, restarts };
      if (finished === false) return { exitCode: 130, restarts };
      if (code === ENGINE_EXIT.stopped || stopping) return { exitCode: 130, restarts };
      if (code === ENGINE_EXIT.error) return { exitCode: 1, restarts };
      const suspects = recordCrash(request.dir);
      fruitless = readJournal(request.dir).entries.length > before ? 0 : fruitless + 1;
      onMessage({ type: 'message', text: `the engine died (${signal ?? `exit ${code}`}) with ${suspects} candidate(s) in flight; restarting from the checkpoint` });
      if (fruitless > maxRestarts) {
        onMessage({ type: 'error', text: `the engine died ${fruitless} times in a row without finishing an evaluation; giving up` });
        return { exitCode: 1, restarts };
      }
      restarts++;
    }
  } finally {
    process.off('SIGINT', onInt);
    process.off('SIGTERM', onTerm);
  }
}

/** Counts one crash against every candidate that was in flight (pending and not journaled); returns how many. */
export function recordCrash(dir: string): number {
  const journaled = new Set(readJournal(dir).entries.map((e) => e.id));
  const counts = readCrashes(dir);
  const inFlight = readInflight(dir).filter((id) => !journaled.has(id));
  for (const id of inFlight) counts.set(id, (counts.get(id) ?? 0) + 1);
  writeCrashes(dir, counts);
  return inFlight.length;
}
