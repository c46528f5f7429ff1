// The worker-thread entry of the evaluation pool: runs one batch of candidates through the funnel on this thread's device.
import { runFunnel, type FunnelJob, type FunnelOutcome } from './tasks/index.js';

export type WorkerReply = { readonly ok: true; readonly outcomes: readonly FunnelOutcome[] } | { readonly ok: false; readonly reason: string };

/**
 * Test hooks, read only when SYMEVO_TEST_HOOKS=1: a batch holding a program whose text contains
 * SYMEVO_TEST_CRASH_MARKER aborts the whole process (as a native driver crash would), and one
 * containing SYMEVO_TEST_HANG_MARKER never finishes.
 */
async function testHooks(job: FunnelJob): Promise<void> {
  if (process.env['SYMEVO_TEST_HOOKS'] !== '1') return;
  const has = (marker: string | undefined) => marker !== undefined && marker !== '' && job.programs.some((p) => p.text.includes(marker));
  if (has(process.env['SYMEVO_TEST_CRASH_MARKER'])) process.abort();
  if (has(process.env['SYMEVO_TEST_HANG_MARKER'])) await new Promise(() => {});
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
