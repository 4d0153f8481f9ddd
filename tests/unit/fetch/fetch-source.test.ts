import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { FetchError } from '../../../src/lib/errors.js';
import { decodeBytes } from '../../../src/decode/decode-bytes.js';
import { fetchSource } from '../../../src/fetch/fetch-source.js';
import { fetchError, options, serve, timers } from '../../support/loopback.js';

const FIXTURE = fileURLToPath(new URL('../../fixtures/fetch/rss2-windows-1252.xml', import.meta.url));

// ---------------------------------------------------------------- files

describe('fetchSource: files', () => {
  let dir: string | undefined;
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
    dir = undefined;
  });

  it('reads an absolute path as status 200 with no headers', async () => {
    const doc = await fetchSource({ id: 'f', url: FIXTURE }, options());
    expect(doc.status).toBe(200);
    expect(doc.headers).toEqual({});
    expect(doc.url).toBe(FIXTURE);
    expect(doc.contentTypeCharset).toBeUndefined();
    expect(decodeBytes(doc.body).text).toContain('<title>Café “News” €</title>');
  });

  it('reads a file: URL', async () => {
    const url = pathToFileURL(FIXTURE).href;
    const doc = await fetchSource({ id: 'f', url }, options());
    expect(doc.url).toBe(url);
    expect(doc.body.byteLength).toBe(0x77);
  });

  it('reports a missing file as fetch/file-not-found', async () => {
    const error = await fetchError(fetchSource({ id: 'f', url: '/nonexistent/storyfeed/feed.xml' }, options()));
    expect(error.code).toBe('fetch/file-not-found');
    expect(error.message).toBe('fetch: file not found: /nonexistent/storyfeed/feed.xml');
  });

  it('rejects a file larger than maxBytes as fetch/too-large', async () => {
    dir = await mkdtemp(join(tmpdir(), 'storyfeed-fetch-'));
    const path = join(dir, 'big.xml');
    await writeFile(path, Buffer.alloc(101, 0x20));
    const error = await fetchError(fetchSource({ id: 'f', url: path }, options({ maxBytes: 100 })));
    expect(error.code).toBe('fetch/too-large');
  });

  it('accepts a file of exactly maxBytes', async () => {
    dir = await mkdtemp(join(tmpdir(), 'storyfeed-fetch-'));
    const path = join(dir, 'exact.xml');
    await writeFile(path, Buffer.alloc(100, 0x41));
    const doc = await fetchSource({ id: 'f', url: path }, options({ maxBytes: 100 }));
    expect(doc.body.byteLength).toBe(100);
  });

  it('reports a directory as fetch/file-error', async () => {
    dir = await mkdtemp(join(tmpdir(), 'storyfeed-fetch-'));
    const error = await fetchError(fetchSource({ id: 'f', url: dir }, options()));
    expect(error.code).toBe('fetch/file-error');
  });
});

// ---------------------------------------------------------------- URLs that never reach the network

describe('fetchSource: URL checks', () => {
  it.each([
    ['ftp://example.invalid/feed.xml', 'fetch/unsupported-protocol'],
    ['data:text/plain,hello', 'fetch/unsupported-protocol'],
    ['feeds/relative.xml', 'fetch/invalid-url'],
  ])('%s → %s', async (url, code) => {
    const error = await fetchError(fetchSource({ id: 's', url }, options()));
    expect(error.code).toBe(code);
  });
});

// ---------------------------------------------------------------- HTTP

