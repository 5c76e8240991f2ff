/**
 * The spool directory's lock (spool.ts): a `LOCK` file holding the pid of the process
 * using the directory. A second live user is refused — another process, or another spool
 * in this one — and the lock of a process that is gone is taken over.
 */
import { join } from 'node:path';
import type { SpoolFs } from './spool-fs.ts';

/** Thrown when another live process (or another spool in this one) uses the directory. */
export class SpoolLockedError extends Error {
  readonly code = 'ELOCKED';
}

/** Directories locked by a spool of this process (a second spool on one is refused). */
const lockedHere = new Set<string>();

/** Takes the lock of `directory` (absolute). Rejects with `SpoolLockedError` or a disk error. */
export async function lockDirectory(fs: SpoolFs, directory: string): Promise<void> {
  if (lockedHere.has(directory)) {
    throw new SpoolLockedError(`spool directory ${directory} is in use by this process`);
  }
  const lockPath = join(directory, 'LOCK');
  for (let attempt = 0; ; attempt += 1) {
    try {
      const file = await fs.open(lockPath, 'wx');
      try {
        const pid = Buffer.from(`${process.pid}\n`);
        await file.write(pid, 0, pid.length, null);
      } finally {
        await file.close();
      }
      lockedHere.add(directory);
      return;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) throw err;
    }
    const owner = Number.parseInt(
      (await fs.readFile(lockPath).catch(() => Buffer.from(''))).toString(),
      10,
    );
    if (Number.isInteger(owner) && owner !== process.pid && isAlive(owner)) {
      throw new SpoolLockedError(
        `spool directory ${directory} is in use by process ${owner} (${lockPath})`,
      );
    }
    await fs.unlink(lockPath).catch(() => undefined); // stale: its process is gone
  }
}

/** Releases the lock of `directory` if this process holds it. Never rejects. */
export async function unlockDirectory(fs: SpoolFs, directory: string): Promise<void> {
  if (!lockedHere.delete(directory)) return;
  await fs.unlink(join(directory, 'LOCK')).catch(() => undefined);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
