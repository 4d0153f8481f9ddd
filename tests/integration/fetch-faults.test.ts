// One pipeline run over 20 loopback sources, half of them misbehaving in a different way each: the feed
// is still written, every failure is in status.json with its cause, and the run ends within the budgets.
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config.js';
import { silentLogger } from '../../src/lib/logger.js';
import type { RunReport } from '../../src/model.js';
import { runOnce } from '../../src/pipeline/run-once.js';
import { writeTempConfig } from '../support/demo-config.js';
import { readAtom } from '../support/read-atom.js';

const TOPICS = [
  'Volcano erupts near Reykjavik',
  'Parliament passes budget vote',
  'Marathon record falls in Berlin',
  'Satellite launch delayed by wind',
  'Orchestra premieres lost symphony',
  'Farmers report early wheat harvest',
  'Glacier retreat measured in Alps',
  'Museum returns looted bronzes',
  'Bridge closure snarls traffic',
  'Comet visible to naked eye',
];
const goodFeed = (i: number) =>
  `<?xml version="1.0"?><rss version="2.0"><channel><title>Good ${i}</title><link>https://good${i}.example/</link>` +
  `<item><title>${TOPICS[i]}</title><link>https://good${i}.example/story</link>` +
  `<guid>good-${i}</guid><pubDate>Sat, 21 Nov 2026 0${i}:00:00 GMT</pubDate></item></channel></rss>`;

// Each misbehaviour, and the error code status.json must show for it.
const BAD: Record<string, string> = {
  hang: 'fetch/headers-timeout', // accepts the connection, never answers
  drip: 'fetch/timeout', // headers at once, then a byte every 50 ms forever
  endless: 'fetch/too-large', // an endless chunked body
  bomb: 'fetch/too-large', // 64 MiB of gzip-compressed zeros
  'not-found': 'fetch/http-status',
  'server-error': 'fetch/http-status',
  gone: 'fetch/gone',
  'rate-limited': 'fetch/rate-limited',
  loop: 'fetch/redirect-loop',
  html: 'parse/not-a-feed',
};

let server: Server;
let base: string;
const intervals: NodeJS.Timeout[] = [];
const BOMB = gzipSync(Buffer.alloc(64 * 1024 * 1024));

beforeAll(async () => {
  server = createServer((req, res) => {
    const name = (req.url ?? '/').slice(1);
    const good = /^good-(\d)$/.exec(name);
    if (good) return void res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(goodFeed(Number(good[1])));
    switch (name) {
      case 'hang':
        return;
      case 'drip':
        res.writeHead(200, { 'content-type': 'application/rss+xml' });
        res.write('<rss version="2.0"><channel>');
        intervals.push(setInterval(() => res.write(' '), 50));
        return;
      case 'endless':
        res.writeHead(200, { 'content-type': 'application/rss+xml' });
        intervals.push(setInterval(() => res.write(Buffer.alloc(32 * 1024, 0x20)), 1));
        return;
      case 'bomb':
        return void res.writeHead(200, { 'content-encoding': 'gzip', 'content-type': 'application/rss+xml' }).end(BOMB);
      case 'not-found':
        return void res.writeHead(404).end('no');
      case 'server-error':
        return void res.writeHead(500).end('oops');
      case 'gone':
        return void res.writeHead(410).end();
      case 'rate-limited':
        return void res.writeHead(429, { 'retry-after': '3600' }).end();
      case 'loop':
        return void res.writeHead(302, { location: '/loop-b' }).end();
      case 'loop-b':
        return void res.writeHead(302, { location: '/loop' }).end();
      case 'html':
        return void res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>Home</title><p>Hello');
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  intervals.forEach(clearInterval);
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

describe('a run where half the sources misbehave', () => {
  it('writes the feed, reports every failure with its cause, and ends within the time budgets', async () => {
    const fetch = { timeoutMs: 1_500, headersTimeoutMs: 1_000, maxBytes: 256 * 1024, concurrency: 10, perHostConcurrency: 10, hostSpacingMs: 0, runBudgetMs: 10_000 };
    const sources = [
      ...TOPICS.map((_, i) => ({ id: `good-${i}`, name: `Good ${i}`, url: `${base}/good-${i}` })),
      ...Object.keys(BAD).map((name) => ({ id: name, name, url: `${base}/${name}` })),
    ];
    const { configPath } = writeTempConfig({ fetch }, sources);
    const config = await loadConfig(configPath);

    const t0 = performance.now();
    const report = await runOnce(config, { logger: silentLogger, now: () => new Date('2026-11-22T12:00:00Z') });
    const wallMs = performance.now() - t0;

    // The budget: every source gets at most timeoutMs, `concurrency` at a time; the run budget caps it all.
    const waves = Math.ceil(sources.length / fetch.concurrency);
    const budgetMs = Math.min(fetch.runBudgetMs, waves * fetch.timeoutMs);
    console.info(`fault run: ${Math.round(wallMs)} ms wall time; fetch budget ${budgetMs} ms (${waves} waves × ${fetch.timeoutMs} ms, run budget ${fetch.runBudgetMs} ms)`);
    expect(wallMs).toBeLessThan(budgetMs + 2_000); // slack for parsing, SQLite and a loaded CI machine

    expect(report.feedWritten).toBe(true);
    const status = JSON.parse(readFileSync(config.output.statusPath, 'utf8')) as RunReport;
    const byId = Object.fromEntries(status.sources.map((s) => [s.sourceId, s]));
    for (let i = 0; i < TOPICS.length; i++) expect(byId[`good-${i}`]).toMatchObject({ status: 'ok', itemsSeen: 1, error: null });
    for (const [id, code] of Object.entries(BAD)) {
      expect(byId[id], id).toMatchObject({ status: 'failed', error: { code } });
      expect(byId[id]!.error!.message.length, id).toBeGreaterThan(10);
    }
    expect(byId['rate-limited']!.nextPollAt).toBe('2026-11-22T13:00:00.000Z');
    expect(readAtom(readFileSync(config.output.feedPath, 'utf8')).entries).toHaveLength(TOPICS.length);
  });
});
