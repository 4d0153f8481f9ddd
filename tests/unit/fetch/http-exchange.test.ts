import { readFileSync } from 'node:fs';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { brotliCompressSync, deflateRawSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { fetchSource } from '../../../src/fetch/fetch-source.js';
import { joinHeaders, nodeExchange } from '../../../src/fetch/http-exchange.js';
import { fetchError, options, serve } from '../../support/loopback.js';

const RSS = '<?xml version="1.0"?><rss version="2.0"><channel><title>t</title></channel></rss>';

/** The body of a GET through nodeExchange, as text. */
async function bodyOf(url: string): Promise<string> {
  const answer = await nodeExchange(new URL(url), {}, new AbortController().signal);
  const parts: Buffer[] = [];
  for await (const chunk of answer.body) parts.push(Buffer.from(chunk));
  return Buffer.concat(parts).toString('utf8');
}

describe('joinHeaders', () => {
  it('lower-cases names and joins a repeated header with ", ", as WHATWG Headers do', () => {
    expect(joinHeaders(['Content-Type', 'text/xml', 'X-A', '1', 'x-a', '2', 'ETag', '"v"'])).toEqual({
      'content-type': 'text/xml',
      'x-a': '1, 2',
      etag: '"v"',
    });
  });
});

describe('nodeExchange: content codings', () => {
  it('decodes raw deflate, which many servers send as "deflate"', async () => {
    const { base } = await serve((_req, res) => {
      res.writeHead(200, { 'Content-Encoding': 'deflate' });
      res.end(deflateRawSync(Buffer.from(RSS)));
    });
    expect(await bodyOf(`${base}/feed`)).toBe(RSS);
  });

  it('undoes two codings, the last applied first', async () => {
    const { base } = await serve((_req, res) => {
      res.writeHead(200, { 'Content-Encoding': 'gzip, br' });
      res.end(brotliCompressSync(gzipSync(Buffer.from(RSS))));
    });
    expect(await bodyOf(`${base}/feed`)).toBe(RSS);
  });

  it('leaves a body with a coding it does not know as sent', async () => {
    const { base } = await serve((_req, res) => {
      res.writeHead(200, { 'Content-Encoding': 'compress' });
      res.end('not really compressed');
    });
    expect(await bodyOf(`${base}/feed`)).toBe('not really compressed');
  });

  it('keeps what a gzip body cut short decoded to', async () => {
    const zipped = gzipSync(Buffer.from(RSS));
    const { base } = await serve((_req, res) => {
      res.writeHead(200, { 'Content-Encoding': 'gzip' });
      res.end(zipped.subarray(0, zipped.length - 8)); // without the trailer (CRC and length)
    });
    expect(await bodyOf(`${base}/feed`)).toBe(RSS);
  });

  it('refuses more than five codings as a network error', async () => {
    const { base } = await serve((_req, res) => {
      res.writeHead(200, { 'Content-Encoding': 'gzip, gzip, gzip, gzip, gzip, gzip' });
      res.end('x');
    });
    const error = await fetchError(fetchSource({ id: 's', url: `${base}/feed` }, options()));
    expect(error.code).toBe('fetch/network');
    expect(error.message).toContain('too many content codings');
  });
});

describe('nodeExchange: connections', () => {
  it('keeps a connection alive across requests to one host, after a 304 as after a body read to its end', async () => {
    const sockets = new Set<Socket>();
    let n = 0;
    const { base } = await serve((req, res) => {
      sockets.add(req.socket);
      if (n++ % 2 === 0) res.end(RSS);
      else {
        res.writeHead(304);
        res.end();
      }
    });
    for (let i = 0; i < 4; i++) {
      const doc = await fetchSource({ id: 's', url: `${base}/feed` }, options());
      expect(doc.status).toBe(i % 2 === 0 ? 200 : 304);
    }
    expect(sockets.size).toBe(1);
  });

  it('refuses a source URL with a user name and password, without showing them or sending a request', async () => {
    const { base, requests } = await serve((_req, res) => res.end(RSS));
    const url = base.replace('http://', 'http://reader:s3cret@');
    const error = await fetchError(fetchSource({ id: 's', url: `${url}/feed` }, options()));
    expect(error.code).toBe('fetch/invalid-url');
    expect(error.message).toContain('user name or password');
    expect(error.message).not.toContain('s3cret');
    expect(requests).toHaveLength(0);
  });

  it('does not follow a redirect to a URL with a user name and password', async () => {
    const { base, requests } = await serve((_req, res) => {
      res.writeHead(302, { Location: `${base.replace('http://', 'http://reader:s3cret@')}/other` });
      res.end();
    });
    const error = await fetchError(fetchSource({ id: 's', url: `${base}/feed` }, options()));
    expect(error.code).toBe('fetch/bad-redirect');
    expect(requests).toHaveLength(1);
  });
});

describe('nodeExchange: https', () => {
  it('checks the server certificate: a self-signed one is a network error naming it, and no body is read', async () => {
    // tests/fixtures/fetch/self-signed.{crt,key}: a certificate for 127.0.0.1 signed by itself (openssl req -x509).
    const fixture = (name: string) => readFileSync(new URL(`../../fixtures/fetch/${name}`, import.meta.url));
    let served = 0;
    const server = createHttpsServer(
      { cert: fixture('self-signed.crt'), key: fixture('self-signed.key') },
      (_req, res) => {
        served++;
        res.end(RSS);
      },
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const error = await fetchError(fetchSource({ id: 's', url: `https://127.0.0.1:${port}/feed` }, options()));
      expect(error.code).toBe('fetch/network');
      expect(error.message).toContain('SELF_SIGNED');
      expect(served).toBe(0);
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
