import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { StoreError } from '../../../src/lib/errors.js';
import { openStore } from '../../../src/store/open-store.js';
import { makeItem } from '../../support/make-item.js';

// A run's first store (no database yet) is built aside and moved into place by its commit (issue #16).
const sources = [{ id: 'src', name: 'Source', url: 'https://example.com/feed' }];
const at = '2026-01-01T00:00:00.000Z';

function freshPath(): string {
  return join(mkdtempSync(join(tmpdir(), 'storyfeed-aside-')), 'state.db');
}

/** The files next to the database, sorted. */
function filesBeside(path: string): string[] {
  return readdirSync(join(path, '..')).sort();
}

describe('openStore { buildAside }', () => {
  it('builds a missing database under another name, and the commit puts it in place, whole and readable', () => {
    const path = freshPath();
    const store = openStore(path, sources, { buildAside: true });
    store.begin();
    store.upsertItems([makeItem({ id: 'a', sourceId: 'src' }), makeItem({ id: 'b', sourceId: 'src' })], at);
    // Nothing at the database's name until the commit; no WAL or journal file beside the one being built.
    expect(filesBeside(path)).toEqual([`state.db.new-${process.pid}-run`]);
    store.commit();
    expect(filesBeside(path)).toEqual(['state.db']);
    // The run's connection still reads it, and another one too.
    expect(store.countItems()).toBe(2);
    store.close();
    const other = new Database(path, { fileMustExist: true });
    expect(other.pragma('integrity_check', { simple: true })).toBe('ok');
    other.close();
    const next = openStore(path, sources, { buildAside: true });
    expect(next.getItems(['a', 'b']).map((i) => i.id)).toEqual(['a', 'b']);
    // An existing database is opened in place, in WAL mode, as before.
    expect(filesBeside(path)).toContain('state.db-wal');
    next.close();
  });

  it('leaves nothing behind when the run fails before its commit (the store as it was: none)', () => {
    const path = freshPath();
    const store = openStore(path, sources, { buildAside: true });
    store.begin();
    store.upsertItems([makeItem({ id: 'a', sourceId: 'src' })], at);
    store.rollback();
    store.close();
    expect(filesBeside(path)).toEqual([]);
  });

  it('removes a build a killed run left behind, and keeps one a live process is making', () => {
    const path = freshPath();
    // A pid that is not running: the largest Linux allows is 2^22.
    writeFileSync(`${path}.new-4194304-run`, 'half built');
    writeFileSync(`${path}.new-4194305`, 'half made by createDatabase');
    writeFileSync(`${path}.new-${process.ppid}-run`, 'being built');
    const store = openStore(path, sources, { buildAside: true });
    store.close();
    expect(filesBeside(path)).toEqual([`state.db.new-${process.ppid}-run`]);
  });

  it('never replaces a database another command made meanwhile: store/busy, and the build is removed', () => {
    const path = freshPath();
    const store = openStore(path, sources, { buildAside: true });
    store.begin();
    store.upsertItems([makeItem({ id: 'mine', sourceId: 'src' })], at);
    const meanwhile = openStore(path, sources); // e.g. `storyfeed sources` while the first run reads its feeds
    meanwhile.close();
    let thrown: unknown;
    try {
      store.commit();
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(StoreError);
    expect((thrown as StoreError).code).toBe('store/busy');
    store.rollback();
    store.close();
    expect(existsSync(`${path}.new-${process.pid}-run`)).toBe(false);
    const kept = openStore(path, sources);
    expect(kept.countItems()).toBe(0);
    kept.close();
  });
});
