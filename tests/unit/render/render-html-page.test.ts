import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseDocument, DomUtils } from 'htmlparser2';
import { describe, expect, it } from 'vitest';
import { renderHtmlPage } from '../../../src/render/render-html-page.js';
import {
  makeBigStory,
  makeFeedMeta,
  makeGoldenStories,
  makeItem,
  makeStoryView,
} from '../../fixtures/render/story-views.js';

type Element = ReturnType<typeof DomUtils.findAll>[number];

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const goldenPath = join(repoRoot, 'tests', 'golden', 'render', 'index.html');
const bigGoldenPath = join(repoRoot, 'tests', 'golden', 'render', 'big-story.html');
const fixedNow = new Date('2024-06-01T00:00:00.000Z');
const dates = { published: '2024-05-01T10:00:00.000Z', updated: '2024-05-01T10:00:00.000Z' };

/** Returns the page parsed by a real HTML parser, with helpers to query it. */
function readPage(html: string) {
  const doc = parseDocument(html);
  const all = (test: (el: Element) => boolean) => DomUtils.findAll(test, doc.children);
  const hasClass = (el: Element, name: string) => (el.attribs.class ?? '').split(/\s+/).includes(name);
  return { doc, all, hasClass, text: (el: Element) => DomUtils.textContent(el).replace(/\s+/g, ' ').trim() };
}

describe('renderHtmlPage golden file', () => {
  it('matches tests/golden/render/index.html', () => {
    const html = renderHtmlPage(makeGoldenStories(), makeFeedMeta(), fixedNow);
    if (process.env.UPDATE_GOLDEN === '1') {
      mkdirSync(dirname(goldenPath), { recursive: true });
      writeFileSync(goldenPath, html, 'utf8');
    }
    if (!existsSync(goldenPath))
      expect.fail(
        `golden file missing: ${goldenPath}\ncreate it with: UPDATE_GOLDEN=1 npx vitest run tests/unit/render, then review the diff`,
      );
    expect(html).toBe(readFileSync(goldenPath, 'utf8'));
  });
});

describe('renderHtmlPage big-story golden file', () => {
  it('matches tests/golden/render/big-story.html (200 articles from 80 outlets)', () => {
    const html = renderHtmlPage([makeBigStory().view], makeFeedMeta(), fixedNow);
    if (process.env.UPDATE_GOLDEN === '1') writeFileSync(bigGoldenPath, html, 'utf8');
    if (!existsSync(bigGoldenPath))
      expect.fail(
        `golden file missing: ${bigGoldenPath}\ncreate it with: UPDATE_GOLDEN=1 npx vitest run tests/unit/render, then review the diff`,
      );
    expect(html).toBe(readFileSync(bigGoldenPath, 'utf8'));
  });
});