describe('fetchSource: HTTP', () => {
  it('returns body, lower-cased headers, charset, final url and duration for a 200', async () => {
    const { base, requests } = await serve((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/rss+xml; charset="ISO-8859-1"', 'X-Custom-Header': 'Yes' });
      res.end(Buffer.from([0x3c, 0x61, 0x3e, 0x93, 0x94, 0x3c, 0x2f, 0x61, 0x3e]));
    });
    const clock = [1_000, 1_042];
    const doc = await fetchSource({ id: 's', url: `${base}/feed` }, options(), { now: () => clock.shift() ?? NaN });
    expect(doc.status).toBe(200);
    expect(doc.url).toBe(`${base}/feed`);
    expect(doc.contentTypeCharset).toBe('ISO-8859-1');
    expect(doc.headers['content-type']).toBe('application/rss+xml; charset="ISO-8859-1"');
    expect(doc.headers['x-custom-header']).toBe('Yes');
    expect(doc.durationMs).toBe(42);
    expect(Array.from(doc.body)).toEqual([0x3c, 0x61, 0x3e, 0x93, 0x94, 0x3c, 0x2f, 0x61, 0x3e]);
    expect(requests).toHaveLength(1);
  });

  it('sends the configured User-Agent and a feed-first Accept header', async () => {
    const { base, requests } = await serve((_req, res) => res.end('<rss/>'));
    await fetchSource({ id: 's', url: `${base}/feed` }, options({ userAgent: 'storyfeed/9.9 (+https://example.invalid/bot)' }));
    expect(requests[0]?.method).toBe('GET');
    expect(requests[0]?.headers['user-agent']).toBe('storyfeed/9.9 (+https://example.invalid/bot)');
    expect(requests[0]?.headers.accept).toMatch(/^application\/atom\+xml, application\/rss\+xml, application\/feed\+json,/);
  });

  it.each([
    [404, 'Not Found'],
    [500, 'Internal Server Error'],
  ])('turns HTTP %i into fetch/http-status with the status', async (status, text) => {
    const { base } = await serve((_req, res) => {
      res.writeHead(status);
      res.end('nope');
    });
    const error = await fetchError(fetchSource({ id: 's', url: `${base}/feed` }, options()));
    expect(error.code).toBe('fetch/http-status');
    expect(error.status).toBe(status);
    expect(error.message).toBe(`fetch: HTTP ${status} ${text} from ${base}/feed`);
  });

  it('times out as fetch/timeout when the server never sends headers', async () => {
    const { base } = await serve(() => {
      // never responds
    });
    const startedMs = Date.now();
    const error = await fetchError(fetchSource({ id: 's', url: `${base}/hang` }, options({ timeoutMs: 200 })));
    expect(error.code).toBe('fetch/timeout');
    // Generous slack: this checks the deadline is enforced at all (the server would hang forever), not speed.
    expect(Date.now() - startedMs).toBeLessThan(200 + 3_000);
  });

  it('times out as fetch/timeout when the body drips past the deadline', async () => {
    const { base } = await serve((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/rss+xml' });
      res.write('<rss>');
      timers.push(setInterval(() => res.write('<!-- drip -->'), 50));
    });
    const startedMs = Date.now();
    const error = await fetchError(fetchSource({ id: 's', url: `${base}/drip` }, options({ timeoutMs: 300 })));
    expect(error.code).toBe('fetch/timeout');
    expect(Date.now() - startedMs).toBeLessThan(300 + 3_000);
  });

  it('aborts a chunked body as soon as it passes maxBytes', async () => {
    let serverSawClose = false;
    let bytesWritten = 0;
    const { base } = await serve((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/rss+xml' }); // no Content-Length: chunked
      res.on('close', () => {
        serverSawClose = true;
      });
      // Endless: only an abort by the client ends this response.
      timers.push(
        setInterval(() => {
          res.write(Buffer.alloc(1024, 0x20));
          bytesWritten += 1024;
        }, 5),
      );
    });
    const error = await fetchError(fetchSource({ id: 's', url: `${base}/endless` }, options({ maxBytes: 4096 })));
    expect(error.code).toBe('fetch/too-large');
    await expect.poll(() => serverSawClose).toBe(true);
    expect(bytesWritten).toBeLessThan(1024 * 1024);
  });

  it('rejects early on a Content-Length over maxBytes', async () => {
    const { base } = await serve((_req, res) => {
      res.writeHead(200, { 'Content-Length': '5000' });
      res.end(Buffer.alloc(5000, 0x20));
    });
    const error = await fetchError(fetchSource({ id: 's', url: `${base}/big` }, options({ maxBytes: 4096 })));
    expect(error.code).toBe('fetch/too-large');
    expect(error.message).toContain('is 5000 bytes');
  });

  it('decodes a gzip-encoded response', async () => {
    const xml = '<?xml version="1.0"?><rss version="2.0"><channel><title>zipped</title></channel></rss>';
    const { base, requests } = await serve((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/rss+xml; charset=utf-8', 'Content-Encoding': 'gzip' });
      res.end(gzipSync(xml));
    });
    const doc = await fetchSource({ id: 's', url: `${base}/gz` }, options());
    expect(requests[0]?.headers['accept-encoding']).toContain('gzip');
    expect(Buffer.from(doc.body).toString('utf8')).toBe(xml);
  });

  it('applies maxBytes to the decoded size of a gzip body', async () => {
    const { base } = await serve((_req, res) => {
      res.writeHead(200, { 'Content-Encoding': 'gzip' });
      res.end(gzipSync(Buffer.alloc(100_000, 0x20))); // ~100 bytes on the wire, 100 kB decoded
    });
    const error = await fetchError(fetchSource({ id: 's', url: `${base}/bomb` }, options({ maxBytes: 10_000 })));
    expect(error.code).toBe('fetch/too-large');
  });

  it('follows a redirect and reports the final url', async () => {
    const { base, requests } = await serve((req, res) => {
      if (req.url === '/old') {
        res.writeHead(301, { Location: '/new' });
        res.end();
      } else {
        res.writeHead(200, { 'Content-Type': 'application/atom+xml' });
        res.end('<feed/>');
      }
    });
    const doc = await fetchSource({ id: 's', url: `${base}/old` }, options());
    expect(doc.url).toBe(`${base}/new`);
    expect(requests.map((r) => r.url)).toEqual(['/old', '/new']);
    expect(Buffer.from(doc.body).toString()).toBe('<feed/>');
  });

  it('reports a refused connection as fetch/network with a cause', async () => {
    const { base, server } = await serve(() => undefined);
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const error = await fetchError(fetchSource({ id: 's', url: `${base}/feed` }, options()));
    expect(error.code).toBe('fetch/network');
    expect(error.cause).toBeDefined();
    expect(error.message).toContain('ECONNREFUSED');
  });

  it('keeps credentials out of error messages', async () => {
    const error = await fetchError(fetchSource({ id: 's', url: 'ftp://user:secret@example.invalid/feed' }, options()));
    expect(error.message).not.toContain('secret');
  });
});

