import { readdirSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { describeError, ParseError } from '../../../src/lib/errors.js';
import { errorFrom, readDocument, type DocumentJob, type DocumentResult } from '../../../src/pipeline/read-document.js';
import { createDocumentReader, inlineReader } from '../../../src/pipeline/read-pool.js';
import { initialState } from '../../../src/pipeline/refresh-source.js';
import { neverRead, readThreadsFor } from '../../../src/pipeline/run-once.js';
import { DEFAULTS } from '../../../src/config/schema.js';

// Documents read in worker threads must come back exactly as read on the main thread (issue #7).
// The worker is the compiled dist/pipeline/read-worker.js (tests/global-setup.ts builds dist/ before the suite).

const ROOT = resolve(import.meta.dirname, '..', '..', '..');
const WORKER = pathToFileURL(join(ROOT, 'dist', 'pipeline', 'read-worker.js'));
const FIXTURES = join(ROOT, 'tests', 'fixtures', 'parse');

function jobFor(file: string): DocumentJob {
  return {
    body: readFileSync(join(FIXTURES, file)),
    contentType: file.endsWith('.json') ? 'application/feed+json' : 'application/xml',
    source: { id: 's', name: 'S', url: 'https://example.com/feed' },
    context: { fetchedAt: '2026-01-01T00:00:00.000Z', baseUrl: 'https://example.com/feed', language: 'en' },
  };
}

/** Start a worker with the first document. */
const NOW = { reads: 0, waiting: 1 };

function namedJob(id: string): DocumentJob {
  return { ...jobFor('atom03.xml'), source: { id, name: id, url: 'https://example.com/feed' } };
}

function fixtureWorker(file: string): URL {
  return pathToFileURL(join(ROOT, 'tests', 'fixtures', 'pipeline', file));
}

/** A result without its timings, which differ from run to run. */
function strip(result: Awaited<ReturnType<typeof readDocument>>) {
  const { parseMs, normalizeMs, ...rest } = result;
  expect(parseMs).toBeGreaterThanOrEqual(0);
  expect(normalizeMs).toBeGreaterThanOrEqual(0);
  return rest;
}

describe('document reader pool', () => {
  it('reads every parse fixture (feeds, broken feeds, non-feeds) in workers exactly as on the main thread', async () => {
    const files = readdirSync(FIXTURES).filter((f) => /\.(xml|json|html|rss|atom|rdf)$/.test(f));
    expect(files.length).toBeGreaterThan(20);
    const reader = createDocumentReader(2, WORKER, NOW);
    expect(reader).not.toBe(inlineReader);
    try {
      // Two at a time (the workers' room: nothing waits in the queue, so none is read on this thread).
      const pooled: DocumentResult[] = [];
      for (let i = 0; i < files.length; i += 2)
        pooled.push(...(await Promise.all(files.slice(i, i + 2).map((f) => reader.read(jobFor(f))))));
      const failures = pooled.filter((r) => !r.ok).length;
      expect(failures).toBeGreaterThan(0); // the fixtures include an empty document and an HTML page
      expect(pooled.some((r) => r.ok && r.items.length > 0)).toBe(true);
      files.forEach((f, i) => expect(strip(pooled[i]!), f).toEqual(strip(readDocument(jobFor(f)))));
    } finally {
      await reader.close();
    }
  });

  it('rejects reads after close, and falls back to the main thread without a compiled worker', async () => {
    const reader = createDocumentReader(1, WORKER, NOW);
    await reader.close();
    await expect(reader.read(jobFor('atom03.xml'))).rejects.toThrow('closed');
    expect(createDocumentReader(2, pathToFileURL(join(ROOT, 'no-such-worker.js')), NOW)).toBe(inlineReader);
    expect(createDocumentReader(0, WORKER, NOW)).toBe(inlineReader);
  });

  it('posts a second document to a busy worker instead of waiting for its answer', async () => {
    // The stand-in worker answers only once it holds two documents (tests/fixtures/pipeline/pair-worker.mjs).
    const reader = createDocumentReader(1, fixtureWorker('pair-worker.mjs'), NOW);
    try {
      const results = await Promise.all(['a', 'b'].map((id) => reader.read(namedJob(id))));
      expect(results.map((r) => (r.ok ? '' : r.error.message))).toEqual(['a', 'b']);
    } finally {
      await reader.close();
    }
  });

  it('reads the documents its workers have no room for on the calling thread, and rejects the rest on close', async () => {
    // The stand-in worker never answers: the two posted to it wait; the other three are read here.
    const reader = createDocumentReader(1, fixtureWorker('silent-worker.mjs'), NOW);
    const reads = ['a', 'b', 'c', 'd', 'e'].map((id) => reader.read(namedJob(id)));
    const here = await Promise.all(reads.slice(2));
    here.forEach((r, k) => expect(strip(r)).toEqual(strip(readDocument(namedJob('cde'[k]!)))));
    const waiting = reads.slice(0, 2).map((r) =>
      r.then(
        () => 'answered',
        (e: unknown) => String(e),
      ),
    );
    await reader.close();
    expect(await Promise.all(waiting)).toEqual([expect.stringContaining('closed'), expect.stringContaining('closed')]);
  });

  it('moves a whole-buffer body to a ready worker with nothing to read, and copies a view of a larger one', async () => {
    const reader = createDocumentReader(1, WORKER, NOW);
    try {
      const file = jobFor('atom03.xml');
      const whole = { ...file, body: Uint8Array.from(file.body) }; // its own buffer (readFileSync pools small files)
      const bytes = whole.body.byteLength;
      const inLarger = new Uint8Array(bytes + 8);
      inLarger.set(whole.body, 4);
      const view = { ...jobFor('atom03.xml'), body: inLarger.subarray(4, 4 + bytes) };
      const expected = strip(readDocument(jobFor('atom03.xml')));
      // A worker is given copies until its code has loaded (so a worker that cannot start loses nothing).
      const first = { ...file, body: Uint8Array.from(file.body) };
      expect(strip(await reader.read(first))).toEqual(expected);
      expect(first.body.byteLength).toBe(bytes);
      const [a, b] = await Promise.all([reader.read(whole), reader.read(view)]);
      expect(strip(a!)).toEqual(expected);
      expect(strip(b!)).toEqual(expected);
      expect(whole.body.byteLength).toBe(0); // moved: its memory is the worker's now
      expect(inLarger.byteLength).toBe(bytes + 8); // copied: the larger buffer is untouched
      expect(view.body.byteLength).toBe(bytes);
    } finally {
      await reader.close();
    }
  });

  it('reads every document on the calling thread when its worker cannot start, and loses none', async () => {
    const reader = createDocumentReader(2, fixtureWorker('broken-worker.mjs'), NOW);
    try {
      const ids = ['a', 'b', 'c', 'd', 'e'];
      const results = await Promise.all(ids.map((id) => reader.read(namedJob(id))));
      results.forEach((r, k) => expect(strip(r)).toEqual(strip(readDocument(namedJob(ids[k]!)))));
      expect(results.every((r) => r.ok)).toBe(true);
      // Later documents too.
      expect((await reader.read(namedJob('f'))).ok).toBe(true);
    } finally {
      await reader.close();
    }
  });

  it('fails only the document a worker dies on, and reads the one posted behind it again, in order', async () => {
    const reader = createDocumentReader(1, fixtureWorker('dies-on-boom-worker.mjs'), NOW);
    try {
      await reader.read(namedJob('warm-up')); // the worker is ready: the next document is moved to it
      const reads = ['a', 'boom', 'c', 'd'].map((id) => reader.read(namedJob(id)));
      const settled = await Promise.allSettled(reads);
      const outcome = settled.map((r) =>
        r.status === 'rejected' ? `failed: ${String(r.reason)}` : r.value.ok ? 'ok' : r.value.error.message,
      );
      expect(outcome[0]).toBe('a');
      expect(outcome[1]).toMatch(/failed: .*exited with code 7/);
      // c was posted behind "boom" (a copy) and d waited: a new worker answers them, or this thread reads them.
      expect(outcome[2]).toMatch(/^(c|ok)$/);
      expect(outcome[3]).toMatch(/^(d|ok)$/);
    } finally {
      await reader.close();
    }
  });

  it('ignores answers delivered after its worker was found dead, and settles every read', async () => {
    const reader = createDocumentReader(1, fixtureWorker('throws-after-two-worker.mjs'), NOW);
    try {
      const settled = await Promise.allSettled(['a', 'b', 'c', 'd', 'e'].map((id) => reader.read(namedJob(id))));
      expect(settled).toHaveLength(5);
      expect(settled[0]).toEqual({ status: 'fulfilled', value: expect.objectContaining({ ok: false }) });
      // Every read settled (none left waiting on a dead worker), and each answer went to its own document.
      for (const [k, r] of settled.entries())
        if (r.status === 'fulfilled' && !r.value.ok) expect(r.value.error.message).toBe('abcde'[k]);
    } finally {
      await reader.close();
    }
  });

  it('starts no worker for a few documents, nor while this thread keeps up, and one once many pile up', async () => {
    // The stand-in worker never answers: a document given to it would never be read.
    const reader = createDocumentReader(1, fixtureWorker('silent-worker.mjs'), { reads: 8, waiting: 3 });
    try {
      // Five at once, the first five of the run: all read here.
      const early = await Promise.all(['a', 'b', 'c', 'd', 'e'].map((id) => reader.read(namedJob(id))));
      expect(early.every((r) => r.ok)).toBe(true);
      // One at a time: never three waiting.
      for (const id of ['f', 'g', 'h']) expect((await reader.read(namedJob(id))).ok).toBe(true);
      // Five at once after eight: three wait, so the worker starts and is given two, which it never answers.
      const late = ['i', 'j', 'k', 'l', 'm'].map((id) =>
        reader.read(namedJob(id)).then(
          () => 'read',
          () => 'closed',
        ),
      );
      await new Promise((resolve) => setTimeout(resolve, 200));
      await reader.close();
      expect((await Promise.all(late)).filter((r) => r === 'closed')).toHaveLength(2);
    } finally {
      await reader.close();
    }
  });

  it('starts its worker at once when told that as many documents as START_WORKERS asks for are coming', async () => {
    // The stand-in worker never answers: a document given to it is read only if this thread reads it.
    const few = createDocumentReader(1, fixtureWorker('silent-worker.mjs'), { reads: 8, waiting: 3 });
    try {
      few.expect(7);
      expect((await few.read(namedJob('a'))).ok).toBe(true);
    } finally {
      await few.close();
    }
    const many = createDocumentReader(1, fixtureWorker('silent-worker.mjs'), { reads: 8, waiting: 3 });
    try {
      many.expect(8);
      // The very first document goes to the worker already running, which never answers.
      const first = many.read(namedJob('a')).then(
        () => 'read',
        () => 'closed',
      );
      await new Promise((resolve) => setTimeout(resolve, 200));
      await many.close();
      expect(await first).toBe('closed');
    } finally {
      await many.close();
    }
    // The reader of the calling thread has nothing to start.
    expect(() => inlineReader.expect(1_000)).not.toThrow();
  });

  it('counts as never read a source with no state or a row of its own only, not one read or failing before', () => {
    // A source's state before its first fetch, as readSource starts it.
    const row = initialState({ id: 's', url: 'https://example.com/feed', name: 'S', priority: 0 });
    expect(neverRead(null)).toBe(true);
    expect(neverRead(row)).toBe(true);
    expect(neverRead({ ...row, lastSuccessAt: '2026-01-01T00:00:00.000Z' })).toBe(false);
    expect(neverRead({ ...row, consecutiveFailures: 3, lastError: 'timeout' })).toBe(false);
  });

  it('uses read threads only for runs of 20 sources or more, and never more than the cores less one', () => {
    const cores = availableParallelism();
    const config = (sources: number, readThreads: number) => ({
      fetch: { readThreads },
      sources: Array.from({ length: sources }, (_, i) => `s${i}`),
    });
    expect(DEFAULTS.fetch.readThreads).toBe(1);
    expect(readThreadsFor(config(19, 4))).toBe(0);
    expect(readThreadsFor(config(20, 1))).toBe(Math.min(1, cores - 1));
    expect(readThreadsFor(config(300, 64))).toBe(Math.min(64, cores - 1));
    expect(readThreadsFor(config(300, 0))).toBe(0);
  });

  it('turns a failure described in a worker back into an error describeError reads the same way', () => {
    for (const error of [new ParseError('parse/not-a-feed', 'not a feed: an HTML page'), new Error('boom')]) {
      const described = describeError(error);
      expect(describeError(errorFrom(described))).toEqual(described);
    }
  });
});
