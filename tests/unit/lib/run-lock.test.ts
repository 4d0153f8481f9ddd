import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LockError, StoryfeedError } from '../../../src/lib/errors.js';
import { acquireRunLock } from '../../../src/lib/run-lock.js';

const lockPath = () => join(mkdtempSync(join(tmpdir(), 'storyfeed-lock-')), 'state', 'db.lock');

describe('acquireRunLock', () => {
  it('creates the lock and removes it on release', () => {
    const path = lockPath();
    const lock = acquireRunLock(path);
    expect(existsSync(path)).toBe(true);
    lock.release();
    expect(existsSync(path)).toBe(false);
  });

  it('refuses while a live process holds it', () => {
    const path = lockPath();
    const lock = acquireRunLock(path);
    // Our parent is alive and is not us: it stands in for the other storyfeed process.
    writeFileSync(path, JSON.stringify({ pid: process.ppid, startedAt: 'x' }));
    expect(() => acquireRunLock(path)).toThrow(LockError);
    try {
      acquireRunLock(path);
    } catch (error) {
      expect((error as LockError).code).toBe('lock/held');
    }
    lock.release(); // not ours any more: must leave the other process's lock in place
    expect(existsSync(path)).toBe(true);
  });

  it('takes over a stale lock left by a dead process', () => {
    const path = lockPath();
    acquireRunLock(path); // never released, as after a kill -9
    writeFileSync(path, JSON.stringify({ pid: 2 ** 22 + 12345, startedAt: 'x' }));
    const lock = acquireRunLock(path);
    lock.release();
    expect(existsSync(path)).toBe(false);
  });

  it('takes over a lock whose pid now belongs to a process started later (pid reused, Linux /proc)', () => {
    if (!existsSync(`/proc/${process.ppid}/stat`)) return; // no /proc: pid liveness only
    const path = lockPath();
    acquireRunLock(path).release();
    // Our parent is alive, but did not start at clock tick 1: the holder that wrote this lock is gone.
    writeFileSync(path, JSON.stringify({ pid: process.ppid, started: '1', startedAt: 'x' }));
    const lock = acquireRunLock(path);
    expect(JSON.parse(readFileSync(path, 'utf8')).pid).toBe(process.pid);
    lock.release();
  });

  it('an unwritable lock folder is an I/O error (exit 1), not "another run holds the lock" (exit 75)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'storyfeed-lock-'));
    writeFileSync(join(dir, 'state'), 'a file where the folder should be');
    let caught: unknown;
    try {
      acquireRunLock(join(dir, 'state', 'db.lock'));
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(StoryfeedError);
    expect(caught).not.toBeInstanceOf(LockError);
    expect((caught as StoryfeedError).code).toBe('lock/io');
  });

  it('never leaves a half-written lock: the file appears with its holder in it', () => {
    const path = lockPath();
    const lock = acquireRunLock(path);
    expect(JSON.parse(readFileSync(path, 'utf8'))).toMatchObject({ pid: process.pid });
    lock.release();
  });
});