// ---------------------------------------------------------------- injected fetch

describe('fetchSource: injected fetch', () => {
  it('uses the injected fetch and falls back to the request url when response.url is empty', async () => {
    const calls: string[] = [];
    const fakeFetch = (async (input: string | URL | Request) => {
      calls.push(String(input));
      return new Response('{"version":"https://jsonfeed.org/version/1.1"}', {
        status: 200,
        headers: { 'Content-Type': 'application/feed+json' },
      });
    }) as typeof fetch;
    const doc = await fetchSource({ id: 's', url: 'https://example.invalid/feed.json' }, options(), { fetch: fakeFetch });
    expect(calls).toEqual(['https://example.invalid/feed.json']);
    expect(doc.url).toBe('https://example.invalid/feed.json');
    expect(doc.headers['content-type']).toBe('application/feed+json');
    expect(doc.contentTypeCharset).toBeUndefined();
  });

  it('enforces the timeout even when the injected fetch ignores the signal', async () => {
    const stuckFetch = (() => new Promise<Response>(() => undefined)) as typeof fetch;
    const error = await fetchError(
      fetchSource({ id: 's', url: 'https://example.invalid/feed' }, options({ timeoutMs: 50 }), { fetch: stuckFetch }),
    );
    expect(error.code).toBe('fetch/timeout');
  });
});
