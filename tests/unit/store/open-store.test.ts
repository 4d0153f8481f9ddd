import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { StoreError } from '../../../src/lib/errors.js';
import { openStore } from '../../../src/store/open-store.js';
import { MIGRATIONS } from '../../../src/store/migrations.js';
import { makeItem } from '../../support/make-item.js';

const sources = [{ id: 'src', name: 'Source', url: '/x.xml' }];

describe('openStore', () => {
  it('creates and migrates a new database file, and reopens it', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'storyfeed-store-')), 'nested', 'state.db');
    const store = openStore(path, sources);
    store.upsertItems([makeItem({ id: 'a' })], '2026-01-01T00:00:00.000Z');
    store.close();
    const again = openStore(path, sources);
    expect(again.countItems()).toBe(1);
    again.close();
    const db = new Database(path);
    expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    // The long text columns last (migration 6): a query of dates or hashes never walks a row's overflow pages.
    const columns = (db.pragma('table_info(items)') as { name: string }[]).map((c) => c.name);
    expect(columns.slice(-5)).toEqual(['title', 'summary', 'authors', 'categories', 'content_text']);
    expect(columns.indexOf('first_seen_at')).toBeLessThan(columns.indexOf('title'));
    db.close();
  });

  it('keeps on items only the indexes its queries use, also in a store written before migration 5', () => {
    const indexesOf = (db: Database.Database) =>
      (
        db
          .prepare(
            `SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'items' AND sql IS NOT NULL ORDER BY name`,
          )
          .all() as { name: string }[]
      ).map((r) => r.name);
    const fresh = openStore(':memory:', sources);
    fresh.close();
    const path = join(mkdtempSync(join(tmpdir(), 'storyfeed-store-')), 'state.db');
    const old = new Database(path);
    // Migration 4 recomputes hashes with a function open-store.ts registers; there are no rows to hash here.
    old.function('storyfeed_item_hash', { varargs: true }, () => '');
    for (const [n, sql] of MIGRATIONS.slice(0, 4).entries()) {
      old.exec(sql);
      old.pragma(`user_version = ${n + 1}`);
    }
    expect(indexesOf(old)).toEqual(['items_date', 'items_source']);
    old.close();
    const upgraded = openStore(path, sources);
    upgraded.upsertItems([makeItem({ id: 'a' })], '2026-01-01T00:00:00.000Z');
    expect(upgraded.getItems(['a']).map((i) => i.id)).toEqual(['a']);
    upgraded.close();
    const db = new Database(path);
    expect(indexesOf(db)).toEqual(['items_date']);
    expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    // Every query the store makes of items by anything but its id goes through items_date.
    const plan = (sql: string) =>
      (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all('x') as { detail: string }[]).map((r) => r.detail).join(' | ');
    expect(plan(`SELECT id FROM items WHERE date < ? AND id NOT IN (SELECT item_id FROM story_members)`)).toContain(
      'USING INDEX items_date',
    );
    expect(
      plan(`SELECT MAX(date) AS d FROM items WHERE date_source IN ('published', 'updated') AND ? IS NOT NULL`),
    ).toContain('USING INDEX items_date');
    db.close();
  });

  it('refuses a database from a newer schema', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'storyfeed-store-')), 'state.db');
    const db = new Database(path);
    db.pragma(`user_version = ${MIGRATIONS.length + 1}`);
    db.close();
    expect(() => openStore(path)).toThrow(StoreError);
  });

  it('tells inserted, changed and unchanged items apart', () => {
    const store = openStore(':memory:', sources);
    const first = store.upsertItems([makeItem({ id: 'a' }), makeItem({ id: 'b' })], '2026-01-01T00:00:00.000Z');
    expect(first.inserted.map((i) => i.id)).toEqual(['a', 'b']);
    const second = store.upsertItems(
      [makeItem({ id: 'a' }), makeItem({ id: 'b', title: 'Corrected' }), makeItem({ id: 'c' })],
      '2026-01-02T00:00:00.000Z',
    );
    expect(second.inserted.map((i) => i.id)).toEqual(['c']);
    expect(second.changed.map((i) => i.id)).toEqual(['b']);
    expect(store.getItems(['b'])[0]!.title).toBe('Corrected');
    expect(store.getItems(['b'])[0]!.sourceName).toBe('Source');
  });

  it('does not store HTML, and an item whose HTML alone differs is unchanged; one whose text differs is changed', () => {
    const store = openStore(':memory:', sources);
    store.upsertItems([makeItem({ id: 'a', contentHtml: '<p>x</p>', contentText: 'x' })], '2026-01-01T00:00:00.000Z');
    const again = store.upsertItems(
      [makeItem({ id: 'a', contentHtml: '', contentText: 'x' })],
      '2026-01-02T00:00:00.000Z',
    );
    expect(again).toEqual({ inserted: [], changed: [] });
    const edited = store.upsertItems(
      [makeItem({ id: 'a', contentHtml: '', contentText: 'x, corrected' })],
      '2026-01-03T00:00:00.000Z',
    );
    expect(edited.changed.map((i) => i.id)).toEqual(['a']);
    expect(store.getItems(['a'])[0]).toMatchObject({ contentHtml: '', contentText: 'x, corrected' });
  });

  it('keeps the first-seen date of an undated item', () => {
    const store = openStore(':memory:', sources);
    const undated = (at: string) => makeItem({ id: 'u', published: null, date: at, dateSource: 'fetched' });
    store.upsertItems([undated('2026-01-01T00:00:00.000Z')], '2026-01-01T00:00:00.000Z');
    const again = store.upsertItems([undated('2026-01-02T00:00:00.000Z')], '2026-01-02T00:00:00.000Z');
    expect(again.changed).toEqual([]);
    expect(store.getItems(['u'])[0]!.date).toBe('2026-01-01T00:00:00.000Z');
  });

  it('round-trips items and stories with their members', () => {
    const store = openStore(':memory:', sources);
    const item = makeItem({
      id: 'a',
      authors: ['Ann', 'Bo'],
      categories: ['music'],
      summary: 's',
      contentHtml: '<p>x</p>',
      contentText: 'x',
    });
    store.upsertItems([item, makeItem({ id: 'b' })], '2026-01-01T00:00:00.000Z');
    // Every field but the HTML: the store keeps an article's plain text only (docs/store.md).
    expect(store.getItems(['a'])[0]).toEqual({ ...item, contentHtml: '' });
    store.saveStories(
      [
        {
          id: 's1',
          representativeItemId: 'a',
          published: 'p',
          updated: 'u',
          members: [
            { itemId: 'a', score: 1, terms: [] },
            { itemId: 'b', score: 0.5, terms: ['x', 'y'] },
          ],
        },
      ],
      '2026-01-01T00:00:00.000Z',
    );
    expect(store.liveStories()).toEqual([
      {
        id: 's1',
        representativeItemId: 'a',
        published: 'p',
        updated: 'u',
        members: [
          { itemId: 'a', score: 1, terms: [] },
          { itemId: 'b', score: 0.5, terms: ['x', 'y'] },
        ],
      },
    ]);
  });

  it('finds the items in no story, also when as many members as items are stored but one member lost its item', () => {
    const day = '2026-01-02T00:00:00.000Z';
    const story = (id: string, itemIds: string[]) => ({
      id,
      representativeItemId: itemIds[0]!,
      published: day,
      updated: day,
      members: itemIds.map((itemId) => ({ itemId, score: 1, terms: [] })),
    });
    const strays = (stories: ReturnType<typeof story>[]) => {
      const store = openStore(':memory:', sources);
      store.upsertItems(
        ['a', 'b', 'c'].map((id) => makeItem({ id, date: day, published: day, dateSource: 'published' })),
        '2026-01-01T00:00:00.000Z',
      );
      store.saveStories(stories, day);
      const found = store.itemsInNoStory('2026-01-01T00:00:00.000Z', 'this run').map((k) => k.id);
      store.close();
      return found;
    };
    expect(strays([story('s1', ['a', 'b'])])).toEqual(['c']);
    expect(strays([story('s1', ['a', 'b', 'c'])])).toEqual([]);
    // Three members and three items, but member `gone` has no item: `c` is in no story.
    expect(strays([story('s1', ['a', 'b']), story('s2', ['gone'])])).toEqual(['c']);
  });

  it('keeps per-source fetch state', () => {
    const store = openStore(':memory:', sources);
    expect(store.getSourceState('src')).toMatchObject({ id: 'src', consecutiveFailures: 0, lastStatus: null });
    store.saveSourceState({
      ...store.getSourceState('src')!,
      lastStatus: 'failed',
      lastError: 'boom',
      consecutiveFailures: 2,
    });
    expect(store.getSourceState('src')).toMatchObject({
      lastStatus: 'failed',
      lastError: 'boom',
      consecutiveFailures: 2,
    });
    expect(store.getSourceState('nope')).toBeNull();
  });
});

