// Whole-file writes that a crash cannot leave half done: temp file in the same directory, fsync, rename.
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/** Writes every byte of `data` to an open file (writeSync may write less than asked). */
export function writeFully(fd: number, data: Uint8Array): void {
  for (let done = 0; done < data.length; ) done += writeSync(fd, data, done, data.length - done);
}

/**
 * Replaces `path` with `text` atomically: readers see the old file or the new one, never a mix,
 * even after a power loss (the data is synced before the rename, the directory after it).
 */
export function writeFileAtomic(path: string, text: string): void {
  const temp = join(dirname(path), `.${basename(path)}.tmp-${process.pid}`);
  const fd = openSync(temp, 'w');
  try {
    writeFully(fd, Buffer.from(text, 'utf8'));
    fsyncSync(fd);
  } catch (error) {
    closeSync(fd);
    rmSync(temp, { force: true });
    throw error;
  }
  closeSync(fd);
  renameSync(temp, path);
  syncDirectory(dirname(path));
}

/** Makes a rename or a new file in `dir` durable; a no-op where directories cannot be synced. */
export function syncDirectory(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // Some platforms (Windows) refuse to open or sync a directory; the rename is still atomic there.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
