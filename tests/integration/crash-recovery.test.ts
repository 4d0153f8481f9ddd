import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { generateCorpusFiles } from '../../tools/bench/generate-corpus.js';
import { DEMO_CONFIG, REPO_ROOT } from '../support/demo-config.js';
import { readAtom } from '../support/read-atom.js';

// Issue #15: a run killed at any moment (kill -9, a systemd stop timeout) must cost no article. A generated corpus
// is read once (the "previous" state), then every source lists new articles and the second run is SIGKILLed at
// moments spread over its length. After each kill the previous feed is intact, the database is sound and holds
// either the previous state or the finished run's (never a half), and the next run ends with the same store as
// a run never interrupted.

const BIN = join(REPO_ROOT, 'bin/storyfeed.js');
const KILLS = 10;

/** The store's content without the columns that record when a run happened (seen, joined, created, fetched at). */
function dumpStore(path: string): { items: number; inNoStory: number; stories: number; digest: string } {
  const db = new Database(path);
  try {
    const rows = (sql: string) => JSON.stringify(db.prepare(sql).all());
    const items = rows(`SELECT id, source_id, title, date, date_source, content_hash FROM items ORDER BY id`);
    const stories = rows(
      `SELECT id, representative_item_id, published, updated, retired_into FROM stories ORDER BY id`,
    );
    const members = rows(`SELECT item_id, story_id, position, score, terms FROM story_members ORDER BY item_id`);
    const sources = rows(
      `SELECT id, url, last_status, consecutive_failures, etag, last_modified, body_hash, item_count FROM sources ORDER BY id`,
    );
    const pruned = rows(`SELECT id, date FROM pruned_items ORDER BY id`);
    const count = (sql: string) => (db.prepare(sql).get() as { n: number }).n;
    return {
      items: count(`SELECT COUNT(*) AS n FROM items`),
      inNoStory: count(`SELECT COUNT(*) AS n FROM items WHERE id NOT IN (SELECT item_id FROM story_members)`),
      stories: count(`SELECT COUNT(*) AS n FROM stories`),
      digest: [items, stories, members, sources, pruned].join('\n'),
    };
  } finally {
    db.close();
  }
}

function integrityCheck(path: string): string {
  const db = new Database(path);
  try {
    return db.pragma('integrity_check', { simple: true }) as string;
  } finally {
    db.close();
  }
}

function runToEnd(configPath: string): { status: number | null; ms: number; stderr: string } {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [BIN, 'run', '--config', configPath], { encoding: 'utf8' });
  return { status: r.status, ms: performance.now() - t0, stderr: r.stderr };
}

function runKilledAfter(
  configPath: string,
  ms: number,
): Promise<{ signal: NodeJS.Signals | null; code: number | null }> {
  const child = spawn(process.execPath, [BIN, 'run', '--config', configPath], { stdio: 'ignore' });
  const timer = setTimeout(() => child.kill('SIGKILL'), ms);
  return new Promise((resolve) =>
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal });
    }),
  );
}

