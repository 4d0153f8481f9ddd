import Database from 'better-sqlite3';
import { StoreError, type StoreErrorCode } from '../lib/errors.js';

/**
 * Returns `error` (anything SQLite or the file system threw while the state database at `path` was used) as a
 * StoreError whose one-line message says what happened and what to do; a StoreError is returned as it is.
 */
export function storeErrorFrom(error: unknown, path: string): StoreError {
  if (error instanceof StoreError) return error;
  const code = error instanceof Database.SqliteError ? error.code : ((error as NodeJS.ErrnoException | null)?.code ?? '');
  const reason = error instanceof Error ? error.message : String(error);
  const [storeCode, message] = describe(code, path, reason);
  return new StoreError(storeCode, message, { cause: error });
}

function describe(code: string, path: string, reason: string): [StoreErrorCode, string] {
  if (code === 'SQLITE_FULL' || code === 'ENOSPC') {
    return ['store/disk-full', `the disk holding the state database ${path} is full (nothing of this run was kept): free some space and run again`];
  }
  if (code.startsWith('SQLITE_READONLY') || code === 'EROFS' || code === 'EACCES' || code === 'EPERM') {
    return ['store/read-only', `the state database ${path} cannot be written (${reason}): give the user running storyfeed write access to it and its folder`];
  }
  if (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB') {
    return ['store/corrupt', `the state database ${path} is damaged (${reason}): restore it from a backup, or move it aside to start with an empty one (its history is then lost)`];
  }
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
    return ['store/busy', `the state database ${path} is locked by another program (${reason}): close it (an sqlite3 shell, a backup tool) and run again`];
  }
  if (code.startsWith('SQLITE_IOERR') || code.startsWith('SQLITE_CANTOPEN') || code === 'EIO') {
    return ['store/io', `cannot read or write the state database ${path} (${reason}): check the disk and the path in store.path`];
  }
  return ['store/failed', `the state database ${path} failed (${reason})`];
}

/** Returns `error` as a StoreError when SQLite threw it, else `error` itself (for a catch that sees every stage's errors). */
export function withStoreErrorsTyped(error: unknown, path: string): unknown {
  return error instanceof Database.SqliteError ? storeErrorFrom(error, path) : error;
}
