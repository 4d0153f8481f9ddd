import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config.js';
import { silentLogger } from '../../src/lib/logger.js';
import type { SourceResult } from '../../src/pipeline/refresh-source.js';
import { readSources } from '../../src/pipeline/refresh-source.js';
import { runOnce } from '../../src/pipeline/run-once.js';
import { openStore } from '../../src/store/open-store.js';

// runOnce stores each source's items as the source settles (issue #7: a run must not hold every document).
// What it stores must not depend on the order sources settle in, retention included.

/** An RSS document whose items are `[guid, date]`. */
function rss(items: [string, string][]): string {
  const body = items
    .map(([guid, date]) => `<item><title>Story ${guid} about the harbour</title><link>https://x.example/${guid}</link><guid isPermaLink="false">${guid}</guid><pubDate>${new Date(date).toUTCString()}</pubDate><description>Text of ${guid}.</description></item>`)
    .join('');
  return `<?xml version="1.0"?><rss version="2.0"><channel><title>T</title><link>https://x.example/</link><description>d</description>${body}</channel></rss>`;
}

/** A fetch serving `docs` by URL, each answered after `delayMs[url]` milliseconds. */
function fakeFetch(docs: Record<string, string>, delayMs: Record<string, number>): typeof fetch {
  return (async (input: string | URL | Request) => {
    const url = String(input);
    await new Promise((r) => setTimeout(r, delayMs[url] ?? 0));
    return new Response(docs[url] ?? '', { status: docs[url] ? 200 : 404, headers: { 'Content-Type': 'application/rss+xml' } });
  }) as typeof fetch;
}

// Source "old" holds an article 12 days older than the newest one "new" brings: with 10 days' retention it is out,
// although it is within 10 days of everything stored or seen when "old" settles first.
const DOCS = {
  'http://old.example/feed': rss([['o1', '2015-01-13T12:00:00Z'], ['o2', '2015-01-20T12:00:00Z'], ['o3', '2015-01-02T12:00:00Z']]),
  'http://new.example/feed': rss([['n1', '2015-01-25T12:00:00Z']]),
};

async function runWith(delays: Record<string, number>) {
  const dir = mkdtempSync(join(tmpdir(), 'storyfeed-stream-'));
  const configPath = join(dir, 'config.json');
  writeFileSync(
    configPath,
    JSON.stringify({
      sources: [
        { id: 'old', name: 'Old', url: 'http://old.example/feed' },
        { id: 'new', name: 'New', url: 'http://new.example/feed' },
      ],
      store: { retentionDays: 10 },
      log: { level: 'silent' },
    }),
  );
  const config = await loadConfig(configPath);
  const report = await runOnce(config, { logger: silentLogger, progress: false, fetch: fakeFetch(DOCS, delays), now: () => new Date('2031-01-01T00:00:00Z') });
  const store = openStore(config.store.path);
  const ids = store.allItems().map((i) => i.guid);
  store.close();
  return { report, ids };
}

describe('storing each source as it settles', () => {
  it('applies the retention cutoff of the whole run, whichever source settles first', async () => {
    const oldFirst = await runWith({ 'http://new.example/feed': 150 });
    const newFirst = await runWith({ 'http://old.example/feed': 150 });
    for (const { report, ids } of [oldFirst, newFirst]) {
      expect(ids.sort()).toEqual(['n1', 'o2']);
      expect(report.newItems).toBe(2);
      expect(report.sources.map((s) => [s.sourceId, s.newItems])).toEqual([
        ['old', 1],
        ['new', 1],
      ]);
    }
  });

  it('readSources hands each result to onResult as it settles, with its config index', async () => {
    const settled: [number, string, number][] = [];
    const sources = [
      { id: 'old', name: 'Old', url: 'http://old.example/feed', priority: 0 },
      { id: 'new', name: 'New', url: 'http://new.example/feed', priority: 0 },
    ];
    const results = await readSources(
      sources,
      () => null,
      { concurrency: 4, perHostConcurrency: 1, hostSpacingMs: 0, timeoutMs: 5_000, maxBytes: 1_000_000, userAgent: 'test' },
      {
        logger: silentLogger,
        fetchedAt: '2031-01-01T00:00:00Z',
        fetch: fakeFetch(DOCS, { 'http://old.example/feed': 150 }),
        onResult: (result: SourceResult, index: number) => {
          settled.push([index, result.outcome.sourceId, result.items.length]);
          result.items = [];
        },
      },
    );
    expect(settled).toEqual([
      [1, 'new', 1],
      [0, 'old', 3],
    ]);
    // Results still come back in config order, without the items onResult took.
    expect(results.map((r) => [r.outcome.sourceId, r.items.length])).toEqual([
      ['old', 0],
      ['new', 0],
    ]);
  });
});
