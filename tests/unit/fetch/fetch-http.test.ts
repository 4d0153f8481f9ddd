import { getEventListeners } from 'node:events';
import { brotliCompressSync, constants, deflateSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { fetchSource, HttpStatusError } from '../../../src/fetch/fetch-source.js';
import { fetchError, options, serve, timers } from '../../support/loopback.js';

const RSS = '<?xml version="1.0"?><rss version="2.0"><channel><title>t</title></channel></rss>';

describe('conditional GET', () => {
  it('sends If-None-Match and If-Modified-Since and returns a 304 as a document, not an error', async () => {
    const { base, requests } = await serve((_req, res) => {
      res.writeHead(304, { ETag: '"v2"' });
      res.end();
    });
    const doc = await fetchSource(
      { id: 's', url: `${base}/feed` },
      options(),
      {},
      { etag: '"v1"', lastModified: 'Wed, 21 Oct 2015 07:28:00 GMT' },
    );
    expect(requests[0]?.headers['if-none-match']).toBe('"v1"');
    expect(requests[0]?.headers['if-modified-since']).toBe('Wed, 21 Oct 2015 07:28:00 GMT');
    expect(doc.status).toBe(304);
    expect(doc.body.byteLength).toBe(0);
    expect(doc.headers.etag).toBe('"v2"');
  });

  it('sends no conditional headers without stored validators', async () => {
    const { base, requests } = await serve((_req, res) => res.end(RSS));
    await fetchSource({ id: 's', url: `${base}/feed` }, options());
    expect(requests[0]?.headers['if-none-match']).toBeUndefined();
    expect(requests[0]?.headers['if-modified-since']).toBeUndefined();
  });
});

describe('content codings', () => {
  it.each([
    ['gzip', gzipSync],
    ['deflate', deflateSync],
    ['br', brotliCompressSync],
  ] as const)('asks for and decodes %s', async (coding, compress) => {
    const { base, requests } = await serve((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/rss+xml', 'Content-Encoding': coding });
      res.end(compress(Buffer.from(RSS)));
    });
    const doc = await fetchSource({ id: 's', url: `${base}/feed` }, options());
    expect(requests[0]?.headers['accept-encoding']).toContain(coding);
    expect(Buffer.from(doc.body).toString('utf8')).toBe(RSS);
  });
});

describe('limits', () => {
  it('ends with fetch/headers-timeout when headers never come, before the total budget', async () => {
    const { base } = await serve(() => undefined);
    const t0 = Date.now();
    const error = await fetchError(
      fetchSource({ id: 's', url: `${base}/hang` }, options({ headersTimeoutMs: 200, timeoutMs: 4_000 })),
    );
    expect(error.code).toBe('fetch/headers-timeout');
    expect(Date.now() - t0).toBeLessThan(4_000); // the total budget never came into play
  });

  it('ends a dripping body with fetch/timeout at the total budget', async () => {
    const { base } = await serve((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/rss+xml' });
      res.write('<rss>');
      timers.push(setInterval(() => res.write(' '), 20)); // headers fast, body forever
    });
    const t0 = Date.now();
    const error = await fetchError(
      fetchSource({ id: 's', url: `${base}/drip` }, options({ headersTimeoutMs: 100, timeoutMs: 400 })),
    );
    expect(error.code).toBe('fetch/timeout');
    expect(Date.now() - t0).toBeLessThan(400 + 3_000);
  });

  it('cuts an endless body at maxBytes', async () => {
    const { base } = await serve((_req, res) => {
      res.writeHead(200);
      timers.push(setInterval(() => res.write(Buffer.alloc(16 * 1024, 0x20)), 2));
    });
    const error = await fetchError(fetchSource({ id: 's', url: `${base}/endless` }, options({ maxBytes: 64 * 1024 })));
    expect(error.code).toBe('fetch/too-large');
  });

  it.each([
    ['gzip', gzipSync],
    ['br', (b: Buffer) => brotliCompressSync(b, { params: { [constants.BROTLI_PARAM_QUALITY]: 4 } })],
  ] as const)('stops a %s decompression bomb at maxBytes', async (coding, compress) => {
    const bomb = compress(Buffer.alloc(64 * 1024 * 1024)); // 64 MiB of zeros, ~64 KiB (gzip) or less on the wire
    expect(bomb.byteLength).toBeLessThan(100 * 1024);
    const { base } = await serve((_req, res) => {
      res.writeHead(200, { 'Content-Encoding': coding, 'Content-Length': String(bomb.byteLength) });
      res.end(bomb);
    });
    const error = await fetchError(fetchSource({ id: 's', url: `${base}/bomb` }, options({ maxBytes: 1024 * 1024 })));
    expect(error.code).toBe('fetch/too-large');
  });
});

describe('the request signal', () => {
  /** A fetch that answers with a body of `chunks` chunks of 1 KB, recording each request's signal. */
  const chunkedFetch = (chunks: number, signals: AbortSignal[]): typeof fetch =>
    (async (_url: string | URL | Request, init?: RequestInit) => {
      if (init?.signal) signals.push(init.signal);
      let sent = 0;
      const body = new ReadableStream<Uint8Array>({
        pull(stream) {
          if (sent++ < chunks) stream.enqueue(new Uint8Array(1024).fill(0x20));
          else stream.close();
        },
      });
      return new Response(body, { status: 200, headers: { 'content-type': 'application/rss+xml' } });
    }) as typeof fetch;

  it('keeps no abort listener once the body is read, so nothing holds on to its chunks', async () => {
    // A listener left on the signal kept every chunk the body was read in alive for as long as undici held the
    // signal (until a finalizer ran): 28 MB at the race's cold run's peak (BENCHMARKS.md, session 10).
    const signals: AbortSignal[] = [];
    const doc = await fetchSource({ id: 's', url: 'http://feeds.invalid/feed' }, options(), {
      fetch: chunkedFetch(40, signals),
    });
    expect(doc.body.byteLength).toBe(40 * 1024);
    expect(signals).toHaveLength(1);
    expect(getEventListeners(signals[0]!, 'abort')).toHaveLength(0);
  });

  it('still ends a body that never finishes at the total budget when the fetch ignores the signal', async () => {
    const neverEnds = (async () =>
      new Response(new ReadableStream<Uint8Array>({ pull: () => new Promise(() => undefined) }), {
        status: 200,
      })) as typeof fetch;
    const error = await fetchError(
      fetchSource({ id: 's', url: 'http://feeds.invalid/feed' }, options({ timeoutMs: 200 }), { fetch: neverEnds }),
    );
    expect(error.code).toBe('fetch/timeout');
  });
});

describe('redirects', () => {
  it('follows a chain and records every hop with its status', async () => {
    const { base, requests } = await serve((req, res) => {
      const next: Record<string, [number, string]> = { '/a': [301, '/b'], '/b': [302, '/c'], '/c': [308, '/feed'] };
      const hop = next[req.url ?? ''];
      if (hop) res.writeHead(hop[0], { Location: hop[1] }).end();
      else res.writeHead(200).end(RSS);
    });
    const doc = await fetchSource({ id: 's', url: `${base}/a` }, options());
    expect(requests.map((r) => r.url)).toEqual(['/a', '/b', '/c', '/feed']);
    expect(doc.url).toBe(`${base}/feed`);
    expect(doc.redirects).toEqual([
      { status: 301, from: `${base}/a`, to: `${base}/b` },
      { status: 302, from: `${base}/b`, to: `${base}/c` },
      { status: 308, from: `${base}/c`, to: `${base}/feed` },
    ]);
  });

  it('detects a loop', async () => {
    const { base, requests } = await serve((req, res) =>
      res.writeHead(302, { Location: req.url === '/x' ? '/y' : '/x' }).end(),
    );
    const error = await fetchError(fetchSource({ id: 's', url: `${base}/x` }, options()));
    expect(error.code).toBe('fetch/redirect-loop');
    expect(requests).toHaveLength(2);
  });

  it('gives up after maxRedirects hops', async () => {
    const { base, requests } = await serve((req, res) =>
      res.writeHead(307, { Location: `/n${Number((req.url ?? '/n0').slice(2)) + 1}` }).end(),
    );
    const error = await fetchError(fetchSource({ id: 's', url: `${base}/n0` }, options({ maxRedirects: 5 })));
    expect(error.code).toBe('fetch/too-many-redirects');
    expect(requests).toHaveLength(6);
  });

  it('refuses a redirect to a non-http URL', async () => {
    const { base } = await serve((_req, res) => res.writeHead(301, { Location: 'file:///etc/passwd' }).end());
    const error = await fetchError(fetchSource({ id: 's', url: `${base}/x` }, options()));
    expect(error.code).toBe('fetch/bad-redirect');
  });
});

describe('status codes', () => {
  it('reports 410 as fetch/gone', async () => {
    const { base } = await serve((_req, res) => res.writeHead(410).end());
    const error = await fetchError(fetchSource({ id: 's', url: `${base}/feed` }, options()));
    expect(error.code).toBe('fetch/gone');
    expect(error.status).toBe(410);
  });

  it.each([
    [429, 'fetch/rate-limited', '120'],
    [503, 'fetch/http-status', 'Wed, 21 Oct 2099 07:28:00 GMT'],
  ])('keeps Retry-After of a %i', async (status, code, retryAfter) => {
    const { base } = await serve((_req, res) => res.writeHead(status, { 'Retry-After': retryAfter }).end());
    const error = await fetchError(fetchSource({ id: 's', url: `${base}/feed` }, options()));
    expect(error).toBeInstanceOf(HttpStatusError);
    expect(error.code).toBe(code);
    expect((error as HttpStatusError).retryAfter).toBe(retryAfter);
  });
});
