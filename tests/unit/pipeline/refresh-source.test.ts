import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../../src/lib/logger.js';
import type { Source } from '../../../src/model.js';
import { readSource, type ReadSourceOptions, type SourceResult } from '../../../src/pipeline/refresh-source.js';
import type { SourceState } from '../../../src/store/open-store.js';
import { serve } from '../../support/loopback.js';

const RSS = (title: string, extra = '') =>
  `<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>${extra}<item><title>${title}</title><link>https://example.invalid/${encodeURIComponent(title)}</link></item></channel></rss>`;

const options = (overrides: Partial<ReadSourceOptions> = {}): ReadSourceOptions => ({
  timeoutMs: 5_000,
  maxBytes: 1_000_000,
  userAgent: 'storyfeed-test',
  backoffBaseMs: 60_000,
  backoffMaxMs: 3_600_000,
  ...overrides,
});

const source = (url: string): Source => ({ id: 's', name: 'S', url, priority: 0 });
const at = (minutes: number) => new Date(Date.parse('2026-01-01T00:00:00Z') + minutes * 60_000).toISOString();

/** Polls `n` times, feeding each state into the next poll, one `everyMinutes` apart. */
async function poll(src: Source, n: number, opts = options(), start: SourceState | null = null, everyMinutes = 30): Promise<SourceResult[]> {
  const results: SourceResult[] = [];
  let state = start;
  for (let i = 0; i < n; i++) {
    const r = await readSource(src, state, opts, { logger: silentLogger, fetchedAt: at(i * everyMinutes), random: () => 0.5 });
    results.push(r);
    state = r.state;
  }
  return results;
}

describe('readSource: conditional GET', () => {
  it('stores the validators of a 200, sends them, and on a 304 parses nothing and keeps them', async () => {
    const { base, requests } = await serve((req, res) => {
      if (req.headers['if-none-match'] === '"v1"') return void res.writeHead(304).end();
      res.writeHead(200, { ETag: '"v1"', 'Last-Modified': 'Wed, 21 Oct 2015 07:28:00 GMT' }).end(RSS('one'));
    });
    const [first, second] = await poll(source(`${base}/feed`), 2);
    expect(first!.outcome).toMatchObject({ status: 'ok', itemsSeen: 1 });
    expect(first!.state).toMatchObject({ etag: '"v1"', lastModified: 'Wed, 21 Oct 2015 07:28:00 GMT', itemCount: 1 });
    expect(requests[1]?.headers['if-modified-since']).toBe('Wed, 21 Oct 2015 07:28:00 GMT');
    expect(second!.outcome).toMatchObject({ status: 'not-modified', itemsSeen: 0 });
    expect(second!.items).toEqual([]);
    expect(second!.state).toMatchObject({ etag: '"v1"', lastModified: 'Wed, 21 Oct 2015 07:28:00 GMT', itemCount: 1, bodyHash: first!.state.bodyHash });
  });

  it('skips parsing when a 200 carries the same bytes as last time', async () => {
    let body = RSS('one');
    const { base } = await serve((_req, res) => res.writeHead(200).end(body));
    const [first, second] = await poll(source(`${base}/feed`), 2);
    expect(first!.outcome.status).toBe('ok');
    expect(second!.outcome.status).toBe('not-modified');
    expect(second!.items).toEqual([]);
    body = RSS('two');
    const [third] = await poll(source(`${base}/feed`), 1, options(), second!.state);
    expect(third!.outcome).toMatchObject({ status: 'ok', itemsSeen: 1 });
    expect(third!.items[0]!.title).toBe('two');
  });
});

describe('readSource: redirects', () => {
  it('promotes a permanent redirect to the fetch URL after 3 consecutive polls, keeping the configured URL', async () => {
    const { base, requests } = await serve((req, res) => {
      if (req.url === '/old') return void res.writeHead(301, { Location: '/new' }).end();
      res.writeHead(200).end(RSS('x'));
    });
    const src = source(`${base}/old`);
    const results = await poll(src, 4);
    expect(results.map((r) => r.state.redirectCount)).toEqual([1, 2, 0, 0]);
    expect(results[1]!.state.fetchUrl).toBeNull();
    expect(results[2]!.state).toMatchObject({ fetchUrl: `${base}/new`, fetchUrlFrom: `${base}/old`, url: `${base}/old` });
    expect(results[2]!.outcome.warnings.join()).toContain('now fetching');
    expect(requests.map((r) => r.url)).toEqual(['/old', '/new', '/old', '/new', '/old', '/new', '/new']);
    expect(results[3]!.outcome.fetchUrl).toBe(`${base}/new`);
  });

  it('does not promote a redirect that was not seen on consecutive polls', async () => {
    let redirect = true;
    const { base } = await serve((req, res) => {
      if (req.url === '/old' && redirect) return void res.writeHead(308, { Location: '/new' }).end();
      res.writeHead(200).end(RSS('x'));
    });
    const src = source(`${base}/old`);
    const [a, b] = await poll(src, 2);
    redirect = false;
    const [c] = await poll(src, 1, options(), b!.state);
    redirect = true;
    const [d] = await poll(src, 1, options(), c!.state);
    expect([a, b, c, d].map((r) => r!.state.redirectCount)).toEqual([1, 2, 0, 1]);
    expect(d!.state.fetchUrl).toBeNull();
  });
});

