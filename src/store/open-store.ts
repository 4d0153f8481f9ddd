import {
  closeSync,
  existsSync,
  fsyncSync,
  linkSync,
  mkdirSync,
  openSync,
  readdirSync,
  renameSync,
  statSync,
  unlinkSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { StoreError } from '../lib/errors.js';
import { processExists } from '../lib/run-lock.js';
import type { Item, Source, Story, StoryMember, ViewItem } from '../model.js';
import { MIGRATIONS } from './migrations.js';
import { storeErrorFrom } from './store-error.js';

/** Per-source fetch state kept between runs. */
export interface SourceState {
  id: string;
  url: string;
  name: string;
  lastStatus: string | null;
  lastError: string | null;
  lastFetchedAt: string | null;
  lastSuccessAt: string | null;
  consecutiveFailures: number;
  etag: string | null;
  lastModified: string | null;
  bodyHash: string | null;
  /** Code of the last error (`fetch/timeout`…), null after a success. */
  lastErrorCode?: string | null;
  /** Items in the last document parsed. */
  itemCount?: number | null;
  /** ISO UTC: do not poll before this (back-off, Retry-After, the feed's ttl / max-age). */
  nextPollAt?: string | null;
  /** Why nextPollAt is set: 'back-off' | 'retry-after' | 'min-interval'. */
  nextPollReason?: string | null;
  /** A promoted permanent redirect: the URL fetched instead of the configured one… */
  fetchUrl?: string | null;
  /** …as long as the configured URL is still this one. */
  fetchUrlFrom?: string | null;
  /** A permanent redirect target seen on `redirectCount` consecutive polls, not yet promoted. */
  redirectUrl?: string | null;
  redirectCount?: number;
  /** The URL that answered 410 Gone: the source is disabled while it would still fetch this URL. */
  goneUrl?: string | null;
}

// Defaults for the optional SourceState fields, so callers that predate them still save a full row.
const SOURCE_STATE_DEFAULTS = {
  lastErrorCode: null,
  itemCount: null,
  nextPollAt: null,
  nextPollReason: null,
  fetchUrl: null,
  fetchUrlFrom: null,
  redirectUrl: null,
  redirectCount: 0,
  goneUrl: null,
} as const;

/** What upserting a batch of items did. */
export interface UpsertResult {
  /** Items never stored before, in input order. */
  inserted: Item[];
  /** Items stored before whose content changed (any field but contentHtml, which is not stored). */
  changed: Item[];
}

/** What a prune removed. */
export interface PruneResult {
  stories: number;
  items: number;
}

/** The fields of an item getItemTexts reads. */
export type ItemTextFields = Pick<
  Item,
  'id' | 'sourceId' | 'date' | 'published' | 'updated' | 'dateSource' | 'title' | 'summary' | 'contentText'
>;

/** The SQLite state: sources' fetch state, items, stories and their members. */
export interface Store {
  readonly path: string;
  upsertItems(items: Item[], seenAt: string): UpsertResult;
  /** Items by id; `contentHtml` is always '': the store keeps an article's plain text, not its HTML (docs/store.md). */
  getItems(ids: readonly string[]): Item[];
  /**
   * Items by id with only the fields the clusterer reads (ids, outlet, dates, plain text): no outlet name, authors or
   * categories to join and decode, for the tens of thousands of texts a cold run reads back.
   */
  getItemTexts(ids: readonly string[]): ItemTextFields[];
  /** Items by id as the renderers read them: every field but the plain text (ViewItem). */
  getItemViews(ids: readonly string[]): ViewItem[];
  allItems(): Item[];
  countItems(): number;
  /** Live (not retired) stories with their members in join order. */
  liveStories(): Story[];
  /** Live stories last changed at or after `since` (ISO), plus the live stories holding any of `itemIds`. */
  liveStoriesSince(since: string, itemIds: readonly string[]): Story[];
  /**
   * Live stories newest-changed first (updated desc, then id), `limit` of them after skipping `offset`, with their
   * members.
   */
  topStories(limit: number, offset?: number): Story[];
  getStories(ids: readonly string[]): Story[];
  /** Writes stories and their members (insert or replace), in one transaction. */
  saveStories(stories: Story[], joinedAt: string): void;
  /** Marks story `id` as retired into `into`; its members must already be saved under `into`. */
  retireStory(id: string, into: string): void;
  /** The story a retired id now lives in (following chains), or the id itself when live, or null when unknown. */
  resolveStoryId(id: string): string | null;
  /**
   * Keys (ids and dates) of items stored before `seenAt` that are in no story, dated at or after `cutoff` or
   * undated, oldest first: articles an earlier run stored but never grouped.
   */
  itemsInNoStory(cutoff: string, seenAt: string): Pick<Item, 'id' | 'date' | 'published' | 'updated' | 'dateSource'>[];
  /** The newest date an item carries of its own (not a fetch date), or null. */
  newestItemDate(): string | null;
  /**
   * Deletes stories last changed before `cutoff` with their items, and items in no story dated before it;
   * remembers pruned item ids (until `forgetBefore`) so an old article still listed by its feed is not taken as new.
   */
  prune(cutoff: string, forgetBefore: string): PruneResult;
  getSourceState(id: string): SourceState | null;
  saveSourceState(state: SourceState): void;
  transaction<T>(fn: () => T): T;
  /**
   * Opens a write transaction that may span asynchronous work (a run's read phase, storing each source as it
   * arrives): nothing is visible to readers, and a killed process leaves the database as it was, until
   * `commit`. `transaction` and the batch writes inside it become savepoints.
   */
  begin(): void;
  /** Commits the transaction `begin` opened; a database built aside (openStore's `buildAside`) then goes into place. */
  commit(): void;
  /** Rolls back the transaction `begin` opened; does nothing when none is open. */
  rollback(): void;
  close(): void;
}

interface ItemRow {
  id: string;
  source_id: string;
  guid: string | null;
  url: string | null;
  title: string;
  summary: string;
  content_text: string;
  authors: string;
  categories: string;
  published: string | null;
  updated: string | null;
  date: string | null;
  date_source: string;
  language: string | null;
  content_hash: string;
  first_seen_at: string;
  source_name: string | null;
}

/** How `openStore` opens the database. */
export interface OpenOptions {
  /**
   * A run's store (`runOnce`): a database that does not exist yet is built aside (`<path>.new-<pid>-run`), written
   * without a WAL or journal file, and moved into place by `commit`; see openStore.
   */
  buildAside?: boolean;
}

/**
 * Opens (creating and migrating as needed) the state database at `path` (':memory:' for tests).
 *
 * With `buildAside`, a missing database (a first run, a store deleted to start afresh) is made under another name and
 * written with its rollback journal in memory and no syncing until `commit`, which syncs the file and links it into
 * place (never over a database another command made meanwhile: `store/busy`). A first run's cold import is one large
 * transaction: in WAL mode it went through the WAL and was then copied and synced into the file by the checkpoint
 * (~80 MB twice for 15,000 articles); built aside it is written once (BENCHMARKS.md, session 8: −0.8 s for the store,
 * −0.9 s for the run). Nothing can see the file before `commit`, so nothing is lost by not syncing it: a run killed
 * before leaves it behind, and the next first run removes it; a run that fails removes it when it closes the store.
 */
export function openStore(
  path: string,
  sources: readonly Pick<Source, 'id' | 'name' | 'url'>[] = [],
  options: OpenOptions = {},
): Store {
  let db: Database.Database;
  // The file a missing database is being built in, until commit moves it into place.
  let aside: string | null = null;
  try {
    if (path !== ':memory:') {
      mkdirSync(dirname(path), { recursive: true });
      // Issue #15: a 0-byte file was silently made a new, empty database, and every story and article was gone.
      if (existsSync(path) && statSync(path).size === 0) {
        throw new StoreError(
          'store/empty',
          `the state database ${path} is empty (0 bytes), not a storyfeed database: restore it from a backup, or delete it to start afresh (its history is then lost)`,
        );
      }
      // A new database is made and migrated under another name and then renamed into place, so a run killed while
      // creating it leaves no 0-byte file behind (which the check above would refuse).
      if (!existsSync(path)) {
        if (options.buildAside) {
          removeAbandonedBuilds(path);
          // A name of its own, apart from createDatabase's `<path>.new-<pid>`.
          aside = `${path}.new-${process.pid}-run`;
        } else createDatabase(path);
      }
    }
    if (aside !== null) {
      db = new Database(aside);
      // Only this connection ever opens it: no WAL, the rollback journal in memory, one lock held throughout.
      db.pragma('journal_mode = MEMORY');
      db.pragma('synchronous = OFF');
      db.pragma('locking_mode = EXCLUSIVE');
    } else {
      db = new Database(path, { fileMustExist: path !== ':memory:' });
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
    }
    db.pragma('busy_timeout = 5000');
    // SQLite's own default page cache (2 MB) rather than better-sqlite3's 16 MB: a cold run's one transaction fills
    // any cache and spills to the WAL either way, and 14 MB less is kept (issue #16; BENCHMARKS.md session 6).
    db.pragma('cache_size = -2000');
    // A run writes its whole read phase in one transaction, so the WAL grows to what the run wrote (2.3 GB for a cold
    // import of 200,000 items); after the commit's checkpoint it is cut back to 64 MB instead of staying that size.
    db.pragma('journal_size_limit = 67108864');
    migrate(db);
  } catch (error) {
    discardAside(db!, aside);
    throw storeErrorFrom(error, path);
  }

  // Source names live in config; keep a copy so items read back carry their outlet's current name.
  const upsertSource = db.prepare(
    `INSERT INTO sources (id, url, name) VALUES (@id, @url, @name)
     ON CONFLICT(id) DO UPDATE SET url = excluded.url, name = excluded.name`,
  );
  // Only rows that differ are written: a read-only command (`sources`, `explain`) opened while a run holds the
  // write lock for its read phase then never waits for it.
  const known = new Map(
    (db.prepare(`SELECT id, url, name FROM sources`).all() as { id: string; url: string; name: string }[]).map((r) => [
      r.id,
      r,
    ]),
  );
  const stale = sources.filter((s) => known.get(s.id)?.url !== s.url || known.get(s.id)?.name !== s.name);
  if (stale.length > 0)
    db.transaction(() => stale.forEach((s) => upsertSource.run({ id: s.id, url: s.url, name: s.name })))();

  const selectHash = db.prepare(`SELECT content_hash, date, date_source FROM items WHERE id = ?`);
  const selectPruned = db.prepare(`SELECT 1 FROM pruned_items WHERE id = ?`);
  const insertItem = db.prepare(
    `INSERT INTO items (id, source_id, guid, url, title, summary, content_text, authors, categories,
       published, updated, date, date_source, language, content_hash, first_seen_at, last_seen_at)
     VALUES (@id, @source_id, @guid, @url, @title, @summary, @content_text, @authors, @categories,
       @published, @updated, @date, @date_source, @language, @content_hash, @seen_at, @seen_at)`,
  );
  const updateItem = db.prepare(
    `UPDATE items SET guid=@guid, url=@url, title=@title, summary=@summary, content_text=@content_text, authors=@authors,
       categories=@categories, published=@published, updated=@updated, date=@date, date_source=@date_source, language=@language,
       content_hash=@content_hash, last_seen_at=@seen_at
     WHERE id=@id`,
  );
  const touchItem = db.prepare(`UPDATE items SET last_seen_at = ? WHERE id = ?`);
  const selectStory = db.prepare(`SELECT * FROM stories WHERE id = ?`);
  const selectMembers = db.prepare(`SELECT * FROM story_members WHERE story_id = ? ORDER BY position`);
  const selectLiveMembers = db.prepare(
    `SELECT m.story_id, m.item_id, m.score, m.terms FROM story_members m JOIN stories s ON s.id = m.story_id
     WHERE s.retired_into IS NULL ORDER BY m.story_id, m.position`,
  );
  const selectMembersIn = db.prepare(
    `SELECT story_id, item_id, score, terms FROM story_members WHERE story_id IN (SELECT value FROM json_each(?)) ORDER BY story_id, position`,
  );
  // Same order as run.ts selectStoryViews (updated desc, then id); BINARY collation = code-unit order for these ASCII
  // values.
  const selectTopStories = db.prepare(
    `SELECT * FROM stories WHERE retired_into IS NULL ORDER BY updated DESC, id ASC LIMIT ? OFFSET ?`,
  );
  const selectItemsIn = db.prepare(
    `SELECT i.*, s.name AS source_name FROM items i LEFT JOIN sources s ON s.id = i.source_id WHERE i.id IN (SELECT value FROM json_each(?))`,
  );
  const selectViewsIn = db.prepare(
    `SELECT i.id, i.source_id, i.guid, i.url, i.title, i.summary, i.authors, i.categories, i.published, i.updated,
       i.date, i.date_source, i.language, s.name AS source_name
     FROM items i LEFT JOIN sources s ON s.id = i.source_id WHERE i.id IN (SELECT value FROM json_each(?))`,
  );
  const countStoredItems = db.prepare(`SELECT count(*) FROM items`).pluck();
  const countMembersWithItem = db
    .prepare(`SELECT count(*) FROM story_members m WHERE EXISTS (SELECT 1 FROM items i WHERE i.id = m.item_id)`)
    .pluck();
  const selectTextsIn = db.prepare(
    `SELECT id, source_id, date, published, updated, date_source, title, summary, content_text FROM items
     WHERE id IN (SELECT value FROM json_each(?))`,
  );
  // Items by id in the order asked (missing ones left out), a bounded chunk of ids per query.
  const readItems = <Row extends { id: string }, T>(
    ids: readonly string[],
    query: Database.Statement,
    toItem: (row: Row) => T,
  ): T[] => {
    const found = new Map<string, T>();
    for (let i = 0; i < ids.length; i += 5_000) {
      for (const row of query.iterate(JSON.stringify(ids.slice(i, i + 5_000))) as IterableIterator<Row>)
        found.set(row.id, toItem(row));
    }
    const out: T[] = [];
    for (const id of ids) {
      const item = found.get(id);
      if (item) out.push(item);
    }
    return out;
  };
  const upsertStory = db.prepare(
    `INSERT INTO stories (id, representative_item_id, published, updated, created_at)
     VALUES (@id, @rep, @published, @updated, @at)
     ON CONFLICT(id) DO UPDATE SET representative_item_id = excluded.representative_item_id,
       published = excluded.published, updated = excluded.updated`,
  );
  const upsertMember = db.prepare(
    `INSERT INTO story_members (item_id, story_id, position, score, terms, joined_at)
     VALUES (@item_id, @story_id, @position, @score, @terms, @at)
     ON CONFLICT(item_id) DO UPDATE SET story_id = excluded.story_id, position = excluded.position`,
  );
  const selectSource = db.prepare(`SELECT * FROM sources WHERE id = ?`);
  const saveSource = db.prepare(
    `INSERT INTO sources (id, url, name, last_status, last_error, last_fetched_at, last_success_at, consecutive_failures, etag, last_modified, body_hash,
       last_error_code, item_count, next_poll_at, next_poll_reason, fetch_url, fetch_url_from, redirect_url, redirect_count, gone_url)
     VALUES (@id, @url, @name, @lastStatus, @lastError, @lastFetchedAt, @lastSuccessAt, @consecutiveFailures, @etag, @lastModified, @bodyHash,
       @lastErrorCode, @itemCount, @nextPollAt, @nextPollReason, @fetchUrl, @fetchUrlFrom, @redirectUrl, @redirectCount, @goneUrl)
     ON CONFLICT(id) DO UPDATE SET url=excluded.url, name=excluded.name, last_status=excluded.last_status,
       last_error=excluded.last_error, last_fetched_at=excluded.last_fetched_at, last_success_at=excluded.last_success_at,
       consecutive_failures=excluded.consecutive_failures, etag=excluded.etag, last_modified=excluded.last_modified,
       body_hash=excluded.body_hash, last_error_code=excluded.last_error_code, item_count=excluded.item_count,
       next_poll_at=excluded.next_poll_at, next_poll_reason=excluded.next_poll_reason, fetch_url=excluded.fetch_url,
       fetch_url_from=excluded.fetch_url_from, redirect_url=excluded.redirect_url, redirect_count=excluded.redirect_count,
       gone_url=excluded.gone_url`,
  );

  type StoryRow = { id: string; representative_item_id: string; published: string; updated: string };
  type MemberRow = { story_id: string; item_id: string; score: number; terms: string };
  const withMembers = (rows: StoryRow[], members: MemberRow[]): Story[] => {
    const byStory = new Map<string, StoryMember[]>();
    for (const m of members) {
      let list = byStory.get(m.story_id);
      if (!list) byStory.set(m.story_id, (list = []));
      list.push({ itemId: m.item_id, score: m.score, terms: JSON.parse(m.terms) as string[] });
    }
    return rows.map((row) => ({
      id: row.id,
      representativeItemId: row.representative_item_id,
      published: row.published,
      updated: row.updated,
      members: byStory.get(row.id) ?? [],
    }));
  };

  const toStory = (row: { id: string; representative_item_id: string; published: string; updated: string }): Story => ({
    id: row.id,
    representativeItemId: row.representative_item_id,
    published: row.published,
    updated: row.updated,
    members: (selectMembers.all(row.id) as { item_id: string; score: number; terms: string }[]).map(
      (m): StoryMember => ({ itemId: m.item_id, score: m.score, terms: JSON.parse(m.terms) as string[] }),
    ),
  });

  const store: Store = {
    path,
    upsertItems(items, seenAt) {
      const inserted: Item[] = [];
      const changed: Item[] = [];
      db.transaction(() => {
        for (const item of items) {
          if (selectPruned.get(item.id)) continue; // pruned by retention: stays gone
          const existing = selectHash.get(item.id) as
            | { content_hash: string; date: string | null; date_source: string }
            | undefined;
          // An undated item keeps the date it was first seen with, so re-fetching it changes nothing.
          const stable =
            existing && item.dateSource === 'fetched' && existing.date_source === 'fetched'
              ? { ...item, date: existing.date }
              : item;
          const hash = contentHash(stable);
          if (!existing) {
            insertItem.run(itemParams(stable, hash, seenAt));
            inserted.push(stable);
          } else if (existing.content_hash !== hash) {
            updateItem.run(itemParams(stable, hash, seenAt));
            changed.push(stable);
          } else {
            touchItem.run(seenAt, item.id);
          }
        }
      })();
      return { inserted, changed };
    },
    getItems(ids) {
      return readItems(ids, selectItemsIn, rowToItem);
    },
    getItemTexts(ids) {
      return readItems(ids, selectTextsIn, rowToItemText);
    },
    getItemViews(ids) {
      return readItems(ids, selectViewsIn, rowToViewItem);
    },
    allItems() {
      const rows = db
        .prepare(
          `SELECT i.*, s.name AS source_name FROM items i LEFT JOIN sources s ON s.id = i.source_id ORDER BY i.date, i.id`,
        )
        .all() as ItemRow[];
      return rows.map(rowToItem);
    },
    countItems() {
      return countStoredItems.get() as number;
    },
    liveStories() {
      // One query for every member (not one per story): a run with 20,000 stories made 20,000 queries.
      return withMembers(
        db.prepare(`SELECT * FROM stories WHERE retired_into IS NULL ORDER BY created_at, id`).all() as StoryRow[],
        selectLiveMembers.all() as MemberRow[],
      );
    },
    liveStoriesSince(since, itemIds) {
      const rows = db
        .prepare(
          `SELECT * FROM stories WHERE retired_into IS NULL AND (updated >= ? OR id IN (
             SELECT story_id FROM story_members WHERE item_id IN (SELECT value FROM json_each(?))))
           ORDER BY created_at, id`,
        )
        .all(since, JSON.stringify(itemIds)) as StoryRow[];
      return withMembers(rows, selectMembersIn.all(JSON.stringify(rows.map((r) => r.id))) as MemberRow[]);
    },
    topStories(limit, offset = 0) {
      const rows = selectTopStories.all(limit, offset) as StoryRow[];
      return withMembers(rows, selectMembersIn.all(JSON.stringify(rows.map((r) => r.id))) as MemberRow[]);
    },
    getStories(ids) {
      return ids.flatMap((id) => {
        const row = selectStory.get(id) as Parameters<typeof toStory>[0] | undefined;
        return row ? [toStory(row)] : [];
      });
    },
    saveStories(stories, joinedAt) {
      db.transaction(() => {
        for (const story of stories) {
          upsertStory.run({
            id: story.id,
            rep: story.representativeItemId,
            published: story.published,
            updated: story.updated,
            at: joinedAt,
          });
          story.members.forEach((m, position) =>
            upsertMember.run({
              item_id: m.itemId,
              story_id: story.id,
              position,
              score: m.score,
              terms: JSON.stringify(m.terms),
              at: joinedAt,
            }),
          );
        }
      })();
    },
    itemsInNoStory(cutoff, seenAt) {
      // Nearly always every stored item is in a story: two counts over indexes say so without the scan below, which
      // reads every item's row (~60 ms a run for 15,000 articles; BENCHMARKS.md, session 11). A member's item_id is
      // unique, so as many members with an item as there are items means every item is a member.
      if (countStoredItems.get() === countMembersWithItem.get()) return [];
      const rows = db
        .prepare(
          `SELECT id, date, published, updated, date_source FROM items
           WHERE first_seen_at <> ? AND NOT EXISTS (SELECT 1 FROM story_members m WHERE m.item_id = items.id)
             AND (date_source NOT IN ('published', 'updated') OR date >= ?)
           ORDER BY date, id`,
        )
        .all(seenAt, cutoff) as {
        id: string;
        date: string | null;
        published: string | null;
        updated: string | null;
        date_source: string;
      }[];
      return rows.map((r) => ({
        id: r.id,
        date: r.date,
        published: r.published,
        updated: r.updated,
        dateSource: r.date_source as Item['dateSource'],
      }));
    },
    newestItemDate() {
      const row = db
        .prepare(`SELECT MAX(date) AS d FROM items WHERE date_source IN ('published', 'updated')`)
        .get() as { d: string | null };
      return row.d;
    },
    prune(cutoff, forgetBefore) {
      return db.transaction((): PruneResult => {
        const old = db.prepare(`SELECT id FROM stories WHERE updated < ?`).all(cutoff) as { id: string }[];
        let itemCount = 0;
        const tombstone = db.prepare(
          `INSERT OR REPLACE INTO pruned_items (id, date) SELECT id, COALESCE(date, ?) FROM items WHERE id = ?`,
        );
        const deleteItem = db.prepare(`DELETE FROM items WHERE id = ?`);
        for (const { id } of old) {
          for (const m of db.prepare(`SELECT item_id FROM story_members WHERE story_id = ?`).all(id) as {
            item_id: string;
          }[]) {
            tombstone.run(cutoff, m.item_id);
            itemCount += deleteItem.run(m.item_id).changes;
          }
          db.prepare(`DELETE FROM story_members WHERE story_id = ?`).run(id);
          db.prepare(`DELETE FROM stories WHERE id = ?`).run(id);
        }
        const orphans = db
          .prepare(`SELECT id FROM items WHERE date < ? AND id NOT IN (SELECT item_id FROM story_members)`)
          .all(cutoff) as { id: string }[];
        for (const { id } of orphans) {
          tombstone.run(cutoff, id);
          itemCount += deleteItem.run(id).changes;
        }
        db.prepare(`DELETE FROM pruned_items WHERE date < ?`).run(forgetBefore);
        return { stories: old.length, items: itemCount };
      })();
    },
    retireStory(id, into) {
      db.prepare(`UPDATE stories SET retired_into = ? WHERE id = ?`).run(into, id);
    },
    resolveStoryId(id) {
      const seen = new Set<string>();
      let current: string | null = id;
      while (current !== null && !seen.has(current)) {
        seen.add(current);
        const row = db.prepare(`SELECT retired_into FROM stories WHERE id = ?`).get(current) as
          | { retired_into: string | null }
          | undefined;
        if (!row) return null;
        if (row.retired_into === null) return current;
        current = row.retired_into;
      }
      return null;
    },
    getSourceState(id) {
      const row = selectSource.get(id) as Record<string, unknown> | undefined;
      if (!row) return null;
      return {
        id: row.id as string,
        url: row.url as string,
        name: row.name as string,
        lastStatus: (row.last_status as string | null) ?? null,
        lastError: (row.last_error as string | null) ?? null,
        lastFetchedAt: (row.last_fetched_at as string | null) ?? null,
        lastSuccessAt: (row.last_success_at as string | null) ?? null,
        consecutiveFailures: row.consecutive_failures as number,
        etag: (row.etag as string | null) ?? null,
        lastModified: (row.last_modified as string | null) ?? null,
        bodyHash: (row.body_hash as string | null) ?? null,
        lastErrorCode: (row.last_error_code as string | null) ?? null,
        itemCount: (row.item_count as number | null) ?? null,
        nextPollAt: (row.next_poll_at as string | null) ?? null,
        nextPollReason: (row.next_poll_reason as string | null) ?? null,
        fetchUrl: (row.fetch_url as string | null) ?? null,
        fetchUrlFrom: (row.fetch_url_from as string | null) ?? null,
        redirectUrl: (row.redirect_url as string | null) ?? null,
        redirectCount: (row.redirect_count as number | null) ?? 0,
        goneUrl: (row.gone_url as string | null) ?? null,
      };
    },
    saveSourceState(state) {
      saveSource.run({ ...SOURCE_STATE_DEFAULTS, ...state });
    },
    transaction(fn) {
      return db.transaction(fn)();
    },
    begin() {
      db.exec('BEGIN IMMEDIATE');
    },
    commit() {
      db.exec('COMMIT');
      if (aside === null) return;
      // A database built aside goes into place: its file synced first, then linked under its name (which fails
      // rather than replace a database another command made meanwhile), then its folder synced.
      const fd = openSync(aside, 'r');
      try {
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      try {
        linkSync(aside, path);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw storeErrorFrom(error, path);
        throw new StoreError(
          'store/busy',
          `another storyfeed command created ${path} while this first run was building it: nothing of this run was saved; run it again`,
        );
      }
      unlinkSync(aside);
      aside = null;
      syncFolder(dirname(path));
      // Other processes may open it now: the lock is let go after the next read.
      db.pragma('locking_mode = NORMAL');
    },
    rollback() {
      if (db.inTransaction) db.exec('ROLLBACK');
    },
    close() {
      if (aside === null) db.close();
      else discardAside(db, aside);
      aside = null;
    },
  };
  return store;
}

/** Closes a database being built aside and removes its file (a run that failed before its commit). */
function discardAside(db: Database.Database | undefined, aside: string | null): void {
  if (aside === null) return;
  try {
    db?.close();
  } finally {
    try {
      unlinkSync(aside);
    } catch {
      // Never made.
    }
  }
}

/** Removes databases a killed process left half built next to `path` (`<path>.new-<pid>…` of a process now gone). */
function removeAbandonedBuilds(path: string): void {
  const prefix = `${basename(path)}.new-`;
  for (const name of readdirSync(dirname(path))) {
    if (!name.startsWith(prefix)) continue;
    const pid = Number(name.slice(prefix.length).split('-')[0]);
    if (!Number.isInteger(pid) || pid === process.pid || processExists(pid)) continue;
    try {
      unlinkSync(join(dirname(path), name));
    } catch {
      // Gone already.
    }
  }
}

/** Syncs a folder's entries (a file linked into it); best effort, as some file systems refuse to open a folder. */
function syncFolder(folder: string): void {
  try {
    const fd = openSync(folder, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // EISDIR / EPERM / EINVAL on file systems that cannot sync a folder.
  }
}

/**
 * Creates a migrated, empty database at `path` (which must not exist), whole: made under another name, then renamed.
 */
function createDatabase(path: string): void {
  const temp = `${path}.new-${process.pid}`;
  try {
    const db = new Database(temp);
    try {
      db.pragma('journal_mode = WAL');
      migrate(db);
    } finally {
      db.close();
    }
    renameSync(temp, path);
  } finally {
    for (const leftover of [temp, `${temp}-wal`, `${temp}-shm`]) {
      try {
        unlinkSync(leftover);
      } catch {
        // Renamed into place, or never made: nothing to remove.
      }
    }
  }
}

function migrate(db: Database.Database): void {
  // Migration 4 recomputes every stored item's hash in SQL with the function that hashes new items.
  db.function('storyfeed_item_hash', { deterministic: true, varargs: true }, (...columns: unknown[]) => {
    if (columns.length !== 12)
      throw new StoreError('store/invariant', `storyfeed_item_hash takes 12 columns, not ${columns.length}`);
    return itemHash(columns as ItemHashColumns);
  });
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version > MIGRATIONS.length) {
    throw new StoreError(
      'store/too-new',
      `the state database was written by a newer storyfeed (schema ${version}, this one knows ${MIGRATIONS.length})`,
    );
  }
  if (version === MIGRATIONS.length) return;
  // Each migration in a write transaction taken at once (BEGIN IMMEDIATE) that reads the version again: another process
  // opening the store while a long migration runs (a cron run, `serve`) waits for it and then finds it done, instead of
  // running it a second time.
  const step = db.transaction(() => {
    const v = db.pragma('user_version', { simple: true }) as number;
    if (v >= MIGRATIONS.length) return false;
    db.exec(MIGRATIONS[v]!);
    db.pragma(`user_version = ${v + 1}`);
    return true;
  });
  while (step.immediate()) {
    // one migration per transaction, until the schema is current
  }
}

/**
 * The stored columns an item's hash covers, in hashing order: every stored field but the id and the dates it was seen.
 */
type ItemHashColumns = [
  guid: string | null,
  url: string | null,
  title: string,
  summary: string,
  contentText: string,
  published: string | null,
  updated: string | null,
  date: string | null,
  language: string | null,
  sourceId: string,
  authors: string,
  categories: string,
];

/**
 * Returns the hash that tells a changed item from an unchanged one. It is a function of the stored columns only
 * (authors and categories as their stored JSON), so migration 4 could compute it for items stored before it.
 * Changing it makes every stored item look changed (and every story updated) on the next run: it would need a
 * migration recomputing the stored hashes, as migration 4 does.
 */
function itemHash(columns: ItemHashColumns): string {
  const h = createHash('sha256');
  for (const v of columns) {
    h.update(v ?? '\u0000');
    h.update('\u0001');
  }
  return h.digest('hex');
}

function contentHash(item: Item): string {
  return itemHash([
    item.guid,
    item.url,
    item.title,
    item.summary,
    item.contentText,
    item.published,
    item.updated,
    item.date,
    item.language,
    item.sourceId,
    JSON.stringify(item.authors),
    JSON.stringify(item.categories),
  ]);
}

function itemParams(item: Item, hash: string, seenAt: string) {
  return {
    id: item.id,
    source_id: item.sourceId,
    guid: item.guid,
    url: item.url,
    title: item.title,
    summary: item.summary,
    content_text: item.contentText,
    authors: JSON.stringify(item.authors),
    categories: JSON.stringify(item.categories),
    published: item.published,
    updated: item.updated,
    date: item.date,
    date_source: item.dateSource,
    language: item.language,
    content_hash: hash,
    seen_at: seenAt,
  };
}

function rowToItemText(
  row: Pick<
    ItemRow,
    'id' | 'source_id' | 'date' | 'published' | 'updated' | 'date_source' | 'title' | 'summary' | 'content_text'
  >,
): ItemTextFields {
  return {
    id: row.id,
    sourceId: row.source_id,
    date: row.date,
    published: row.published,
    updated: row.updated,
    dateSource: row.date_source as Item['dateSource'],
    title: row.title,
    summary: row.summary,
    contentText: row.content_text,
  };
}

function rowToItem(row: ItemRow): Item {
  return { ...rowToViewItem(row), contentText: row.content_text };
}

function rowToViewItem(row: Omit<ItemRow, 'content_text' | 'content_hash' | 'first_seen_at'>): ViewItem {
  return {
    id: row.id,
    sourceId: row.source_id,
    sourceName: row.source_name ?? row.source_id,
    guid: row.guid,
    url: row.url,
    title: row.title,
    summary: row.summary,
    contentHtml: '',
    authors: JSON.parse(row.authors) as string[],
    categories: JSON.parse(row.categories) as string[],
    published: row.published,
    updated: row.updated,
    date: row.date,
    dateSource: row.date_source as Item['dateSource'],
    language: row.language,
  };
}