describe('retired stories', () => {
  it('are not live any more and resolve to the story they were merged into', () => {
    const store = openStore(':memory:', sources);
    store.upsertItems([makeItem({ id: 'a' }), makeItem({ id: 'b' })], '2026-01-01T00:00:00.000Z');
    const story = (id: string, items: string[]) => ({
      id,
      representativeItemId: items[0]!,
      published: 'p',
      updated: 'u',
      members: items.map((itemId) => ({ itemId, score: 1, terms: [] })),
    });
    store.saveStories([story('old', ['a']), story('new', ['b'])], '2026-01-01T00:00:00.000Z');
    store.saveStories([story('old', ['a', 'b'])], '2026-01-02T00:00:00.000Z');
    store.retireStory('new', 'old');
    expect(store.liveStories().map((s) => [s.id, s.members.map((m) => m.itemId)])).toEqual([['old', ['a', 'b']]]);
    expect(store.resolveStoryId('new')).toBe('old');
    expect(store.resolveStoryId('old')).toBe('old');
    expect(store.resolveStoryId('nope')).toBeNull();
  });
});

describe('liveStoriesSince', () => {
  it('returns stories changed since the cutoff, plus those holding the given items', () => {
    const store = openStore(':memory:', sources);
    store.upsertItems(
      [makeItem({ id: 'a' }), makeItem({ id: 'b' }), makeItem({ id: 'c' })],
      '2026-01-01T00:00:00.000Z',
    );
    const story = (id: string, item: string, updated: string) => ({
      id,
      representativeItemId: item,
      published: updated,
      updated,
      members: [{ itemId: item, score: 1, terms: [] }],
    });
    store.saveStories(
      [
        story('old', 'a', '2015-01-01T00:00:00.000Z'),
        story('recent', 'b', '2015-03-01T00:00:00.000Z'),
        story('older', 'c', '2014-01-01T00:00:00.000Z'),
      ],
      '2026-01-01T00:00:00.000Z',
    );
    expect(store.liveStoriesSince('2015-02-01T00:00:00.000Z', []).map((s) => s.id)).toEqual(['recent']);
    expect(
      store
        .liveStoriesSince('2015-02-01T00:00:00.000Z', ['c'])
        .map((s) => s.id)
        .sort(),
    ).toEqual(['older', 'recent']);
    expect(store.liveStoriesSince('9999', ['a'])[0]!.members.map((m) => m.itemId)).toEqual(['a']);
  });
});

describe('openStore while a run holds the write lock', () => {
  it('opens without writing when the sources are unchanged, so read-only commands do not wait for the run', () => {
    const dir = mkdtempSync(join(tmpdir(), 'storyfeed-lock-'));
    const path = join(dir, 'state.db');
    const feeds = [{ id: 'a', name: 'A', url: 'https://a.example/feed' }];
    const run = openStore(path, feeds);
    run.begin(); // a run's read phase: one write transaction for minutes
    try {
      const started = performance.now();
      const reader = openStore(path, feeds);
      expect(reader.getSourceState('a')?.name).toBe('A');
      reader.close();
      expect(performance.now() - started).toBeLessThan(4_000); // busy_timeout is 5 s: it did not wait for the lock
      // A changed source must be written, which needs the lock.
      expect(() => openStore(path, [{ ...feeds[0]!, name: 'A renamed' }]).close()).toThrow();
    } finally {
      run.rollback();
      run.close();
    }
  }, 20_000);
});
