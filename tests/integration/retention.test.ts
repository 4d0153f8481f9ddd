import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config.js';
import { silentLogger } from '../../src/lib/logger.js';
import { openStore } from '../../src/store/open-store.js';
import { runOnce } from '../../src/pipeline/run-once.js';
import { readAtom } from '../support/read-atom.js';

/** An RSS feed whose items are `[guid, title, date]`. */
function rss(items: [string, string, string][]): string {
  const body = items
    .map(([guid, title, date]) => `<item><title>${title}</title><link>https://r.example/${guid}</link><guid isPermaLink="false">${guid}</guid><pubDate>${date}</pubDate><description>${title}. Story number ${guid} about ${title}.</description></item>`)
    .join('\n');
  return `<?xml version="1.0"?><rss version="2.0"><channel><title>R</title><link>https://r.example/</link><description>d</description>${body}</channel></rss>`;
}

const TOPICS = ['harbour ferry timetable', 'orchestra winter tour', 'bridge repair closure', 'library late opening', 'marathon route change', 'museum dinosaur exhibit'];

describe('retention', () => {
  it('prunes stories older than retentionDays before the newest article, never resurrects them, and keeps the database bounded', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'storyfeed-retention-'));
    const feedPath = join(dir, 'r.xml');
    const configPath = join(dir, 'config.json');
    writeFileSync(
      configPath,
      JSON.stringify({ sources: [{ id: 'r', name: 'R', url: 'r.xml' }], store: { retentionDays: 10 }, output: { maxStories: 3 }, log: { level: 'silent' } }),
    );
    const config = await loadConfig(configPath);
    const now = () => new Date('2026-11-22T00:00:00Z');

    // 60 days of news, one article a day; the feed lists the last 20 days, like a real feed window.
    const sizes: number[] = [];
    for (let day = 0; day < 60; day++) {
      const items: [string, string, string][] = [];
      for (let d = Math.max(0, day - 19); d <= day; d++) {
        const date = new Date(Date.UTC(2015, 0, 1 + d, 12)).toUTCString();
        items.push([`a${d}`, `${TOPICS[d % TOPICS.length]} day ${d} unique${d}word`, date]);
      }
      writeFileSync(feedPath, rss(items));
      await runOnce(config, { logger: silentLogger, now });
      if (day >= 40) sizes.push(countRows(config.store.path));
    }

    const store = openStore(config.store.path);
    const items = store.allItems();
    store.close();
    // Newest article: day 59 (1 Mar 2015); 10 days' retention keeps days 49..59 at most.
    expect(items.length).toBeLessThanOrEqual(11);
    expect(items.every((i) => i.date! >= '2015-02-18T12:00:00.000Z')).toBe(true);
    // The feed still lists days 40..48 but they never come back as new stories.
    const feed = readAtom(readFileSync(config.output.feedPath, 'utf8'));
    expect(feed.entries).toHaveLength(3); // output.maxStories
    expect(feed.entries.every((e) => e.updated >= '2015-02-27')).toBe(true);
    // Bounded: the row count over the last 20 runs does not grow.
    expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(2);
    expect(statSync(config.store.path).size).toBeLessThan(1_000_000);
  });

  it('keeps the 2015 demo whatever today is', async () => {
    const { writeTempConfig } = await import('../support/demo-config.js');
    const { configPath } = writeTempConfig();
    const config = await loadConfig(configPath);
    expect(config.store.retentionDays).toBe(30); // the default
    const report = await runOnce(config, { logger: silentLogger, now: () => new Date('2031-01-01T00:00:00Z') });
    expect(report.stories).toBe(12);
    expect(report.newItems).toBe(18);
  });
});

function countRows(path: string): number {
  const store = openStore(path);
  const n = store.countItems() + store.liveStories().length;
  store.close();
  return n;
}
