import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../../src/config/load-config.js';
import { silentLogger } from '../../src/lib/logger.js';
import { runOnce } from '../../src/pipeline/run-once.js';
import { DEMO_CONFIG, writeTempConfig } from '../support/demo-config.js';
import { REPO_ROOT } from '../support/demo-config.js';

// Issue #15: a failure while stories are saved (disk full, any exception) must not lose the run's new articles:
// the run's items, source state and stories commit together or not at all, and the next run does the work again.

const failure = vi.hoisted(() => ({ next: null as null | (() => Error) }));

vi.mock('../../src/store/open-store.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../src/store/open-store.js')>();
  return {
    ...original,
    openStore: (...args: Parameters<typeof original.openStore>) => {
      const store = original.openStore(...args);
      const saveStories = store.saveStories.bind(store);
      return {
        ...store,
        saveStories(stories: Parameters<typeof saveStories>[0], at: string) {
          // Half the stories are written, then the disk fills up.
          saveStories(stories.slice(0, Math.floor(stories.length / 2)), at);
          const make = failure.next;
          if (make) throw make();
          saveStories(stories, at);
        },
      };
    },
  };
});

const sources = DEMO_CONFIG.sources.map((s) => ({ ...s, url: join(REPO_ROOT, s.url) }));

function storeCounts(path: string) {
  const db = new Database(path, { readonly: true });
  try {
    const n = (sql: string) => (db.prepare(sql).get() as { n: number }).n;
    return {
      items: n(`SELECT COUNT(*) AS n FROM items`),
      stories: n(`SELECT COUNT(*) AS n FROM stories`),
      inNoStory: n(`SELECT COUNT(*) AS n FROM items WHERE id NOT IN (SELECT item_id FROM story_members)`),
      sourcesFetched: n(`SELECT COUNT(*) AS n FROM sources WHERE body_hash IS NOT NULL`),
    };
  } finally {
    db.close();
  }
}

describe('a failure while stories are saved', () => {
  beforeEach(() => {
    failure.next = null;
  });

  for (const [name, make] of [
    ['disk full (SQLITE_FULL)', () => new Database.SqliteError('database or disk is full', 'SQLITE_FULL')],
    ['an exception', () => new Error('injected failure')],
  ] as const) {
    it(`${name}: nothing of the run is kept, the previous feed stays, and the next run groups every article`, async () => {
      // First run: two of the five demo sources.
      const { dir, configPath } = writeTempConfig({}, sources.slice(0, 2));
      const first = await loadConfig(configPath);
      await runOnce(first, { logger: silentLogger, progress: false, now: () => new Date('2026-01-01T00:00:00Z') });
      const before = storeCounts(first.store.path);
      const feedBefore = readFileSync(first.output.feedPath, 'utf8');
      expect(before.inNoStory).toBe(0);

      // Second run: all five; saving its stories fails.
      const { configPath: allPath } = writeTempConfig({}, sources);
      const all = await loadConfig(allPath);
      const config = { ...all, store: first.store, output: first.output };
      failure.next = make;
      const failed = await runOnce(config, { logger: silentLogger, progress: false, now: () => new Date('2026-01-01T01:00:00Z') }).then(
        () => null,
        (error: unknown) => error,
      );
      expect(failed).toBeInstanceOf(Error);
      // SQLite's disk-full error reaches the user as a typed store error with its fix, not as `internal`.
      if (name.startsWith('disk full')) expect(failed).toMatchObject({ code: 'store/disk-full', stage: 'store' });
      expect(storeCounts(first.store.path)).toEqual(before);
      expect(readFileSync(first.output.feedPath, 'utf8')).toBe(feedBefore);

      // Third run: nothing fails; the three new sources are read again, not taken as unchanged.
      failure.next = null;
      const report = await runOnce(config, { logger: silentLogger, progress: false, now: () => new Date('2026-01-01T02:00:00Z') });
      const after = storeCounts(first.store.path);
      expect(report.newItems).toBeGreaterThan(0);
      expect(after.items).toBe(before.items + report.newItems);
      expect(after.inNoStory).toBe(0);
      expect(after.sourcesFetched).toBe(5);
      expect(dir).toBeTruthy();
    });
  }

  it('a store left with articles in no story (by a version that committed them apart): the next run groups them', async () => {
    const { configPath } = writeTempConfig({}, sources);
    const config = await loadConfig(configPath);
    await runOnce(config, { logger: silentLogger, progress: false, now: () => new Date('2026-01-01T00:00:00Z') });
    const db = new Database(config.store.path);
    db.exec(`DELETE FROM story_members; DELETE FROM stories;`);
    db.close();
    const damaged = storeCounts(config.store.path);
    expect(damaged.inNoStory).toBe(damaged.items);
    // Every feed is unchanged: before, nothing would have been read again and the articles stayed out of every story.
    await runOnce(config, { logger: silentLogger, progress: false, now: () => new Date('2026-01-01T01:00:00Z') });
    const healed = storeCounts(config.store.path);
    expect(healed.items).toBe(damaged.items);
    expect(healed.inNoStory).toBe(0);
    expect(healed.stories).toBeGreaterThan(0);
  });
});