describe('a run killed at any moment', () => {
  it(`loses no article: ${KILLS} SIGKILLs spread over a run, each followed by a run that ends as an uninterrupted one`, async () => {
    const root = mkdtempSync(join(tmpdir(), 'storyfeed-crash-'));
    const corpus = join(root, 'corpus');
    // 20 sources × 80 items, then each source lists 40 new ones: 2,400 articles, 800 new in the killed run.
    generateCorpusFiles(corpus, {
      sources: 20,
      itemsPerSource: 80,
      changedShare: 1,
      newItemsPerChangedSource: 40,
      contentWords: 80,
      seed: 15,
    });
    const live = join(root, 'live');
    cpSync(join(corpus, 'feeds'), live, { recursive: true });
    const work = join(root, 'work');
    mkdirSync(work);
    const configPath = join(work, 'config.json');
    const sources = readdirSync(live)
      .sort()
      .map((file) => ({ id: file.replace(/\.\w+$/, ''), name: file, url: join(live, file) }));
    writeFileSync(configPath, JSON.stringify({ ...DEMO_CONFIG, sources, log: { level: 'silent' } }));
    const dbPath = join(work, 'state', 'storyfeed.db');
    const feedPath = join(work, 'output', 'feed.atom');

    expect(runToEnd(configPath).status).toBe(0);
    const previous = join(root, 'previous');
    for (const d of ['state', 'output']) cpSync(join(work, d), join(previous, d), { recursive: true });
    const previousFeed = readFileSync(feedPath, 'utf8');
    const previousStore = dumpStore(dbPath);
    const restore = () => {
      for (const d of ['state', 'output']) {
        rmSync(join(work, d), { recursive: true, force: true });
        cpSync(join(previous, d), join(work, d), { recursive: true });
      }
    };
    // Every source now lists new articles.
    cpSync(join(corpus, 'feeds-changed'), live, { recursive: true });

    // The reference: the second run, never interrupted.
    const uninterrupted = runToEnd(configPath);
    expect(uninterrupted.status, uninterrupted.stderr).toBe(0);
    const reference = dumpStore(dbPath);
    expect(reference.items).toBe(previousStore.items + 20 * 40);
    expect(reference.inNoStory).toBe(0);
    const referenceEntries = readAtom(readFileSync(feedPath, 'utf8')).entries.length;
    // Timed twice, the kills spread over the faster: a first run slowed by a busy machine (or cold caches) would put the
    // later kills past the end of every killed run.
    restore();
    const again = runToEnd(configPath);
    expect(again.status, again.stderr).toBe(0);
    expect(dumpStore(dbPath).digest).toBe(reference.digest);
    const runMs = Math.min(uninterrupted.ms, again.ms);
    // A kill after the commit leaves the finished run's store; the next run then finds every feed unchanged, which it
    // records in each source's state, so the store it ends with is that of an uninterrupted run followed by one more.
    expect(runToEnd(configPath).status).toBe(0);
    const referenceRerun = dumpStore(dbPath);
    expect(referenceRerun.items).toBe(reference.items);

    const outcomes: string[] = [];
    for (let k = 0; k < KILLS; k++) {
      restore();
      // Spread over the whole run, process start-up included; the last ones land in the output writes or after.
      const at = Math.round((runMs * (k + 0.5)) / KILLS);
      const end = await runKilledAfter(configPath, at);
      const feed = readFileSync(feedPath, 'utf8');
      // The previous feed, untouched, or the finished run's: never a torn or empty file.
      const feedState = feed === previousFeed ? 'previous feed' : 'new feed';
      if (feed !== previousFeed) expect(readAtom(feed).entries.length).toBe(referenceEntries);
      // The other two of the set are whole files too (written whole, then renamed), never torn.
      expect(() => JSON.parse(readFileSync(join(work, 'output', 'feed.json'), 'utf8'))).not.toThrow();
      expect(readFileSync(join(work, 'output', 'index.html'), 'utf8').trimEnd()).toMatch(/<\/html>$/);
      expect(integrityCheck(dbPath), `integrity after a kill at ${at} ms`).toBe('ok');
      // Atomic from the store's side: the previous state or the finished run's, nothing in between.
      const after = dumpStore(dbPath);
      const storeState =
        after.digest === previousStore.digest
          ? 'previous store'
          : after.digest === reference.digest
            ? 'finished store'
            : 'half-done store';
      outcomes.push(`${at} ms: ${end.signal ?? `exit ${end.code}`}, ${feedState}, ${storeState}`);
      expect(storeState, outcomes.join('\n')).not.toBe('half-done store');

      const next = runToEnd(configPath);
      expect(next.status, next.stderr).toBe(0);
      const healed = dumpStore(dbPath);
      expect(healed.inNoStory, `articles in no story after a kill at ${at} ms`).toBe(0);
      expect(healed.items).toBe(reference.items);
      const expected = storeState === 'previous store' ? reference : referenceRerun;
      expect(
        healed.digest === expected.digest,
        `store after a kill at ${at} ms and the next run = uninterrupted run's`,
      ).toBe(true);
      expect(readAtom(readFileSync(feedPath, 'utf8')).entries.length).toBe(referenceEntries);
    }
    // The kills must have hit the run itself, not only its start-up or its end.
    expect(outcomes.filter((o) => o.includes('SIGKILL')).length).toBeGreaterThanOrEqual(KILLS - 2);
    console.log(
      `crash test: ${KILLS} kills, uninterrupted run ${Math.round(uninterrupted.ms)} / ${Math.round(again.ms)} ms\n${outcomes.join('\n')}`,
    );
  }, 240_000);
});

