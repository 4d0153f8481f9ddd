import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ResolvedConfig } from '../../src/config/resolve-config.js';
import type { OutputServer } from '../../src/serve/serve-output.js';
import { DEMO_CONFIG } from '../support/demo-config.js';
import { readAtom } from '../support/read-atom.js';
import { hasFeedparser, hasNewsboat, makeNewsboat, readWithFeedparser } from './support/feed-readers.js';
import { serveDemo, untilNextSecond } from './support/demo-server.js';
import { serveStories, type StoryServer } from './support/big-story-server.js';
import { makeBigStory, makeGoldenStories, makeItem } from '../fixtures/render/story-views.js';
import { skipReason, withSkipReason } from '../support/skip-reason.js';

let server: OutputServer;
let config: ResolvedConfig;

beforeAll(async () => {
  ({ server, config } = await serveDemo());
});

afterAll(async () => {
  await server?.close();
});

/** The Atom entries as written to disk, read with an XML parser independent of the readers under test. */
function writtenEntries() {
  return readAtom(readFileSync(config.output.feedPath, 'utf8')).entries;
}

const noFeedparser = skipReason(!hasFeedparser(), 'Python feedparser not installed (apt-get install python3-feedparser)');
describe.skipIf(noFeedparser !== null)(withSkipReason('Python feedparser reading the served Atom feed', noFeedparser), () => {
  it('parses it cleanly (no bozo) and sees every story', async () => {
    const feed = await readWithFeedparser(`${server.url}feed.atom`);
    expect(feed.bozo_exception).toBe('');
    expect(feed.bozo).toBe(false);
    expect(feed.status).toBe(200);
    expect(feed.version).toBe('atom10');
    expect(feed.title).toBe('storyfeed demo: one entry per story');
    const written = writtenEntries();
    expect(written).toHaveLength(12);
    expect(feed.entries.map((e) => e.id)).toEqual(written.map((e) => e.id));
    expect(feed.entries.map((e) => e.title)).toEqual(written.map((e) => e.title));
  });

  it('sees every outlet link of the seed story with its title', async () => {
    const feed = await readWithFeedparser(`${server.url}feed.atom`);
    const seed = feed.entries.filter((e) => /run the jewels/i.test(e.title));
    expect(seed).toHaveLength(1);
    const related = seed[0]!.links.filter((l) => l.rel === 'related');
    expect(related).toHaveLength(DEMO_CONFIG.sources.length);
    for (const source of DEMO_CONFIG.sources) {
      const link = related.find((l) => (l.title ?? '').startsWith(`${source.name}: `));
      expect(link, source.name).toBeDefined();
      expect(link!.title!.length).toBeGreaterThan(source.name.length + 10);
      expect(link!.href).toMatch(/^https:\/\/[^/]+\.example\//);
      expect(seed[0]!.content).toContain(link!.href.replace(/&/g, '&amp;'));
    }
    expect(seed[0]!.links.find((l) => l.rel === 'alternate')?.href).toMatch(/^https:\/\//);
  });

  it('gets 304 Not Modified when it polls again with the validators it was given', async () => {
    // Last-Modified is only sent once the second of the feed's mtime is over; the demo run was just now.
    await untilNextSecond();
    const first = await readWithFeedparser(`${server.url}feed.atom`);
    expect(first.etag).toMatch(/^"[^"]+"$/);
    expect(first.modified).toBeTruthy();
    const byEtag = await readWithFeedparser(`${server.url}feed.atom`, { etag: first.etag });
    expect(byEtag.status).toBe(304);
    expect(byEtag.entries).toHaveLength(0);
    const byDate = await readWithFeedparser(`${server.url}feed.atom`, { modified: first.modified });
    expect(byDate.status).toBe(304);
    const stale = await readWithFeedparser(`${server.url}feed.atom`, { etag: '"something-else"' });
    expect(stale.status).toBe(200);
    expect(stale.entries).toHaveLength(12);
  });
});

const noNewsboat = skipReason(!hasNewsboat(), 'newsboat not installed (apt-get install newsboat)');
describe.skipIf(noNewsboat !== null)(withSkipReason('newsboat reading the served Atom feed', noNewsboat), () => {
  it('stores every story exactly once, also after reloading again', async () => {
    const newsboat = makeNewsboat(mkdtempSync(join(tmpdir(), 'storyfeed-newsboat-')), [`${server.url}feed.atom`]);
    await newsboat.reload();
    const written = writtenEntries();
    const first = newsboat.items();
    expect(first.map((i) => i.guid).sort()).toEqual(written.map((e) => e.id).sort());
    expect(new Set(first.map((i) => i.guid)).size).toBe(first.length);
    const seed = first.find((i) => /run the jewels/i.test(i.title));
    expect(seed).toBeDefined();
    for (const source of DEMO_CONFIG.sources) expect(seed!.content).toContain(source.name.replace(/'/g, '&#39;'));

    await newsboat.reload();
    const second = newsboat.items();
    expect(second).toHaveLength(12);
    expect(second.map((i) => i.guid)).toEqual(first.map((i) => i.guid));
  });
});

describe.skipIf(noNewsboat !== null)(withSkipReason('newsboat reading a big story (200 articles from 80 outlets)', noNewsboat), () => {
  let stories: StoryServer;

  beforeAll(async () => {
    stories = await serveStories([makeBigStory().view, ...makeGoldenStories()]);
  });

  afterAll(async () => {
    await stories?.close();
  });

  it('shows it as one item listing 12 outlets and "+68 more", and updates it in place after a follow-up', async () => {
    const { view } = makeBigStory();
    const newsboat = makeNewsboat(mkdtempSync(join(tmpdir(), 'storyfeed-newsboat-big-')), [`${stories.server.url}feed.atom`]);
    await newsboat.reload();
    const items = newsboat.items();
    expect(items).toHaveLength(4);
    const big = items.filter((item) => item.guid === view.story.id);
    expect(big).toHaveLength(1);
    expect(big[0]!.title).toBe(view.representative.title);
    expect(big[0]!.url).toBe(view.representative.url);
    expect(big[0]!.content.match(/<li>/g)).toHaveLength(12);
    expect(big[0]!.content).toContain(`<a href="${stories.server.url}#story-big01">+68 more outlets</a>`);
    expect(big[0]!.content).toContain('200 articles from 80 outlets in all');

    // A follow-up from an outlet already listed: the same item, its content recounted, nothing added.
    const later = '2024-05-03T12:00:00.000Z';
    const followUp = makeItem({ id: 'outlet-00-late', sourceId: 'outlet-00', sourceName: 'Northport Herald', url: 'https://outlet-00.example/late', published: later, date: later });
    stories.write([{ ...view, items: [...view.items, followUp] }, ...makeGoldenStories()]);
    await newsboat.reload();
    const after = newsboat.items();
    expect(after.map((item) => item.guid)).toEqual(items.map((item) => item.guid));
    expect(after.find((item) => item.guid === view.story.id)!.content).toContain('201 articles from 80 outlets in all');
  });
});
