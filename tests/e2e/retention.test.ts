import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config.js';
import { silentLogger } from '../../src/lib/logger.js';
import { runOnce } from '../../src/pipeline/run-once.js';
import { writeTempConfig } from '../support/demo-config.js';
import { readAtom } from '../support/read-atom.js';

const DAY = 86_400_000;
const BASE = Date.parse('2026-03-01T09:00:00.000Z');
// One headline per day with no word in common with any other, so every article is a story of its own.
const HEADLINES = [
  'Harbour bridge reopens after cable repairs',
  'Library budget approved by councillors',
  'Gales forecast along northern coast',
  'Rovers clinch regional championship final',
  'Museum unveils restored medieval tapestry',
  'Robotics startup opens warehouse factory',
  'Orchestra announces summer concert series',
  'Railway timetable changes from Monday',
  'Vineyard harvest beats expectations',
  'Glacier retreat measured by scientists',
  'Satellite launch delayed until spring',
  'Bakery wins national sourdough prize',
];

/** Returns an RSS feed listing every article published up to `day` (feeds keep old items, as real ones do). */
function renderFeed(upToDay: number): string {
  const items: string[] = [];
  for (let day = upToDay; day >= 0; day -= 1) {
    const headline = HEADLINES[day % HEADLINES.length]!;
    items.push(
      `<item><title>${headline}</title><link>https://a.example/${day}</link>` +
        `<guid isPermaLink="false">a-${day}</guid><pubDate>${new Date(BASE + day * DAY).toUTCString()}</pubDate>` +
        `<description>${headline}.</description></item>`,
    );
  }
  return `<?xml version="1.0"?><rss version="2.0"><channel><title>A</title><link>https://a.example/</link><description>d</description>${items.join('')}</channel></rss>`;
}

describe('retention', () => {
  it('keeps only stories within store.retentionDays of the newest article, and the database stops growing', async () => {
    const sourceDir = mkdtempSync(join(tmpdir(), 'storyfeed-retention-'));
    const feedPath = join(sourceDir, 'a.xml');
    const { configPath } = writeTempConfig({ store: { path: 'state/storyfeed.db', retentionDays: 3 } }, [{ id: 'a', name: 'Outlet A', url: feedPath }]);
    const config = await loadConfig(configPath);
    const counts: number[] = [];
    for (let day = 0; day < 12; day += 1) {
      writeFileSync(feedPath, renderFeed(day));
      const report = await runOnce(config, { logger: silentLogger, now: () => new Date(BASE + day * DAY + 3_600_000) });
      counts.push(report.items);
      const feed = readAtom(readFileSync(config.output.feedPath, 'utf8'));
      const newest = BASE + day * DAY;
      for (const entry of feed.entries) expect(Date.parse(entry.updated), `day ${day}: ${entry.updated}`).toBeGreaterThanOrEqual(newest - 3 * DAY);
      expect(feed.entries.some((e) => Date.parse(e.updated) === newest), `day ${day}: newest story present`).toBe(true);
      // An article pruned earlier and still listed by its feed is not taken in again as new.
      if (day > 4) expect(report.newItems, `day ${day}`).toBe(1);
    }
    // Stored items stay bounded by the window instead of growing with every run.
    expect(Math.max(...counts.slice(5))).toBeLessThanOrEqual(4);
    expect(counts[11]).toBeLessThan(12);
    expect(statSync(config.store.path).size).toBeGreaterThan(0);
  });
});
