import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { generateCorpusFiles } from '../../../tools/bench/generate-corpus.js';
import { InFlightCounter } from '../../../tools/bench/in-flight-counter.js';
import { serveCorpus, type CorpusServer } from '../../../tools/bench/serve-corpus.js';

// The peer race checks "at most perHostConcurrency requests in flight to a host" from the server's side.

describe('InFlightCounter', () => {
  it('keeps the peak per host, not the sum over hosts', () => {
    const c = new InFlightCounter();
    c.start('a');
    c.start('a');
    c.start('b');
    c.end('a');
    c.start('a');
    expect(c.inFlight('a')).toBe(2);
    expect(c.peakOf('a')).toBe(2);
    expect(c.peakOf('b')).toBe(1);
    expect(c.peakOf('c')).toBe(0);
    expect(c.maxPeak()).toBe(2);
  });

  it('counts sequential requests as one in flight', () => {
    const c = new InFlightCounter();
    for (let i = 0; i < 5; i++) {
      c.start('h');
      c.end('h');
    }
    expect(c.maxPeak()).toBe(1);
    expect(c.inFlight('h')).toBe(0);
  });

  it('starts the new peaks from what is still in flight after a reset', () => {
    const c = new InFlightCounter();
    c.start('a');
    c.start('a');
    c.start('b');
    c.end('b');
    c.end('a');
    c.resetPeaks();
    expect(c.peakOf('a')).toBe(1);
    expect(c.peakOf('b')).toBe(0);
    expect(c.maxPeak()).toBe(1);
  });

  it('refuses an end without a start', () => {
    expect(() => new InFlightCounter().end('a')).toThrow(/without start/);
  });
});

describe('serveCorpus counts requests in flight per host', () => {
  let dir: string | undefined;
  let server: CorpusServer | undefined;
  afterEach(async () => {
    await server?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  // Sends a request and resolves when the response's headers arrive, leaving its body unread (so it stays in flight).
  const open = (url: string) =>
    new Promise<import('node:http').IncomingMessage>((resolve, reject) => {
      request(url, { agent: false }, resolve).on('error', reject).end();
    });
  const drain = (res: import('node:http').IncomingMessage) =>
    new Promise<void>((resolve) => res.resume().on('end', resolve));

  it('sees concurrent requests to one host, and one at a time as one', async () => {
    dir = mkdtempSync(join(tmpdir(), 'storyfeed-race-test-'));
    // Items big enough that an unread response cannot complete inside the socket buffers.
    const manifest = generateCorpusFiles(dir, { sources: 3, itemsPerSource: 200, contentWords: 600, formats: ['rss'] });
    server = await serveCorpus(manifest, { distinctHosts: false });
    const urls = [...server.urls.values()];
    for (const url of urls) await drain(await open(url));
    expect(server.maxInFlightPerHost()).toBe(1);

    server.resetCounts();
    expect(server.maxInFlightPerHost()).toBe(0);
    const responses = await Promise.all(urls.map(open));
    expect(server.maxInFlightPerHost()).toBe(3);
    await Promise.all(responses.map(drain));
    expect(server.counts()).toEqual({ ok: 3, notModified: 0, notFound: 0 });
  });

  it('counts each host on its own when every source has its own address', async () => {
    dir = mkdtempSync(join(tmpdir(), 'storyfeed-race-test-'));
    const manifest = generateCorpusFiles(dir, {
      sources: 3,
      itemsPerSource: 200,
      contentWords: 600,
      formats: ['atom'],
    });
    server = await serveCorpus(manifest, { distinctHosts: true });
    const responses = await Promise.all([...server.urls.values()].map(open));
    expect(server.maxInFlightPerHost()).toBe(1);
    await Promise.all(responses.map(drain));
  });
});
