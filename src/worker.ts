// The worker-thread entry of the evaluation pool: runs one batch of candidates through the funnel on this thread's device.
import { writeFileSync } from 'node:fs';
import { threadId } from 'node:worker_threads';
import { acquireGpu } from './gpu/index.js';
import { runFunnel, type FunnelJob, type FunnelOutcome } from './tasks/index.js';

/** The thread and its device, reported with each batch so the journal records who trained what. */
export interface WorkerDevice {
  readonly worker: string;
  readonly backend: 'cpu' | 'webgpu';
  readonly adapter: string;
}

export type WorkerReply =
  | { readonly ok: true; readonly outcomes: readonly FunnelOutcome[]; readonly device?: WorkerDevice }
  | { readonly ok: false; readonly reason: string; readonly device?: WorkerDevice };

/** The device the funnel trained on: acquireGpu is cached per thread, so this asks nothing new. */
async function device(job: FunnelJob): Promise<WorkerDevice | undefined> {
  try {
    const gpu = await acquireGpu(job.backend === undefined ? {} : { backend: job.backend });
    return { worker: `thread ${threadId}`, backend: gpu.kind, adapter: gpu.kind === 'webgpu' ? gpu.adapterInfo.description : gpu.reason };
  } catch {
    return undefined;
  }
}

/**
 * Test hooks, read only when SYMEVO_TEST_HOOKS=1: a batch holding a candidate whose id is listed in
 * SYMEVO_TEST_CRASH_IDS aborts the whole process (as a native driver crash would), and one listed in
 * SYMEVO_TEST_HANG_IDS never finishes; with SYMEVO_TEST_HANG_ONCE naming a file, only the first
 * thread (of any process) to create that file hangs, and later ones run the batch.
 */
async function testHooks(job: FunnelJob): Promise<void> {
  if (process.env['SYMEVO_TEST_HOOKS'] !== '1') return;
  const listed = (name: string) => {
    const ids = new Set((process.env[name] ?? '').split(',').filter((s) => s.trim() !== '').map(Number));
    return job.programs.some((p) => ids.has(p.id));
  };
  // A signal, not process.abort(): worker threads may not abort, but a driver fault kills the whole process just so.
  if (listed('SYMEVO_TEST_CRASH_IDS')) process.kill(process.pid, 'SIGSEGV');
  if (listed('SYMEVO_TEST_HANG_IDS') && firstToHang()) await new Promise(() => {});
}

function firstToHang(): boolean {
  const marker = process.env['SYMEVO_TEST_HANG_ONCE'];
  if (marker === undefined) return true;
  try {
    writeFileSync(marker, `${process.pid}\n`, { flag: 'wx' });
    return true;
  } catch {
    return false;
  }
}

/** Never throws across the pool boundary: a failure comes back as a reason. */
export default async function evaluateBatch(job: FunnelJob): Promise<WorkerReply> {
  try {
    await testHooks(job);
    const outcomes = await runFunnel(job);
    const about = await device(job);
    return { ok: true, outcomes, ...(about === undefined ? {} : { device: about }) };
  } catch (error) {
    const about = await device(job);
    return { ok: false, reason: error instanceof Error ? (error.stack ?? error.message) : String(error), ...(about === undefined ? {} : { device: about }) };
  }
}
