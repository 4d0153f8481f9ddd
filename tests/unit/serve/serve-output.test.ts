import { mkdirSync, mkdtempSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { StoryfeedError } from '../../../src/lib/errors.js';
import { silentLogger } from '../../../src/lib/logger.js';
import { serveOutput, type OutputServer } from '../../../src/serve/serve-output.js';
import { writeFileAtomic } from '../../../src/write/write-file-atomic.js';

const ATOM = `<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">${'<entry><id>urn:x</id></entry>'.repeat(50)}</feed>\n`;
const JSON_FEED = `${JSON.stringify({ version: 'https://jsonfeed.org/version/1.1', title: 't', items: [] })}\n`;
const HTML = `<!doctype html><title>page</title>${'<p>story</p>'.repeat(40)}\n`;
const STATUS = '{"ok":true}\n';
const AN_HOUR_AGO = new Date(Date.now() - 3_600_000);

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** Sends one raw request (the path goes on the wire exactly as given, no normalisation, no decompression). */
function send(
  server: OutputServer,
  path: string,
  options: { method?: string; headers?: Record<string, string> } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port: server.port,
        path,
        method: options.method ?? 'GET',
        headers: options.headers ?? {},
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end();
  });
}

/** Writes the four output files into a fresh directory (mtime an hour ago, so Last-Modified is sent) and returns it. */
function makeOutputDir(): string {
  const root = mkdtempSync(join(tmpdir(), 'storyfeed-serve-'));
  const dir = join(root, 'output');
  mkdirSync(dir);
  const files: Record<string, string> = {
    'feed.atom': ATOM,
    'feed.json': JSON_FEED,
    'index.html': HTML,
    'status.json': STATUS,
  };
  for (const [name, text] of Object.entries(files)) {
    writeFileSync(join(dir, name), text);
    utimesSync(join(dir, name), AN_HOUR_AGO, AN_HOUR_AGO);
  }
  writeFileSync(join(root, 'config.json'), '{"secret":"outside output"}');
  writeFileSync(join(dir, 'secret.txt'), 'not allow-listed');
  return dir;
}

const servers: OutputServer[] = [];
async function start(dir = makeOutputDir()): Promise<{ server: OutputServer; dir: string }> {
  const server = await serveOutput({ dir, host: '127.0.0.1', port: 0 }, { logger: silentLogger });
  servers.push(server);
  return { server, dir };
}

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

describe('serveOutput routes', () => {
  const routes: Array<[string, string, string]> = [
    ['/feed.atom', 'application/atom+xml; charset=utf-8', ATOM],
    ['/feed.json', 'application/feed+json; charset=utf-8', JSON_FEED],
    ['/', 'text/html; charset=utf-8', HTML],
    ['/index.html', 'text/html; charset=utf-8', HTML],
    ['/status.json', 'application/json; charset=utf-8', STATUS],
    ['/feed.atom?utm_source=reader', 'application/atom+xml; charset=utf-8', ATOM],
  ];
  it.each(routes)('GET %s', async (path, type, text) => {
    const { server } = await start();
    const answer = await send(server, path);
    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toBe(type);
    expect(answer.body.toString('utf8')).toBe(text);
    expect(answer.headers['content-length']).toBe(String(Buffer.byteLength(text)));
    expect(answer.headers.etag).toMatch(/^"[A-Za-z0-9_-]{27}"$/);
    expect(answer.headers['last-modified']).toBe(
      new Date(Math.floor(AN_HOUR_AGO.getTime() / 1000) * 1000).toUTCString(),
    );
    expect(answer.headers['cache-control']).toMatch(path === '/status.json' ? /^no-cache$/ : /^public, max-age=\d+$/);
    expect(answer.headers['x-content-type-options']).toBe('nosniff');
  });

  it('answers HEAD with the headers of GET and no body', async () => {
    const { server } = await start();
    const get = await send(server, '/feed.atom', { headers: { 'accept-encoding': 'gzip' } });
    const head = await send(server, '/feed.atom', { method: 'HEAD', headers: { 'accept-encoding': 'gzip' } });
    expect(head.status).toBe(200);
    expect(head.body.byteLength).toBe(0);
    for (const name of [
      'content-type',
      'content-length',
      'content-encoding',
      'etag',
      'last-modified',
      'cache-control',
      'vary',
    ]) {
      expect(head.headers[name], name).toBe(get.headers[name]);
    }
  });

  it('forbids scripts on the page (Content-Security-Policy), which has none', async () => {
    const { server } = await start();
    const answer = await send(server, '/');
    expect(answer.headers['content-security-policy']).toContain("default-src 'none'");
    expect(answer.headers['content-security-policy']).not.toContain('script-src');
  });
});

