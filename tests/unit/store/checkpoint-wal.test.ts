import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { checkpointWal } from '../../../src/store/checkpoint-wal.js';
import { openStore } from '../../../src/store/open-store.js';
import { makeItem } from '../../support/make-item.js';

// The WAL checkpoint after a run's commit (issue #16). The worker is the compiled dist/store/checkpoint-worker.js
// (tests/global-setup.ts builds dist/ before the suite); the stand-ins are in tests/fixtures/store/.
const ROOT = resolve(import.meta.dirname, '..', '..', '..');
const WORKER = pathToFileURL(join(ROOT, 'dist', 'store', 'checkpoint-worker.js'));
const FIXTURES = join(ROOT, 'tests', 'fixtures', 'store');

/** A database in WAL mode whose last transaction (~2 MB) is committed but still in the WAL, not in the file. */
function committedInWal(): { path: string; db: Database.Database } {
  const path = join(mkdtempSync(join(tmpdir(), 'storyfeed-ckpt-')), 'state.db');
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('wal_autocheckpoint = 0');
  db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT)');
  const insert = db.prepare('INSERT INTO t (body) VALUES (?)');
  db.transaction(() => {
    for (let i = 0; i < 500; i++) insert.run(`${i} `.padEnd(4_000, 'x'));
  })();
  return { path, db };
}

describe('checkpointWal', () => {
  it('copies a large WAL into the database on a worker thread, not on the calling one', async () => {
    const { path, db } = committedInWal();
    let calledHere = 0;
    const outcome = await checkpointWal(path, () => calledHere++, 1024, WORKER);
    expect(outcome).toEqual({ where: 'thread' });
    expect(calledHere).toBe(0);
    expect(statSync(path).size).toBeGreaterThan(2_000_000); // the rows are in the file now
    expect((db.prepare('SELECT COUNT(*) AS n FROM t').get() as { n: number }).n).toBe(500);
    db.close();
  }, 20_000);

  it('checkpoints a small WAL on the calling thread (a thread would cost more than the copy)', async () => {
    const { path, db } = committedInWal();
    const outcome = await checkpointWal(path, () => db.pragma('wal_checkpoint(PASSIVE)'), 64 * 1024 * 1024, WORKER);
    expect(outcome).toEqual({ where: 'here' });
    expect(statSync(path).size).toBeGreaterThan(2_000_000);
    db.close();
  });

  it.each([
    ['the worker file is missing', pathToFileURL(join(FIXTURES, 'no-such-worker.mjs'))],
    ['the worker answers it could not', pathToFileURL(join(FIXTURES, 'refusing-checkpoint-worker.mjs'))],
    ['the worker ends without a word', pathToFileURL(join(FIXTURES, 'dying-checkpoint-worker.mjs'))],
  ])(
    'checkpoints on the calling thread when %s',
    async (_name, url) => {
      const { path, db } = committedInWal();
      const outcome = await checkpointWal(path, () => db.pragma('wal_checkpoint(PASSIVE)'), 1024, url);
      expect(outcome).toEqual({ where: 'here' });
      expect(statSync(path).size).toBeGreaterThan(2_000_000);
      db.close();
    },
    20_000,
  );

  it('reports the error of a checkpoint that failed, and does not reject', async () => {
    const { path, db } = committedInWal();
    const outcome = await checkpointWal(
      path,
      () => {
        throw new Error('disk I/O error');
      },
      64 * 1024 * 1024,
      WORKER,
    );
    expect(outcome).toEqual({ where: 'here', error: 'disk I/O error' });
    db.close();
  });
});

describe('Store.commit and Store.checkpoint', () => {
  it('commit leaves the run in the WAL (readable), checkpoint moves it into the file', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'storyfeed-ckpt-')), 'state.db');
    const store = openStore(path, [{ id: 'a', name: 'A', url: 'https://a.example/feed' }]);
    store.begin();
    const at = '2026-01-01T00:00:00.000Z';
    const items = Array.from({ length: 300 }, (_, i) =>
      makeItem({ id: `item-${i}`, sourceId: 'a', contentText: 'word '.repeat(1_000), date: at }),
    );
    store.upsertItems(items, at);
    store.commit();
    const fileAfterCommit = statSync(path).size;
    expect(fileAfterCommit).toBeLessThan(1_000_000); // the ~1.5 MB of text is still in the WAL
    expect(store.getItemTexts(['item-7'])[0]!.contentText.length).toBe(5_000);
    const outcome = await store.checkpoint();
    expect(outcome.error).toBeUndefined();
    expect(statSync(path).size).toBeGreaterThan(1_500_000);
    store.close();
  }, 20_000);
});
