import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LockError } from '../../../src/lib/errors.js';
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
});