describe('serveOutput validators', () => {
  it('answers 304 to a matching If-None-Match, with the validators and no body', async () => {
    const { server } = await start();
    const first = await send(server, '/feed.atom');
    const again = await send(server, '/feed.atom', { headers: { 'if-none-match': first.headers.etag! } });
    expect(again.status).toBe(304);
    expect(again.body.byteLength).toBe(0);
    expect(again.headers.etag).toBe(first.headers.etag);
    expect(again.headers['cache-control']).toBe(first.headers['cache-control']);
    expect(again.headers['last-modified']).toBe(first.headers['last-modified']);
    expect((await send(server, '/feed.atom', { headers: { 'if-none-match': '"other"' } })).status).toBe(200);
  });

  it('answers 304 to If-Modified-Since at or after Last-Modified, 200 before', async () => {
    const { server } = await start();
    const first = await send(server, '/feed.json');
    const lastModified = first.headers['last-modified']!;
    expect((await send(server, '/feed.json', { headers: { 'if-modified-since': lastModified } })).status).toBe(304);
    const earlier = new Date(Date.parse(lastModified) - 1000).toUTCString();
    expect((await send(server, '/feed.json', { headers: { 'if-modified-since': earlier } })).status).toBe(200);
  });

  it('sends no Last-Modified while the second of the mtime is not over, and then never answers 304 by date', async () => {
    const { server, dir } = await start();
    const before = await send(server, '/feed.atom');
    await writeFileAtomic(join(dir, 'feed.atom'), ATOM.replace('urn:x', 'urn:y'));
    // Deterministic stand-in for "written a moment ago": an mtime that is not in a past second.
    const soon = new Date(Date.now() + 60_000);
    utimesSync(join(dir, 'feed.atom'), soon, soon);
    const after = await send(server, '/feed.atom', {
      headers: { 'if-modified-since': new Date(Date.now() + 120_000).toUTCString() },
    });
    expect(after.status).toBe(200);
    expect(after.headers['last-modified']).toBeUndefined();
    expect(after.headers.etag).not.toBe(before.headers.etag);
    expect(after.body.toString('utf8')).toContain('urn:y');
  });

  it('gives identical bytes the identical ETag across a rewrite', async () => {
    const { server, dir } = await start();
    const first = await send(server, '/status.json');
    writeFileSync(join(dir, 'status.json'), 'x');
    writeFileSync(join(dir, 'status.json'), STATUS);
    const second = await send(server, '/status.json', { headers: { 'if-none-match': first.headers.etag! } });
    expect(second.status).toBe(304);
  });
});

describe('serveOutput compression', () => {
  it.each([
    ['gzip', (b: Buffer) => gunzipSync(b)],
    ['br', (b: Buffer) => brotliDecompressSync(b)],
  ] as const)('sends %s when accepted, with its own ETag and Vary', async (coding, decode) => {
    const { server } = await start();
    const plain = await send(server, '/feed.atom');
    const encoded = await send(server, '/feed.atom', { headers: { 'accept-encoding': coding } });
    expect(encoded.status).toBe(200);
    expect(encoded.headers['content-encoding']).toBe(coding);
    expect(encoded.headers.vary).toBe('Accept-Encoding');
    expect(encoded.body.byteLength).toBeLessThan(plain.body.byteLength);
    expect(encoded.headers['content-length']).toBe(String(encoded.body.byteLength));
    expect(decode(encoded.body).toString('utf8')).toBe(ATOM);
    expect(encoded.headers.etag).not.toBe(plain.headers.etag);
    // Either representation's tag revalidates the content.
    expect((await send(server, '/feed.atom', { headers: { 'if-none-match': encoded.headers.etag! } })).status).toBe(
      304,
    );
  });

  it('sends identity when nothing it can produce is accepted, and for tiny files', async () => {
    const { server } = await start();
    expect(
      (await send(server, '/feed.atom', { headers: { 'accept-encoding': 'deflate' } })).headers['content-encoding'],
    ).toBeUndefined();
    expect(
      (await send(server, '/status.json', { headers: { 'accept-encoding': 'gzip, br' } })).headers['content-encoding'],
    ).toBeUndefined();
  });
});

