// The worker-thread entry of the evaluation pool: runs one batch of candidates through the funnel on this thread's device.
import { runFunnel, type FunnelJob, type FunnelOutcome } from './tasks/index.js';

export type WorkerReply = { readonly ok: true; readonly outcomes: readonly FunnelOutcome[] } | { readonly ok: false; readonly reason: string };

/**
 * Test hooks, read only when SYMEVO_TEST_HOOKS=1: a batch holding a candidate whose id is listed in
 * SYMEVO_TEST_CRASH_IDS aborts the whole process (as a native driver crash would), and one listed in
 * SYMEVO_TEST_HANG_IDS never finishes.
 */
async function testHooks(job: FunnelJob): Promise<void> {
  if (process.env['SYMEVO_TEST_HOOKS'] !== '1') return;
  const listed = (name: string) => {
    const ids = new Set((process.env[name] ?? '').split(',').filter((s) => s.trim() !== '').map(Number));
    return job.programs.some((p) => ids.has(p.id));
  };
  // A signal, not process.abort(): worker threads may not abort, but a driver fault kills the whole process just so.
  if (listed('SYMEVO_TEST_CRASH_IDS')) process.kill(process.pid, 'SIGSEGV');
  if (listed('SYMEVO_TEST_HANG_IDS')) await new Promise(() => {});
}

/** Never throws across the pool boundary: a failure comes back as a reason. */
export default async function evaluateBatch(job: FunnelJob): Promise<WorkerReply> {
  try {
    await testHooks(job);
    return { ok: true, outcomes: await runFunnel(job) };
  } catch (error) {
    return { ok: false, reason: error instanceof Error ? (error.stack ?? error.message) : String(error) };
  }
}