describe('a first run killed at any moment (issue #16: its database is built aside)', () => {
  it('leaves no database or the whole one, never a half; the next run removes what it left and ends as an uninterrupted first run', async () => {
    const root = mkdtempSync(join(tmpdir(), 'storyfeed-crash-first-'));
    const corpus = join(root, 'corpus');
    generateCorpusFiles(corpus, { sources: 20, itemsPerSource: 80, contentWords: 80, seed: 16 });
    const work = join(root, 'work');
    mkdirSync(work);
    const configPath = join(work, 'config.json');
    const feeds = join(corpus, 'feeds');
    const sources = readdirSync(feeds)
      .sort()
      .map((file) => ({ id: file.replace(/\.\w+$/, ''), name: file, url: join(feeds, file) }));
    writeFileSync(configPath, JSON.stringify({ ...DEMO_CONFIG, sources, log: { level: 'silent' } }));
    const state = join(work, 'state');
    const dbPath = join(state, 'storyfeed.db');
    const fresh = () => {
      for (const d of ['state', 'output']) rmSync(join(work, d), { recursive: true, force: true });
    };
    // Killed early, a run has not made the folder yet.
    const stateFiles = (): string[] => (existsSync(state) ? readdirSync(state) : []);

    // The reference: a first run never interrupted, then a second run on what it left.
    const first = runToEnd(configPath);
    expect(first.status, first.stderr).toBe(0);
    const reference = dumpStore(dbPath);
    expect(reference.items).toBe(20 * 80);
    expect(runToEnd(configPath).status).toBe(0);
    const referenceRerun = dumpStore(dbPath);
    fresh();
    const again = runToEnd(configPath);
    expect(again.status, again.stderr).toBe(0);
    const runMs = Math.min(first.ms, again.ms);

    // Spread over the run, the last near its end (past its commit when the machine is no slower than when timed).
    const moments = [0.1, 0.3, 0.5, 0.7, 0.9, 0.98];
    const kills = moments.length;
    const outcomes: string[] = [];
    for (const share of moments) {
      fresh();
      const at = Math.round(runMs * share);
      const end = await runKilledAfter(configPath, at);
      const files = stateFiles();
      // No database yet (a half-built one under another name at most), or the whole first run's.
      const built = files.includes('storyfeed.db');
      if (built) {
        expect(integrityCheck(dbPath)).toBe('ok');
        expect(dumpStore(dbPath).digest, `store after a kill at ${at} ms`).toBe(reference.digest);
      }
      outcomes.push(
        `${at} ms: ${end.signal ?? `exit ${end.code}`}, ${built ? 'whole store' : `no store (${files.join(', ')})`}`,
      );
      const next = runToEnd(configPath);
      expect(next.status, next.stderr).toBe(0);
      expect(
        readdirSync(state).filter((f) => f.includes('.new-')),
        outcomes.join('\n'),
      ).toEqual([]);
      expect(dumpStore(dbPath).digest, `store after a kill at ${at} ms and the next run`).toBe(
        built ? referenceRerun.digest : reference.digest,
      );
    }
    expect(outcomes.filter((o) => o.includes('SIGKILL')).length, outcomes.join('\n')).toBeGreaterThanOrEqual(kills - 2);
    console.log(`first-run crash test: ${outcomes.join('\n')}`);
  }, 180_000);
});
