import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config.js';
import { silentLogger } from '../../src/lib/logger.js';
import { runOnce } from '../../src/pipeline/run-once.js';
import { writeTempConfig } from '../support/demo-config.js';
import { readAtom } from '../support/read-atom.js';

// Outlets publish one at a time, in different orders. Whatever the order, a story is never renamed (an
// article's entry id, once seen, stays), stories only grow, and the end state groups the same articles.
const ORDERS = [
  ['music-outlet-1', 'music-outlet-2', 'music-outlet-3', 'music-outlet-4', 'huffpost'],
  ['huffpost', 'music-outlet-4', 'music-outlet-3', 'music-outlet-2', 'music-outlet-1'],
  ['music-outlet-3', 'huffpost', 'music-outlet-1', 'music-outlet-4', 'music-outlet-2'],
];

async function publishInOrder(order: string[]) {
  const { configPath } = writeTempConfig();
  const full = await loadConfig(configPath);
  const entryOfArticle = new Map<string, string>(); // article URL -> entry id
  const sizeOfEntry = new Map<string, number>();
  for (let i = 1; i <= order.length; i++) {
    const config = { ...full, sources: full.sources.filter((s) => order.slice(0, i).includes(s.id)) };
    await runOnce(config, { logger: silentLogger, now: () => new Date(`2026-11-22T0${i}:00:00Z`) });
    const feed = readAtom(readFileSync(full.output.feedPath, 'utf8'));
    for (const entry of feed.entries) {
      for (const link of entry.related) {
        const before = entryOfArticle.get(link.href);
        if (before !== undefined) expect(entry.id, `${link.title} moved to another story`).toBe(before);
        entryOfArticle.set(link.href, entry.id);
      }
      expect(entry.related.length).toBeGreaterThanOrEqual(sizeOfEntry.get(entry.id) ?? 0); // stories only grow
      sizeOfEntry.set(entry.id, entry.related.length);
    }
  }
  const feed = readAtom(readFileSync(full.output.feedPath, 'utf8'));
  return feed.entries.map((e) => e.related.map((l) => l.href).sort()).sort((a, b) => a[0]!.localeCompare(b[0]!));
}

describe('stories across runs in which outlets publish in different orders', () => {
  it('never renames or shrinks a story, and ends with the same grouping whatever the order', async () => {
    const groupings = [];
    for (const order of ORDERS) groupings.push(await publishInOrder(order));
    expect(groupings[1]).toEqual(groupings[0]);
    expect(groupings[2]).toEqual(groupings[0]);
    expect(groupings[0]!.some((g) => g.length === 5)).toBe(true);
    expect(groupings[0]).toHaveLength(12);
  });
});
