import { mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { LockError } from './errors.js';

/** A held lock; `release` removes the lock file if it is still ours. */
export interface RunLock {
  path: string;
  release(): void;
}

/**
 * Takes the run lock (a file holding our pid), so a cron run and a daemon never run the pipeline
 * at once. A lock left by a process that no longer exists (killed run) is taken over.
 */
export function acquireRunLock(path: string, pid: number = process.pid): RunLock {
  mkdirSync(dirname(path), { recursive: true });
  const body = JSON.stringify({ pid, startedAt: new Date().toISOString() });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(path, body, { flag: 'wx' });
      return {
        path,
        release() {
          try {
            if (readFileSync(path, 'utf8') === body) unlinkSync(path);
          } catch {
            // Already gone (removed by hand): nothing to release.
          }
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new LockError('lock/failed', `cannot create the lock file ${path}: ${(error as Error).message}`, { cause: error });
      }
      const holder = readHolder(path);
      if (holder !== null && holder !== pid && isAlive(holder)) {
        throw new LockError('lock/held', `another storyfeed run (pid ${holder}) is in progress (lock file ${path})`);
      }
      // Stale lock from a process that died: remove it and try once more.
      try {
        unlinkSync(path);
      } catch {
        // Someone else removed it first; the retry decides who wins.
      }
    }
  }
  throw new LockError('lock/held', `another storyfeed run is in progress (lock file ${path})`);
}

function readHolder(path: string): number | null {
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as { pid?: unknown };
    return typeof parsed.pid === 'number' ? parsed.pid : null;
  } catch {
    return null; // unreadable or half-written lock: treat as stale
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
