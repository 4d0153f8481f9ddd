// Schema migrations, applied in order; PRAGMA user_version records how many have run.
// Never edit a shipped migration: add a new one.

export const MIGRATIONS: readonly string[] = [
  // 1: foundation schema
  `
  CREATE TABLE sources (
    id TEXT PRIMARY KEY,
    url TEXT NOT NULL,
    name TEXT NOT NULL,
    last_status TEXT,
    last_error TEXT,
    last_fetched_at TEXT,
    last_success_at TEXT,
    consecutive_failures INTEGER NOT NULL DEFAULT 0,
    etag TEXT,
    last_modified TEXT,
    body_hash TEXT
  );
  CREATE TABLE items (
    id TEXT PRIMARY KEY,
    source_id TEXT NOT NULL,
    guid TEXT,
    url TEXT,
    title TEXT NOT NULL,
    summary TEXT NOT NULL,
    content_html TEXT NOT NULL,
    content_text TEXT NOT NULL,
    authors TEXT NOT NULL,
    categories TEXT NOT NULL,
    published TEXT,
    updated TEXT,
    date TEXT,
    date_source TEXT NOT NULL,
    language TEXT,
    content_hash TEXT NOT NULL,
    first_seen_at TEXT NOT NULL,
    last_seen_at TEXT NOT NULL
  );
  CREATE INDEX items_source ON items(source_id);
  CREATE INDEX items_date ON items(date);
  CREATE TABLE stories (
    id TEXT PRIMARY KEY,
    representative_item_id TEXT NOT NULL,
    published TEXT NOT NULL,
    updated TEXT NOT NULL,
    created_at TEXT NOT NULL,
    retired_into TEXT
  );
  CREATE INDEX stories_updated ON stories(updated);
  CREATE TABLE story_members (
    item_id TEXT PRIMARY KEY,
    story_id TEXT NOT NULL,
    position INTEGER NOT NULL,
    score REAL NOT NULL,
    terms TEXT NOT NULL,
    joined_at TEXT NOT NULL
  );
  CREATE INDEX story_members_story ON story_members(story_id, position);
  `,
  // 2: retention — ids of pruned items, so an old article still listed by its feed is not taken as new
  `
  CREATE TABLE pruned_items (
    id TEXT PRIMARY KEY,
    date TEXT NOT NULL
  );
  CREATE INDEX pruned_items_date ON pruned_items(date);
  `,
  // 3: polling state for conditional GET, back-off, redirects and 410 Gone (issue #5)
  `
  ALTER TABLE sources ADD COLUMN last_error_code TEXT;
  ALTER TABLE sources ADD COLUMN item_count INTEGER;
  ALTER TABLE sources ADD COLUMN next_poll_at TEXT;
  ALTER TABLE sources ADD COLUMN next_poll_reason TEXT;
  ALTER TABLE sources ADD COLUMN fetch_url TEXT;
  ALTER TABLE sources ADD COLUMN fetch_url_from TEXT;
  ALTER TABLE sources ADD COLUMN redirect_url TEXT;
  ALTER TABLE sources ADD COLUMN redirect_count INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE sources ADD COLUMN gone_url TEXT;
  `,
  // 4: the store keeps an article's plain text, not its HTML (no output copies the HTML; docs/store.md). The content
  // hash becomes a function of the columns kept, recomputed here from them with the function new items are hashed
  // with (storyfeed_item_hash, registered by open-store.ts), so an upgraded store sees its unchanged items as
  // unchanged. Dropping the column rewrites each row once (the freed pages are reused; no VACUUM).
  `
  UPDATE items SET content_hash = storyfeed_item_hash(guid, url, title, summary, content_text, published, updated, date,
    language, source_id, authors, categories);
  ALTER TABLE items DROP COLUMN content_html;
  `,
  // 5: no query reads items by source (EXPLAIN QUERY PLAN of every store query: items are found by id, by date, or
  // joined to their source by the source's key), so the index on items(source_id) only cost each insert a B-tree
  // update (BENCHMARKS.md, issue #16).
  `
  DROP INDEX IF EXISTS items_source;
  `,
  // 6: an item's short columns before its text. SQLite reads a row's columns in order and keeps the end of a long row
  // in overflow pages, so every query that read a date, a hash or first_seen_at walked past the article text: the
  // check for items in no story (every run) scanned ~60 MB for 15,000 items (0.2–0.4 s of a 2 s warm run;
  // BENCHMARKS.md, issue #16). Same columns and values, rewritten once (in one transaction: it needs free disk of
  // about the table's size, and a full disk leaves the store as it was).
  `
  CREATE TABLE items_new (
    id TEXT PRIMARY KEY,
    source_id TEXT NOT NULL,
    published TEXT,
    updated TEXT,
    date TEXT,
    date_source TEXT NOT NULL,
    first_seen_at TEXT NOT NULL,
    last_seen_at TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    language TEXT,
    guid TEXT,
    url TEXT,
    title TEXT NOT NULL,
    summary TEXT NOT NULL,
    authors TEXT NOT NULL,
    categories TEXT NOT NULL,
    content_text TEXT NOT NULL
  );
  INSERT INTO items_new (id, source_id, published, updated, date, date_source, first_seen_at, last_seen_at,
    content_hash, language, guid, url, title, summary, authors, categories, content_text)
  SELECT id, source_id, published, updated, date, date_source, first_seen_at, last_seen_at, content_hash, language, guid,
    url, title, summary, authors, categories, content_text FROM items;
  DROP TABLE items;
  ALTER TABLE items_new RENAME TO items;
  CREATE INDEX items_date ON items(date);
  `,
];
