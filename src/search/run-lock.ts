// One engine per run directory: a lock file holding the owner's pid, taken over when that process is gone.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const LOCK_FILE = 'engine.lock';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The pid of a live engine holding the run, if any. */
export function lockHolder(dir: string): number | undefined {
  try {
    const pid = Number(readFileSync(join(dir, LOCK_FILE), 'utf8').trim());
    return Number.isSafeInteger(pid) && pid > 0 && pid !== process.pid && alive(pid) ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** Takes the lock, waiting up to `waitMs` for a previous engine that is still shutting down. */
export async function acquireRunLock(dir: string, waitMs = 10_000): Promise<() => void> {
  const deadline = Date.now() + waitMs;
  for (let holder = lockHolder(dir); holder !== undefined; holder = lockHolder(dir)) {
    if (Date.now() > deadline) throw new Error(`${dir} is in use by another engine (pid ${holder})`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const path = join(dir, LOCK_FILE);
  writeFileSync(path, `${process.pid}\n`);
  return () => {
    try {
      if (readFileSync(path, 'utf8').trim() === String(process.pid)) rmSync(path);
    } catch {
      // Already gone.
    }
  };
}