describe('readSource: 410 Gone', () => {
  it('disables the source and keeps saying why without requesting it again', async () => {
    const { base, requests } = await serve((_req, res) => res.writeHead(410).end());
    const [first, second] = await poll(source(`${base}/feed`), 2);
    expect(first!.outcome).toMatchObject({ status: 'failed', error: { code: 'fetch/gone' } });
    expect(first!.state.goneUrl).toBe(`${base}/feed`);
    expect(second!.outcome).toMatchObject({ status: 'skipped', skipReason: 'gone', error: { code: 'fetch/gone', stage: 'fetch' } });
    expect(requests).toHaveLength(1);
    // A new URL in the config re-enables it.
    const [third] = await poll(source(`${base}/moved`), 1, options(), second!.state);
    expect(third!.outcome.status).toBe('failed');
    expect(requests).toHaveLength(2);
  });
});

describe('readSource: back-off', () => {
  it.each([
    ['delay-seconds', '7200'],
    ['HTTP-date', 'Thu, 01 Jan 2026 02:00:00 GMT'],
  ])('honours Retry-After on a 429 (%s)', async (_form, retryAfter) => {
    const { base, requests } = await serve((_req, res) => res.writeHead(429, { 'Retry-After': retryAfter }).end());
    const [first, second, third] = await poll(source(`${base}/feed`), 3, options(), null, 60);
    expect(first!.outcome).toMatchObject({ status: 'failed', error: { code: 'fetch/rate-limited' }, nextPollAt: at(120) });
    expect(first!.state).toMatchObject({ nextPollAt: at(120), nextPollReason: 'retry-after' });
    expect(second!.outcome).toMatchObject({ status: 'skipped', skipReason: 'retry-after', nextPollAt: at(120) });
    expect(third!.outcome.status).toBe('failed'); // at +120 min it is polled again
    expect(requests).toHaveLength(2);
  });

  it('backs off exponentially while failing and resets on the first success', async () => {
    let up = false;
    const { base, requests } = await serve((_req, res) => (up ? res.writeHead(200).end(RSS('x')) : res.writeHead(500).end()));
    const src = source(`${base}/feed`);
    // Poll every 10 minutes: with a 10-minute base the delays are 10, 20, 40, 80 min.
    const results = await poll(src, 16, options({ backoffBaseMs: 600_000, backoffMaxMs: 24 * 3_600_000 }), null, 10);
    const polled = results.map((r, i) => [i, r.outcome.status] as const).filter(([, s]) => s === 'failed').map(([i]) => i);
    expect(polled).toEqual([0, 1, 3, 7, 15]);
    expect(results.filter((r) => r.outcome.status === 'skipped').every((r) => r.outcome.skipReason === 'back-off')).toBe(true);
    expect(results[15]!.state.consecutiveFailures).toBe(5);
    up = true;
    const afterCap = await poll(src, 1, options(), { ...results[15]!.state, nextPollAt: null });
    expect(afterCap[0]!.outcome.status).toBe('ok');
    expect(afterCap[0]!.state).toMatchObject({ consecutiveFailures: 0, nextPollAt: null });
    expect(requests).toHaveLength(6);
  });
});

describe('readSource: minimum interval', () => {
  it("honours the feed's <ttl> as a minimum poll interval", async () => {
    const { base, requests } = await serve((_req, res) => res.writeHead(200).end(RSS('x', '<ttl>60</ttl>')));
    const results = await poll(source(`${base}/feed`), 3, options(), null, 30);
    expect(results.map((r) => r.outcome.status)).toEqual(['ok', 'skipped', 'not-modified']);
    expect(results[1]!.outcome).toMatchObject({ skipReason: 'min-interval', nextPollAt: at(60), error: null });
    expect(requests).toHaveLength(2);
  });
});

describe('readSource: the document context from HTTP headers', () => {
  it('resolves relative links against Content-Location and takes the language from Content-Language', async () => {
    const feed = `<?xml version="1.0"?><rss version="2.0"><channel><title>t</title><item><title>Rel</title><link>story/1</link><guid>rel-1</guid></item></channel></rss>`;
    const { base } = await serve((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/rss+xml', 'Content-Location': '/archive/2015/', 'Content-Language': 'de-DE, en' }).end(feed);
    });
    const r = await readSource(source(`${base}/feed.xml`), null, options(), { logger: silentLogger, fetchedAt: at(0) });
    expect(r.outcome.status).toBe('ok');
    expect(r.items[0]!.url).toBe(`${base}/archive/2015/story/1`);
    expect(r.items[0]!.language).toBe('de-DE');
  });
});