describe('serveOutput refuses everything else', () => {
  const paths = [
    '/nope',
    '/secret.txt',
    '/../config.json',
    '/%2e%2e/config.json',
    '/%2E%2E%2Fconfig.json',
    '/..%2fconfig.json',
    '/feed.atom/../../config.json',
    '/%2ffeed.atom',
    '//feed.atom',
    '/FEED.ATOM',
    '/feed.atom/',
    '/output/feed.atom',
    '/.feed.atom.1.tmp',
    '/..',
    '/index.html%00.txt',
  ];
  it.each(paths)('404 for %s', async (path) => {
    const { server } = await start();
    const answer = await send(server, path);
    expect(answer.status).toBe(404);
    expect(answer.body.toString('utf8')).not.toContain('secret');
    expect(answer.body.toString('utf8')).not.toContain('allow-listed');
  });

  it('400 for a malformed percent-encoding', async () => {
    const { server } = await start();
    expect((await send(server, '/%E0%A4%A')).status).toBe(400);
  });

  it.each(['POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'])('405 with Allow for %s', async (method) => {
    const { server } = await start();
    const answer = await send(server, '/feed.atom', { method });
    expect(answer.status).toBe(405);
    expect(answer.headers.allow).toBe('GET, HEAD');
  });

  it('does not follow a symlink out of the output directory', async () => {
    const dir = makeOutputDir();
    const outside = join(dir, '..', 'config.json');
    const { rmSync } = await import('node:fs');
    rmSync(join(dir, 'feed.atom'));
    symlinkSync(outside, join(dir, 'feed.atom'));
    const { server } = await start(dir);
    const answer = await send(server, '/feed.atom');
    expect(answer.status).toBe(404);
    expect(answer.body.toString('utf8')).not.toContain('secret');
  });

  it('answers 404 at once for a FIFO (or any non-regular file) at a served name, instead of hanging (issue #15)', async () => {
    const dir = makeOutputDir();
    const { rmSync } = await import('node:fs');
    const { execFileSync } = await import('node:child_process');
    rmSync(join(dir, 'feed.json'));
    execFileSync('mkfifo', [join(dir, 'feed.json')]);
    const { server } = await start(dir);
    // Opening a FIFO for reading blocks until a writer comes: the request would never be answered.
    const answer = await Promise.race([
      send(server, '/feed.json'),
      new Promise<'hung'>((r) => setTimeout(() => r('hung'), 5_000)),
    ]);
    expect(answer).not.toBe('hung');
    expect((answer as Answer).status).toBe(404);
    // And the server still answers the other files.
    expect((await send(server, '/feed.atom')).status).toBe(200);
  });

  it('503 with Retry-After for a known file not generated yet', async () => {
    const root = mkdtempSync(join(tmpdir(), 'storyfeed-serve-empty-'));
    const { server } = await start(root);
    const answer = await send(server, '/feed.atom');
    expect(answer.status).toBe(503);
    expect(answer.headers['retry-after']).toBe('60');
  });
});

