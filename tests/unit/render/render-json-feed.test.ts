import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { renderAtom } from '../../../src/render/render-atom.js';
import { renderJsonFeed, type JsonFeedDocument } from '../../../src/render/render-json-feed.js';
import { makeBigStory, makeFeedMeta, makeGoldenStories, makeItem, makeStoryView } from '../../fixtures/render/story-views.js';
import { readAtom } from '../../support/read-atom.js';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const goldenPath = join(repoRoot, 'tests', 'golden', 'render', 'feed.json');
const fixedNow = new Date('2024-06-01T00:00:00.000Z');
const jsonMeta = () => makeFeedMeta({ selfUrl: 'https://feeds.example/feed.json' });
const render = (views = makeGoldenStories()) => JSON.parse(renderJsonFeed(views, jsonMeta(), fixedNow)) as JsonFeedDocument;

describe('renderJsonFeed golden file', () => {
  it('matches tests/golden/render/feed.json', () => {
    const text = renderJsonFeed(makeGoldenStories(), jsonMeta(), fixedNow);
    if (process.env.UPDATE_GOLDEN === '1') {
      mkdirSync(dirname(goldenPath), { recursive: true });
      writeFileSync(goldenPath, text, 'utf8');
    }
    if (!existsSync(goldenPath)) expect.fail(`golden file missing: ${goldenPath}\ncreate it with: UPDATE_GOLDEN=1 npx vitest run tests/unit/render, then review the diff`);
    expect(text).toBe(readFileSync(goldenPath, 'utf8'));
  });
});

describe('renderJsonFeed', () => {
  it('is byte-identical for identical input, whatever the clock says', () => {
    const first = renderJsonFeed(makeGoldenStories(), jsonMeta(), fixedNow);
    expect(renderJsonFeed(makeGoldenStories(), jsonMeta(), fixedNow)).toBe(first);
    expect(renderJsonFeed(makeGoldenStories(), jsonMeta(), new Date('2099-01-01T00:00:00Z'))).toBe(first);
  });

  it('writes a JSON Feed 1.1 top level', () => {
    const feed = render();
    expect(feed.version).toBe('https://jsonfeed.org/version/1.1');
    expect(feed.title).toBe('storyfeed test feed');
    expect(feed.feed_url).toBe('https://feeds.example/feed.json');
    expect(feed.home_page_url).toBe('https://feeds.example/');
    expect(feed.description).toBe('The same story from many outlets, merged');
    expect(feed.authors).toEqual([{ name: 'storyfeed' }]);
    expect(feed._storyfeed).toMatchObject({ feed_id: 'urn:storyfeed:test', updated: '2024-05-01T12:00:00.000Z', about: 'https://github.com/example/storyfeed' });
  });

  it('has the same stories, ids, order, titles, dates and content as the Atom feed', () => {
    const views = makeGoldenStories();
    const atom = readAtom(renderAtom(views, makeFeedMeta(), fixedNow));
    const feed = render(views);
    expect(feed.items.map((i) => i.id)).toEqual(atom.entries.map((e) => e.id));
    expect(feed.items.map((i) => i.title)).toEqual(atom.entries.map((e) => e.title));
    expect(feed.items.map((i) => i.content_html)).toEqual(atom.entries.map((e) => e.content));
    expect(feed.items.map((i) => i.url)).toEqual(atom.entries.map((e) => e.alternate));
    expect(feed.items.map((i) => i.date_modified)).toEqual(atom.entries.map((e) => e.updated));
    expect(feed.items.map((i) => i.date_published)).toEqual(atom.entries.map((e) => e.published || undefined));
  });

  it('lists every outlet article in the _storyfeed extension and in content_html', () => {
    const bridge = render().items[0]!;
    expect(bridge._storyfeed.outlet_count).toBe(3);
    expect(bridge._storyfeed.article_count).toBe(3);
    expect(bridge._storyfeed.articles.map((a) => [a.source_name, a.url])).toEqual([
      ['Outlet A', 'https://a.example/news/bridge-reopens'],
      ['Outlet B', 'https://b.example/2024/05/01/bridge?ref=home&id=7'],
      ['Outlet C', 'https://c.example/a/123'],
    ]);
    expect(bridge._storyfeed.articles[1]).toMatchObject({ source_id: 'outlet-b', title: 'Bridge "finally" open: what changes for commuters', date_published: '2024-05-01T07:05:00.000Z' });
    expect(bridge.content_html).toContain('<a href="https://b.example/2024/05/01/bridge?ref=home&amp;id=7">Bridge &quot;finally&quot; open');
    expect(bridge.summary).toBe('Reported by 3 outlets: Outlet A, Outlet B, Outlet C.');
    expect(bridge.authors).toEqual([{ name: 'Jane Doe' }, { name: 'John Roe' }]);
    expect(bridge.tags).toEqual(['Transport', 'Local', 'City']);
    expect(JSON.stringify(bridge)).not.toContain('must never be copied');
  });

  it('leaves out what a story lacks instead of writing empty or unsafe values', () => {
    const weather = render().items[2]!;
    expect(weather).not.toHaveProperty('url');
    expect(weather._storyfeed.articles[0]!.url).toBeNull();
    const unsafe = makeStoryView('urn:storyfeed:story:x', [makeItem({ id: 'x', url: 'javascript:alert(1)', title: '  ', categories: [] })], {
      published: '2024-05-01T10:00:00.000Z',
      updated: '2024-05-01T10:00:00.000Z',
    });
    const item = render([unsafe]).items[0]!;
    expect(item).not.toHaveProperty('url');
    expect(item).not.toHaveProperty('tags');
    expect(item.title).toBe('(untitled)');
    expect(item.content_html).not.toContain('javascript:');
  });

  it('is valid JSON with no items when there are no stories, dated by the clock', () => {
    const feed = JSON.parse(renderJsonFeed([], jsonMeta(), fixedNow)) as JsonFeedDocument;
    expect(feed.items).toEqual([]);
    expect(feed._storyfeed.updated).toBe('2024-06-01T00:00:00.000Z');
  });

  it('shows a big story as the Atom feed does: same content, updated and outlets, with every article kept for programs', () => {
    const { view, outletOrder } = makeBigStory();
    const views = [view, ...makeGoldenStories()];
    const atom = readAtom(renderAtom(views, makeFeedMeta(), fixedNow));
    const feed = render(views);
    const big = feed.items[0]!;
    expect(big.content_html).toBe(atom.entries[0]!.content);
    expect(big.content_html).toContain('+68 more outlets');
    expect(big.date_modified).toBe(atom.entries[0]!.updated);
    expect(big._storyfeed.outlet_count).toBe(80);
    expect(big._storyfeed.article_count).toBe(200);
    expect(big._storyfeed.articles).toHaveLength(200);
    expect(big._storyfeed.outlets.map((outlet) => outlet.source_id)).toEqual(outletOrder);
    expect(big._storyfeed.outlets.map((outlet) => outlet.url)).toEqual(atom.entries[0]!.related.map((link) => link.href));
    expect(big._storyfeed.outlets.reduce((sum, outlet) => sum + outlet.article_count, 0)).toBe(200);
    expect(big._storyfeed.outlets[0]).toMatchObject({ source_id: 'outlet-07', article_count: 9, url: view.representative.url });
    expect(big.authors).toHaveLength(12);
  });
});
