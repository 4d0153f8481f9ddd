import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { StoreError } from '../../../src/lib/errors.js';
import { openStore } from '../../../src/store/open-store.js';
import { storeErrorFrom } from '../../../src/store/store-error.js';
import { makeItem } from '../../support/make-item.js';

const tempDir = () => mkdtempSync(join(tmpdir(), 'storyfeed-store-err-'));

function openError(path: string): StoreError {
  try {
    openStore(path).close();
  } catch (error) {
    expect(error).toBeInstanceOf(StoreError);
    return error as StoreError;
  }
  throw new Error('openStore did not fail');
}

describe('store errors (issue #15)', () => {
  it('refuses a 0-byte database instead of starting afresh, and says how to recover', () => {
    const path = join(tempDir(), 'state.db');
    writeFileSync(path, '');
    const error = openError(path);
    expect(error.code).toBe('store/empty');
    expect(error.message).toMatch(/restore it from a backup, or delete it/);
    expect(error.message).not.toContain('\n');
  });

  it('refuses a file that is not a database as damaged, with the fix', () => {
    const path = join(tempDir(), 'state.db');
    writeFileSync(path, 'this is not an SQLite file, but it is long enough to have a header and more text after it'.repeat(20));
    const error = openError(path);
    expect(error.code).toBe('store/corrupt');
    expect(error.message).toMatch(/restore it from a backup, or move it aside/);
    expect(error.message).not.toContain('\n');
  });

  it('creates a new database whole: no temporary file is left, and it opens again', () => {
    const dir = tempDir();
    const path = join(dir, 'state.db');
    const store = openStore(path);
    store.upsertItems([makeItem({ id: 'a' })], '2026-01-01T00:00:00.000Z');
    store.close();
    expect(readdirSync(dir).filter((f) => f.includes('.new-'))).toEqual([]);
    const again = openStore(path);
    expect(again.countItems()).toBe(1);
    again.close();
  });

  it.each([
    ['SQLITE_FULL', 'store/disk-full', /free some space/],
    ['SQLITE_READONLY_DBMOVED', 'store/read-only', /write access/],
    ['SQLITE_CORRUPT', 'store/corrupt', /restore it from a backup/],
    ['SQLITE_NOTADB', 'store/corrupt', /move it aside/],
    ['SQLITE_IOERR_WRITE', 'store/io', /check the disk/],
    ['SQLITE_BUSY', 'store/busy', /run again/],
  ])('%s becomes %s with a one-line fix', (sqliteCode, code, fix) => {
    const error = storeErrorFrom(new Database.SqliteError('low-level message', sqliteCode), '/var/lib/storyfeed/state.db');
    expect(error.code).toBe(code);
    expect(error.message).toMatch(fix);
    expect(error.message).toContain('/var/lib/storyfeed/state.db');
    expect(error.message).not.toContain('\n');
  });
});
