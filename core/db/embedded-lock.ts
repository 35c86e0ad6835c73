import { join, resolve } from 'node:path';
import { lockSync } from 'proper-lockfile';
import { BootError } from '../boot-error.ts';

/**
 * The embedded database is files that one process owns: PGlite has no server to arbitrate, and a
 * second process on the same folder would read and write behind the first one's back (a key it
 * creates is invisible to the server and lost at the next restart). So the process that opens
 * the folder holds a lock on it until it closes, and any other process refuses to start.
 *
 * proper-lockfile keeps the lock fresh while this process lives and treats it as stale a few
 * seconds after a crash; it also releases it on exit.
 */
export function lockEmbeddedDatabase(dataDir: string): () => void {
  try {
    const release = lockSync(dataDir, { lockfilePath: join(dataDir, 'gateway.lock') });
    let released = false;
    return () => {
      if (!released) release();
      released = true;
    };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ELOCKED') throw error;
    throw new BootError({
      problem: `the embedded database in ${resolve(dataDir)} is in use by another gateway process`,
      fix:
        'stop that process (Ctrl-C in its terminal), run this command, then start the gateway again; ' +
        'the embedded database accepts one process at a time (use DATABASE_URL for several)',
    });
  }
}