describe('serveOutput while a run replaces files', () => {
  it('serves the new file after an atomic replace', async () => {
    const { server, dir } = await start();
    const before = await send(server, '/feed.atom');
    await writeFileAtomic(join(dir, 'feed.atom'), ATOM.replaceAll('urn:x', 'urn:new'));
    const after = await send(server, '/feed.atom', { headers: { 'if-none-match': before.headers.etag! } });
    expect(after.status).toBe(200);
    expect(after.body.toString('utf8')).toContain('urn:new');
  });

  it('serves a same-size file edited in place as the new content (cache keyed by mtime too)', async () => {
    const { server, dir } = await start();
    await send(server, '/status.json');
    writeFileSync(join(dir, 'status.json'), STATUS.replace('true', 'fals'));
    expect((await send(server, '/status.json')).body.toString('utf8')).toBe('{"ok":fals}\n');
  });

  it('never serves a half-written file while runs replace it many times', async () => {
    const { server, dir } = await start();
    const versions = ['a', 'b', 'c'].map(
      (c, i) => `<?xml version="1.0"?>\n<feed>${c.repeat(400_000 + i * 150_000)}</feed>\n`,
    );
    const path = join(dir, 'feed.atom');
    await writeFileAtomic(path, versions[0]!);
    let writing = true;
    const writer = (async () => {
      for (let i = 1; i <= 30; i += 1) await writeFileAtomic(path, versions[i % versions.length]!);
      writing = false;
    })();
    const bodies: string[] = [];
    while (writing) {
      const answers = await Promise.all(
        Array.from({ length: 4 }, () => send(server, '/feed.atom', { headers: { 'accept-encoding': 'identity' } })),
      );
      for (const answer of answers) bodies.push(answer.body.toString('utf8'));
    }
    await writer;
    expect(bodies.length).toBeGreaterThan(0);
    for (const body of bodies) expect(versions).toContain(body);
  });
});

describe('serveOutput listening', () => {
  it('fails with a typed error when the port is taken', async () => {
    const { server } = await start();
    const error = await serveOutput(
      { dir: tmpdir(), host: '127.0.0.1', port: server.port },
      { logger: silentLogger },
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoryfeedError);
    expect((error as StoryfeedError).code).toBe('serve/listen-failed');
    expect((error as StoryfeedError).message).toContain('EADDRINUSE');
  });

  it('reports its URL and stops accepting connections on close', async () => {
    const { server } = await start();
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/`);
    await server.close();
    await expect(send(server, '/feed.atom')).rejects.toThrow(/ECONNREFUSED/);
  });
});

describe('serveOutput and the output set (issue #15)', () => {
  const setOf = (dir: string, generation: string) => [
    { path: join(dir, 'feed.atom'), data: ATOM.replaceAll('urn:x', `urn:${generation}`) },
    { path: join(dir, 'feed.json'), data: JSON_FEED.replace('"t"', `"${generation}"`) },
    { path: join(dir, 'index.html'), data: HTML.replace('page', generation) },
  ];

  it('never mixes two sets: a file published ahead of its set is served only once the whole set is', async () => {
    const { writeFileSet } = await import('../../../src/write/write-file-atomic.js');
    const dir = makeOutputDir();
    await writeFileSet(setOf(dir, 'one'));
    const { server } = await start(dir);
    expect((await send(server, '/feed.atom')).body.toString()).toContain('urn:one');
    // A run publishing set "two" has renamed feed.atom into place, not yet the others nor the manifest
    // (or was killed there).
    await writeFileAtomic(join(dir, 'feed.atom'), setOf(dir, 'two')[0]!.data);
    expect((await send(server, '/feed.atom')).body.toString()).toContain('urn:one');
    expect((await send(server, '/feed.json')).body.toString()).toContain('"one"');
    // The whole set is in place, manifest last: now the new one.
    await writeFileSet(setOf(dir, 'two'));
    expect((await send(server, '/feed.atom')).body.toString()).toContain('urn:two');
    expect((await send(server, '/feed.json')).body.toString()).toContain('"two"');
    expect((await send(server, '/')).body.toString()).toContain('two');
  });

  it('without a manifest (output of an older version) serves the files as they are', async () => {
    const { server, dir } = await start();
    await writeFileAtomic(join(dir, 'feed.atom'), ATOM.replaceAll('urn:x', 'urn:new'));
    expect((await send(server, '/feed.atom')).body.toString()).toContain('urn:new');
  });
});
