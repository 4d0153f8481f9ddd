import {
  linkSync,
  mkdirSync,
  openSync,
  closeSync,
  readFileSync,
  statSync,
  unlinkSync,
  writeFileSync,
  fsyncSync,
} from 'node:fs';
import { dirname } from 'node:path';
import { LockError, StoryfeedError } from './errors.js';

/** A held lock; `release` removes the lock file if it is still ours. */
export interface RunLock {
  path: string;
  release(): void;
}

/**
 * Who holds the lock: the pid, and the process's start time where the OS tells it (Linux), so a reused pid is not taken
 * for the holder.
 */
interface Holder {
  pid: number;
  /** Clock ticks since boot at which the process started (/proc/<pid>/stat field 22); null when unknown. */
  started: string | null;
  startedAt: string;
}

// A breaker file older than this was left by a process killed while it removed a stale lock (which takes microseconds).
const STALE_BREAKER_MS = 10_000;

/**
 * Takes the run lock, so a cron run and a daemon never run the pipeline at once, or throws LockError `lock/held`.
 * The lock file appears whole or not at all: it is written under a name of our own and then hard-linked to the lock
 * path, which the OS does only if nothing is there (as O_EXCL). A lock whose holder is gone (a killed run: no such
 * process, or its pid now belongs to a process started later) is removed under a second, O_EXCL-created breaker
 * file, after reading it again, so of several processes finding it stale only one removes it and the others see the
 * new holder. An I/O failure is a `lock/io` StoryfeedError, not "held".
 */
export function acquireRunLock(path: string, pid: number = process.pid): RunLock {
  const me: Holder = {
    pid,
    started: pid === process.pid ? processStart(pid) : null,
    startedAt: new Date().toISOString(),
  };
  const body = JSON.stringify(me);
  try {
    mkdirSync(dirname(path), { recursive: true });
  } catch (error) {
    throw ioError(`cannot create the folder of the lock file ${path}`, error);
  }
  for (let attempt = 0; attempt < 3; attempt++) {
    if (createWhole(path, body)) return held(path, body);
    const seen = readLock(path);
    if (seen === null) continue; // released meanwhile: try again
    const holder = parseHolder(seen);
    if (holder !== null && isRunning(holder)) {
      throw new LockError('lock/held', `another storyfeed run (pid ${holder.pid}) is in progress (lock file ${path})`);
    }
    removeStale(path, seen);
  }
  throw new LockError('lock/held', `another storyfeed run is in progress (lock file ${path})`);
}

function held(path: string, body: string): RunLock {
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
}

/** Creates `path` holding `body`, complete, if no file is there; returns false when one is. */
function createWhole(path: string, body: string): boolean {
  const temp = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}`;
  try {
    const fd = openSync(temp, 'wx');
    try {
      writeFileSync(fd, body);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    linkSync(temp, path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw ioError(`cannot create the lock file ${path}`, error);
  } finally {
    try {
      unlinkSync(temp);
    } catch {
      // Not created (the open failed): nothing to clean.
    }
  }
}

/** Removes the lock at `path` if it still holds `seen`, under the breaker file, so only one process removes it. */
function removeStale(path: string, seen: string): void {
  const breaker = `${path}.break`;
  let fd: number;
  try {
    fd = openSync(breaker, 'wx');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw ioError(`cannot create ${breaker}`, error);
    // Another process is removing the stale lock; a breaker left by a killed process is removed after a while.
    try {
      if (Date.now() - statSync(breaker).mtimeMs > STALE_BREAKER_MS) unlinkSync(breaker);
    } catch {
      // Gone already: the other process finished.
    }
    return;
  }
  try {
    if (readLock(path) === seen) unlinkSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT')
      throw ioError(`cannot remove the stale lock file ${path}`, error);
  } finally {
    closeSync(fd);
    unlinkSync(breaker);
  }
}

/** The lock file's text, or null when there is none. */
function readLock(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw ioError(`cannot read the lock file ${path}`, error);
  }
}

function parseHolder(text: string): Holder | null {
  try {
    const parsed = JSON.parse(text) as Partial<Holder>;
    if (typeof parsed.pid !== 'number') return null;
    return {
      pid: parsed.pid,
      started: typeof parsed.started === 'string' ? parsed.started : null,
      startedAt: String(parsed.startedAt ?? ''),
    };
  } catch {
    return null; // not written by storyfeed (the lock is created whole): nobody holds it
  }
}

/** Whether the holder's process still runs: its pid exists and, where known, started when the holder did. */
function isRunning(holder: Holder): boolean {
  if (!processExists(holder.pid)) return false;
  if (holder.started === null) return true;
  const now = processStart(holder.pid);
  return now === null || now === holder.started;
}

/** Whether a process `pid` exists (one of another user's too: EPERM), whatever it runs. */
export function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The start time of process `pid` in clock ticks since boot (Linux /proc), or null where there is no /proc. */
function processStart(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Field 2 (the command) may hold spaces and parentheses: count fields after its closing parenthesis.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[19] ?? null; // field 22 overall
  } catch {
    return null;
  }
}

function ioError(message: string, cause: unknown): StoryfeedError {
  return new StoryfeedError('lock', 'lock/io', `${message}: ${(cause as Error).message}`, { cause });
}