describe('renderHtmlPage', () => {
  it('is byte-identical for identical input, whatever the clock says', () => {
    const first = renderHtmlPage(makeGoldenStories(), makeFeedMeta(), fixedNow);
    expect(renderHtmlPage(makeGoldenStories(), makeFeedMeta(), new Date('2099-01-01T00:00:00Z'))).toBe(first);
  });

  it('lets readers discover both feeds and fits a phone screen, without any script', () => {
    const page = readPage(renderHtmlPage(makeGoldenStories(), makeFeedMeta(), fixedNow));
    const alternates = page
      .all((el) => el.name === 'link' && el.attribs.rel === 'alternate')
      .map((el) => [el.attribs.type, el.attribs.href]);
    expect(alternates).toEqual([
      ['application/atom+xml', 'feed.atom'],
      ['application/feed+json', 'feed.json'],
    ]);
    expect(page.all((el) => el.name === 'meta' && el.attribs.name === 'viewport')[0]?.attribs.content).toBe(
      'width=device-width, initial-scale=1',
    );
    expect(page.all((el) => el.name === 'meta' && el.attribs.charset === 'utf-8')).toHaveLength(1);
    expect(page.all((el) => el.name === 'script')).toHaveLength(0);
    expect(page.all((el) => Object.keys(el.attribs).some((name) => name.startsWith('on')))).toHaveLength(0);
    expect(page.all((el) => el.name === 'title').map(page.text)).toEqual(['storyfeed test feed']);
  });

  it('shows each story in order with headline, time, summary, outlet count and every outlet headline linked', () => {
    const page = readPage(renderHtmlPage(makeGoldenStories(), makeFeedMeta(), fixedNow));
    const stories = page.all((el) => el.name === 'article');
    expect(stories.map((s) => s.attribs.id)).toEqual(['story-bridge01', 'story-council02', 'story-weather03']);
    const bridge = stories[0]!;
    const inBridge = (test: (el: Element) => boolean) => DomUtils.findAll(test, bridge.children);
    expect(inBridge((el) => el.name === 'h2').map(page.text)).toEqual(['Harbour bridge reopens after two-year repair']);
    expect(
      inBridge((el) => el.name === 'h2')[0]!.children.some(
        (c) => (c as Element).attribs?.href === 'https://a.example/news/bridge-reopens',
      ),
    ).toBe(true);
    expect(inBridge((el) => page.hasClass(el, 'count')).map(page.text)).toEqual(['3 outlets']);
    expect(inBridge((el) => el.name === 'time')[0]!.attribs.datetime).toBe('2024-05-01T09:15:00.000Z');
    expect(inBridge((el) => page.hasClass(el, 'summary')).map(page.text)).toEqual([
      'The bridge carries 40,000 vehicles a day & reopened at 6am.',
    ]);
    const rows = inBridge((el) => el.name === 'li');
    expect(rows.map(page.text)).toEqual([
      'Outlet A: Harbour bridge reopens after two-year repair 2024-05-01 06:30 UTC',
      'Outlet B: Bridge "finally" open: what changes for commuters 2024-05-01 07:05 UTC',
      'Outlet C: Bridge reopening: traffic back to normal 2024-05-01 09:15 UTC',
    ]);
    expect(rows.map((row) => DomUtils.findOne((el) => el.name === 'a', row.children)?.attribs.href)).toEqual([
      'https://a.example/news/bridge-reopens',
      'https://b.example/2024/05/01/bridge?ref=home&id=7',
      'https://c.example/a/123',
    ]);
    expect(page.text(stories[1]!)).toContain('1 outlet');
    // A story without a URL keeps its headline as text rather than a dead link.
    expect(DomUtils.findAll((el) => el.name === 'a', stories[2]!.children)).toHaveLength(0);
  });

  it('escapes hostile text and refuses non-http links', () => {
    const evil = makeItem({
      id: 'e',
      title: '<script>alert(1)</script> & "quotes"',
      summary: '<img src=x onerror=alert(1)>',
      url: 'javascript:alert(1)',
    });
    const other = makeItem({
      id: 'o',
      sourceId: 'outlet-b',
      sourceName: 'B <b>',
      url: 'https://b.example/" onmouseover="x',
    });
    const html = renderHtmlPage(
      [makeStoryView('urn:storyfeed:story:e', [evil, other], dates)],
      makeFeedMeta({ title: 'T </title><script>' }),
      fixedNow,
    );
    const page = readPage(html);
    expect(page.all((el) => el.name === 'script' || el.name === 'img' || el.name === 'b')).toHaveLength(0);
    expect(page.all((el) => Object.keys(el.attribs).some((name) => name.startsWith('on')))).toHaveLength(0);
    expect(html).not.toContain('javascript:');
    expect(page.text(page.all((el) => el.name === 'h2')[0]!)).toBe('<script>alert(1)</script> & "quotes"');
    expect(page.all((el) => el.name === 'a').map((a) => a.attribs.href)).toContain(
      'https://b.example/" onmouseover="x',
    );
  });

  it('shortens a long summary at a word boundary', () => {
    const long = makeItem({ id: 'l', summary: `${'word '.repeat(100)}end` });
    const page = readPage(
      renderHtmlPage([makeStoryView('urn:storyfeed:story:l', [long], dates)], makeFeedMeta(), fixedNow),
    );
    const summary = page.text(page.all((el) => page.hasClass(el, 'summary'))[0]!);
    expect(summary.length).toBeLessThanOrEqual(220);
    expect(summary).toMatch(/ word…$/);
  });

  it("shows the story's categories (a source's OPML folder first) on its card, at most four", () => {
    const item = makeItem({ id: 'c', categories: ['Tech / AI', 'Chips', 'Markets', 'Asia', 'Earnings'] });
    const page = readPage(
      renderHtmlPage([makeStoryView('urn:storyfeed:story:c', [item], dates)], makeFeedMeta(), fixedNow),
    );
    const shown = page.all((el) => page.hasClass(el, 'categories'));
    expect(shown).toHaveLength(1);
    expect(page.text(shown[0]!)).toBe('Tech / AI · Chips · Markets · Asia');
  });

  it('says so when there are no stories yet', () => {
    const page = readPage(renderHtmlPage([], makeFeedMeta(), fixedNow));
    expect(page.all((el) => el.name === 'article')).toHaveLength(0);
    expect(page.text(page.all((el) => el.name === 'main')[0]!)).toContain('No stories yet');
  });

  it("lists a big story's first 12 outlets, the other 68 behind a <details>, each outlet once with its best article", () => {
    const { view, outletOrder, bestBySource } = makeBigStory();
    const page = readPage(renderHtmlPage([view, ...makeGoldenStories()], makeFeedMeta(), fixedNow));
    const story = page.all((el) => el.name === 'article')[0]!;
    expect(story.attribs.id).toBe('story-big01');
    const inStory = (test: (el: Element) => boolean) => DomUtils.findAll(test, story.children);
    expect(inStory((el) => page.hasClass(el, 'count')).map(page.text)).toEqual(['80 outlets']);
    expect(inStory((el) => page.hasClass(el, 'total')).map(page.text)).toEqual(['200 articles']);
    const lists = inStory((el) => el.name === 'ul');
    expect(lists).toHaveLength(2);
    const rowsOf = (list: Element) => DomUtils.findAll((el) => el.name === 'li', list.children);
    expect(rowsOf(lists[0]!)).toHaveLength(12);
    const details = inStory((el) => el.name === 'details');
    expect(details).toHaveLength(1);
    expect(details[0]!.attribs.open).toBeUndefined();
    expect(DomUtils.findAll((el) => el.name === 'summary', details[0]!.children).map(page.text)).toEqual([
      '+68 more outlets',
    ]);
    expect(DomUtils.findAll((el) => el.name === 'ul', details[0]!.children)).toEqual([lists[1]]);
    expect(rowsOf(lists[1]!)).toHaveLength(68);
    const rows = [...rowsOf(lists[0]!), ...rowsOf(lists[1]!)];
    const best = outletOrder.map((sourceId) => bestBySource.get(sourceId)!);
    expect(rows.map((row) => page.text(DomUtils.findOne((el) => page.hasClass(el, 'outlet'), row.children)!))).toEqual(
      best.map((item) => item.sourceName),
    );
    expect(rows.map((row) => DomUtils.findOne((el) => el.name === 'a', row.children)?.attribs.href)).toEqual(
      best.map((item) => item.url),
    );
    expect(page.text(rows[1]!)).toBe(
      'Northport Herald: River bursts its banks, thousands evacuated 2024-05-01 00:00 UTC · 9 articles',
    );
    // The page dates the story as the feeds do: by its outlets' best articles, not by the newest follow-up.
    expect(inStory((el) => el.name === 'time')[0]!.attribs.datetime).toBe(
      best
        .map((item) => item.date!)
        .sort()
        .at(-1),
    );
    // The other stories keep their plain list.
    expect(page.all((el) => el.name === 'details')).toHaveLength(1);
  });
});
