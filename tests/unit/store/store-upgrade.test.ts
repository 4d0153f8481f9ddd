// A store written by the code before migration 4 (items with their sanitised HTML, hashes over that HTML) and
// opened by this code must not see its unchanged items as changed: every story's <updated> would move and feed
// readers would show them all as updated.
import { mkdtempSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { generateCorpus, generatedStories } from '../../../tools/bench/generate-corpus.js';
import type { Item, ParsedFeed } from '../../../src/model.js';
import { normalizeFeed } from '../../../src/normalize/normalize-feed.js';
import { parseFeed } from '../../../src/parse/parse-feed.js';
import { MIGRATIONS } from '../../../src/store/migrations.js';
import { openStore } from '../../../src/store/open-store.js';

/** The hash the store computed before migration 4 (frozen copy of open-store.ts at 17b59a1): it covered contentHtml. */
function oldContentHash(item: Item): string {
  const h = createHash('sha256');
  for (const v of [item.guid, item.url, item.title, item.summary, item.contentHtml, item.published, item.updated, item.date, item.language, item.sourceId]) {
    h.update(v ?? '\u0000');
    h.update('\u0001');
  }
  h.update(JSON.stringify([item.authors, item.categories]));
  return h.digest('hex');
}

/** Writes `items` as the code before migration 4 did: schema 3, content_html, old hashes. */
function writeOldStore(path: string, items: readonly Item[], seenAt: string): void {
  const db = new Database(path);
  for (const [n, sql] of MIGRATIONS.slice(0, 3).entries()) {
    db.exec(sql);
    db.pragma(`user_version = ${n + 1}`);
  }
  const insert = db.prepare(
    `INSERT INTO items (id, source_id, guid, url, title, summary, content_html, content_text, authors, categories,
       published, updated, date, date_source, language, content_hash, first_seen_at, last_seen_at)
     VALUES (@id, @sourceId, @guid, @url, @title, @summary, @contentHtml, @contentText, @authors, @categories,
       @published, @updated, @date, @dateSource, @language, @hash, @seenAt, @seenAt)`,
  );
  db.transaction(() => {
    for (const item of items) {
      insert.run({ ...item, authors: JSON.stringify(item.authors), categories: JSON.stringify(item.categories), hash: oldContentHash(item), seenAt });
    }
  })();
  db.close();
}

const SOURCE = (id: string) => ({ id, name: id, url: `http://127.0.0.1/${id}` });

/** Feeds with HTML contents, authors, categories, and undated entries (dated by the fetch time, kept from the first run). */
function feeds(): { id: string; feed: ParsedFeed }[] {
  const { sources } = generateCorpus({ sources: 8, itemsPerSource: 20, pool: generatedStories(200, 3), seed: 3 });
  const out = sources.map((s) => ({ id: s.id, feed: parseFeed(s.document) }));
  out.push({
    id: 'undated',
    feed: {
      format: 'rss',
      entries: [
        { id: 'u1', title: { type: 'html', value: 'No date <b>here</b>' }, links: [{ href: '/u1' }], authors: [{ name: 'Ann' }], categories: ['x'], content: { type: 'html', value: '<p>Body <a href="/a">a</a></p>' } },
        { links: [], authors: [], categories: [], summary: { type: 'text', value: 'Neither id nor link nor title' } },
      ],
    },
  });
  return out;
}

const read = (fetchedAt: string, contentHtml: boolean): Item[] =>
  feeds().flatMap(({ id, feed }) => normalizeFeed(feed, SOURCE(id), { fetchedAt }, { contentHtml }).items);

describe('upgrading a store written with HTML and the old hashes', () => {
  it('reports no stored item as changed when the same items are read again without HTML', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'storyfeed-upgrade-')), 'state.db');
    const before = read('2025-06-01T00:00:00.000Z', true);
    expect(before.filter((i) => i.contentHtml !== '').length).toBeGreaterThan(150);
    expect(before.some((i) => i.dateSource === 'fetched')).toBe(true);
    writeOldStore(path, before, '2025-06-01T00:00:00.000Z');

    const store = openStore(path, feeds().map(({ id }) => SOURCE(id)));
    // A later fetch: the undated items get a new fetch date, which the store replaces by the first one.
    const result = store.upsertItems(read('2025-06-02T00:00:00.000Z', false), '2025-06-02T00:00:00.000Z');
    expect(result.inserted).toEqual([]);
    expect(result.changed).toEqual([]);
    // What was stored is still there (but the HTML).
    expect(store.getItems(before.map((i) => i.id))).toEqual(before.map((i) => ({ ...i, sourceName: i.sourceId, contentHtml: '' })));

    // A real change is still seen after the upgrade: a corrected title, or an edited article text.
    const next = read('2025-06-03T00:00:00.000Z', false);
    next[0] = { ...next[0]!, title: `${next[0]!.title} (corrected)` };
    next[1] = { ...next[1]!, contentText: `${next[1]!.contentText} Update: a correction.` };
    expect(store.upsertItems(next, '2025-06-03T00:00:00.000Z').changed.map((i) => i.id)).toEqual([next[0]!.id, next[1]!.id]);
    store.close();

    // The HTML is gone from the file, not only from what the store returns.
    const db = new Database(path);
    expect((db.prepare(`SELECT name FROM pragma_table_info('items')`).all() as { name: string }[]).map((c) => c.name)).not.toContain('content_html');
    expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    db.close();
  });

  it('gives a migrated item the hash a new store gives the same item', () => {
    const dir = mkdtempSync(join(tmpdir(), 'storyfeed-upgrade-'));
    const items = read('2025-06-01T00:00:00.000Z', true);
    writeOldStore(join(dir, 'old.db'), items, '2025-06-01T00:00:00.000Z');
    openStore(join(dir, 'old.db')).close();
    const fresh = openStore(join(dir, 'new.db'));
    fresh.upsertItems(items.map((i) => ({ ...i, contentHtml: '' })), '2025-06-01T00:00:00.000Z');
    fresh.close();
    const hashes = (file: string) => new Database(join(dir, file)).prepare(`SELECT id, content_hash FROM items ORDER BY id`).all();
    const migrated = hashes('old.db');
    expect(migrated).toHaveLength(items.length);
    expect(migrated).toEqual(hashes('new.db'));
  });
});
