import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { generateCorpus, generateCorpusFiles, type StoryText } from '../../../tools/bench/generate-corpus.js';
import { serveCorpus, type CorpusServer } from '../../../tools/bench/serve-corpus.js';
import { normalizeFeed } from '../../../src/normalize/normalize-feed.js';
import { parseFeed } from '../../../src/parse/parse-feed.js';

// A made-up pool (never dev-set text): three stories, each told by several outlets.
const pool = (): StoryText[] => [
  { articles: ['Harbour bridge reopens after repairs', 'Bridge over the harbour open again', 'Repairs done, harbour bridge reopens'].map(article) },
  { articles: ['Orchestra names new conductor', 'New conductor for city orchestra'].map(article) },
  { articles: ['Storm closes mountain pass', 'Mountain pass shut by storm', 'Snowstorm blocks pass', 'Pass closed as storm hits'].map(article) },
];

function article(title: string) {
  return { title, summary: `${title}. Officials said the change takes effect this week after months of planning and debate.`, body: null };
}

const fetchedAt = '2025-06-02T00:00:00.000Z';

function parseItems(doc: string, id: string) {
  return normalizeFeed(parseFeed(doc), { id, name: id, url: `http://127.0.0.1/${id}` }, { fetchedAt }).items;
}

describe('generateCorpus', () => {
  it('makes S sources of mixed formats with M items each, readable by our parser', () => {
    const { sources, stats } = generateCorpus({ sources: 8, itemsPerSource: 12, pool: pool(), contentWords: 120 });
    expect(sources).toHaveLength(8);
    expect(new Set(sources.map((s) => s.format))).toEqual(new Set(['rss', 'atom', 'rdf', 'json']));
    expect(stats.items).toBe(96);
    expect(stats.fromDevSet).toBe(true);
    for (const s of sources) {
      const items = parseItems(s.document, s.id);
      expect(items).toHaveLength(12);
      expect(items.every((i) => i.dateSource === 'published' && i.contentText.split(/\s+/).length >= 100)).toBe(true);
      expect(items.every((i) => i.url !== null && !i.url.includes('utm_'))).toBe(true);
    }
  });

  it('has stories reported by several outlets, spread over more than one day', () => {
    const { sources } = generateCorpus({ sources: 10, itemsPerSource: 20, pool: pool(), contentWords: 60 });
    const items = sources.flatMap((s) => parseItems(s.document, s.id));
    // guid = [tag:]host:storyInstance:variant
    const stories = items.map((i) => i.guid!.split(':').at(-2)!);
    const sourcesPerStory = new Map<string, Set<string>>();
    stories.forEach((story, n) => sourcesPerStory.set(story, (sourcesPerStory.get(story) ?? new Set()).add(items[n]!.sourceId)));
    expect([...sourcesPerStory.values()].some((s) => s.size >= 2)).toBe(true);
    const times = items.map((i) => Date.parse(i.date!));
    expect(Math.max(...times) - Math.min(...times)).toBeGreaterThan(2 * 86_400_000);
  });

  it('gives 10 % of the sources new items on top in the changed variant, and is deterministic', () => {
    const a = generateCorpus({ sources: 20, itemsPerSource: 10, pool: pool(), contentWords: 40 });
    const b = generateCorpus({ sources: 20, itemsPerSource: 10, pool: pool(), contentWords: 40 });
    expect(a.sources.map((s) => s.document)).toEqual(b.sources.map((s) => s.document));
    const changed = a.sources.filter((s) => s.changedDocument !== null);
    expect(changed).toHaveLength(2);
    expect(a.stats.newItems).toBe(2);
    for (const s of changed) {
      const before = new Set(parseItems(s.document, s.id).map((i) => i.id));
      const after = parseItems(s.changedDocument!, s.id);
      expect(after).toHaveLength(10);
      expect(after.filter((i) => !before.has(i.id))).toHaveLength(1);
      expect(before.has(after[0]!.id)).toBe(false); // the new item is the newest, listed first
    }
  });

  it('falls back to generated text without a pool', () => {
    const { sources, stats } = generateCorpus({ sources: 4, itemsPerSource: 5, contentWords: 50 });
    expect(stats.fromDevSet).toBe(false);
    expect(parseItems(sources[0]!.document, 'x')[0]!.title.split(' ').length).toBeGreaterThanOrEqual(8);
  });
});

describe('serveCorpus', () => {
  let dir: string | undefined;
  let server: CorpusServer | undefined;
  afterEach(async () => {
    await server?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('serves each source on its own loopback address with ETags: 304 when unchanged, 200 in the changed variant', async () => {
    dir = mkdtempSync(join(tmpdir(), 'storyfeed-bench-test-'));
    const manifest = generateCorpusFiles(dir, { sources: 10, itemsPerSource: 3, pool: pool(), contentWords: 30 });
    server = await serveCorpus(manifest);
    const hosts = new Set([...server.urls.values()].map((u) => new URL(u).hostname));
    expect(hosts.size).toBe(10);
    const changed = manifest.sources.find((s) => s.changedFile !== null)!;
    const url = server.urls.get(changed.id)!;
    const first = await fetch(url);
    expect(first.status).toBe(200);
    const etag = first.headers.get('etag')!;
    expect(parseItems(await first.text(), changed.id)).toHaveLength(3);
    expect((await fetch(url, { headers: { 'if-none-match': etag } })).status).toBe(304);
    server.setVariant('changed');
    const next = await fetch(url, { headers: { 'if-none-match': etag } });
    expect(next.status).toBe(200);
    expect(next.headers.get('etag')).not.toBe(etag);
    await next.arrayBuffer();
    expect(server.counts()).toEqual({ ok: 2, notModified: 1, notFound: 0 });
  });
});
