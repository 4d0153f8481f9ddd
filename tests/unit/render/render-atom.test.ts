import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { renderAtom } from '../../../src/render/render-atom.js';
import type { StoryView } from '../../../src/model.js';
import { makeBigStory, makeFeedMeta, makeGoldenStories, makeItem, makeStoryView } from '../../fixtures/render/story-views.js';
import { readAtom } from '../../support/read-atom.js';
import { isPythonAvailable, readAtomStrictly, type StrictAtom, type StrictEntry } from '../../support/read-atom-strictly.js';
import { skipReason, withSkipReason } from '../../support/skip-reason.js';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const goldenPath = join(repoRoot, 'tests', 'golden', 'render', 'feed.atom');
const bigGoldenPath = join(repoRoot, 'tests', 'golden', 'render', 'big-story.atom');
const schemaPath = resolve(repoRoot, '..', 'shared', 'schemas', 'atom.rnc');
const fixedNow = new Date('2024-06-01T00:00:00.000Z');
const pythonAvailable = isPythonAvailable();
const noPython = skipReason(!pythonAvailable, 'python3 not found (the checks read the feed with Python\'s xml.etree)');
const dates = { published: '2024-05-01T10:00:00.000Z', updated: '2024-05-01T10:00:00.000Z' };

/** Returns true when jing runs, waiting a little in case it is being installed right now. */
function findJing(): boolean {
  for (let attempt = 0; attempt < 10; attempt += 1) {
    if (spawnSync('jing', [], { encoding: 'utf8' }).error === undefined) return true;
    spawnSync('sleep', ['3']);
  }
  return false;
}

/** Returns the strictly parsed document, failing the test when it is not well-formed. */
function readBack(xml: string): Required<StrictAtom> {
  const parsed = readAtomStrictly(xml);
  expect(parsed.error).toBeUndefined();
  expect(parsed.ok).toBe(true);
  return parsed as Required<StrictAtom>;
}

/** Returns the only entry of a strictly parsed one-story feed. */
function onlyEntry(xml: string): StrictEntry {
  const entries = readBack(xml).entries;
  expect(entries).toHaveLength(1);
  return entries[0]!;
}

describe('renderAtom golden file', () => {
  it('matches tests/golden/render/feed.atom', () => {
    const xml = renderAtom(makeGoldenStories(), makeFeedMeta(), fixedNow);
    if (process.env.UPDATE_GOLDEN === '1') {
      mkdirSync(dirname(goldenPath), { recursive: true });
      writeFileSync(goldenPath, xml, 'utf8');
    }
    if (!existsSync(goldenPath)) {
      expect.fail(`golden file missing: ${goldenPath}\ncreate it with: UPDATE_GOLDEN=1 npx vitest run tests/unit/render, then review the diff`);
    }
    expect(xml).toBe(readFileSync(goldenPath, 'utf8'));
  });
});

/** Expects the text to equal the golden file at `path` (written first when UPDATE_GOLDEN=1); a missing golden fails. */
function expectGolden(text: string, path: string): void {
  if (process.env.UPDATE_GOLDEN === '1') {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text, 'utf8');
  }
  if (!existsSync(path)) expect.fail(`golden file missing: ${path}\ncreate it with: UPDATE_GOLDEN=1 npx vitest run tests/unit/render, then review the diff`);
  expect(text).toBe(readFileSync(path, 'utf8'));
}

describe('renderAtom big-story golden file', () => {
  it('matches tests/golden/render/big-story.atom (200 articles from 80 outlets)', () => {
    expectGolden(renderAtom([makeBigStory().view], makeFeedMeta(), fixedNow), bigGoldenPath);
  });
});

describe('renderAtom determinism', () => {
  it('renders the same input to the identical string', () => {
    const first = renderAtom(makeGoldenStories(), makeFeedMeta(), fixedNow);
    const second = renderAtom(makeGoldenStories(), makeFeedMeta(), fixedNow);
    expect(second).toBe(first);
  });

  it('does not depend on now when there are stories', () => {
    const earlier = renderAtom(makeGoldenStories(), makeFeedMeta(), new Date('2000-01-01T00:00:00Z'));
    const later = renderAtom(makeGoldenStories(), makeFeedMeta(), new Date('2099-01-01T00:00:00Z'));
    expect(later).toBe(earlier);
  });
});

describe.skipIf(noPython !== null)(withSkipReason('renderAtom feed level', noPython), () => {
  it('writes a UTF-8 prolog and an Atom root', () => {
    const xml = renderAtom(makeGoldenStories(), makeFeedMeta(), fixedNow);
    expect(xml.startsWith('<?xml version="1.0" encoding="utf-8"?>\n')).toBe(true);
    expect(readBack(xml).root).toBe('{http://www.w3.org/2005/Atom}feed');
  });

  it('sets id, title, subtitle, self and alternate links, generator and author', () => {
    const { feed } = readBack(renderAtom(makeGoldenStories(), makeFeedMeta(), fixedNow));
    expect(feed.id).toBe('urn:storyfeed:test');
    expect(feed.title).toBe('storyfeed test feed');
    expect(feed.subtitle).toBe('The same story from many outlets, merged');
    expect(feed.links).toEqual([
      { href: 'https://feeds.example/storyfeed.atom', rel: 'self', type: 'application/atom+xml' },
      { href: 'https://feeds.example/', rel: 'alternate', type: 'text/html' },
    ]);
    expect(feed.generator).toEqual({
      text: 'storyfeed',
      attributes: { uri: 'https://github.com/example/storyfeed', version: '0.1.0' },
    });
    expect(feed.authors).toEqual(['storyfeed']);
  });

  it('omits subtitle and the alternate link when not configured', () => {
    const meta = makeFeedMeta();
    delete meta.subtitle;
    delete meta.siteUrl;
    const { feed } = readBack(renderAtom(makeGoldenStories(), meta, fixedNow));
    expect(feed.subtitle).toBeNull();
    expect(feed.links.map((link) => link.rel)).toEqual(['self']);
  });

  it('sets feed updated to the latest story.updated whatever the story order', () => {
    const stories = makeGoldenStories().reverse();
    const { feed } = readBack(renderAtom(stories, makeFeedMeta(), fixedNow));
    expect(feed.updated).toBe('2024-05-01T12:00:00.000Z');
  });

  it('uses now as feed updated only when there are no stories', () => {
    const parsed = readBack(renderAtom([], makeFeedMeta(), fixedNow));
    expect(parsed.feed.updated).toBe('2024-06-01T00:00:00.000Z');
    expect(parsed.entries).toEqual([]);
  });

  it('keeps the given story order', () => {
    const stories = makeGoldenStories();
    const reversed = [...stories].reverse();
    const { entries } = readBack(renderAtom(reversed, makeFeedMeta(), fixedNow));
    expect(entries.map((entry) => entry.id)).toEqual(reversed.map((view) => view.story.id));
  });
});

describe.skipIf(noPython !== null)(withSkipReason('renderAtom entries', noPython), () => {
  it('uses the story id as given and the representative title', () => {
    const [bridge] = readBack(renderAtom(makeGoldenStories(), makeFeedMeta(), fixedNow)).entries;
    expect(bridge?.id).toBe('urn:storyfeed:story:bridge01');
    expect(bridge?.title).toBe('Harbour bridge reopens after two-year repair');
    expect(bridge?.titleType).toBe('text');
    expect(bridge?.published).toBe('2024-05-01T06:30:00.000Z');
    expect(bridge?.updated).toBe('2024-05-01T09:15:00.000Z');
  });

  it('links the representative as alternate and each outlet (one article each here) as related, titled "outlet: headline"', () => {
    const [bridge] = readBack(renderAtom(makeGoldenStories(), makeFeedMeta(), fixedNow)).entries;
    expect(bridge?.links).toEqual([
      { href: 'https://a.example/news/bridge-reopens', rel: 'alternate', type: 'text/html' },
      {
        href: 'https://a.example/news/bridge-reopens',
        rel: 'related',
        type: 'text/html',
        title: 'Outlet A: Harbour bridge reopens after two-year repair',
      },
      {
        href: 'https://b.example/2024/05/01/bridge?ref=home&id=7',
        rel: 'related',
        type: 'text/html',
        title: 'Outlet B: Bridge "finally" open: what changes for commuters',
      },
      {
        href: 'https://c.example/a/123',
        rel: 'related',
        type: 'text/html',
        title: 'Outlet C: Bridge reopening: traffic back to normal',
      },
    ]);
  });

  it('uses the chosen representative, not the first member', () => {
    const first = makeItem({ id: 'x1', title: 'First in', url: 'https://a.example/1' });
    const chosen = makeItem({ id: 'x2', sourceId: 'b', sourceName: 'B', title: 'Chosen', url: 'https://b.example/2' });
    const entry = onlyEntry(renderAtom([makeStoryView('urn:s:1', [first, chosen], dates, chosen)], makeFeedMeta(), fixedNow));
    expect(entry.title).toBe('Chosen');
    expect(entry.links.filter((link) => link.rel === 'alternate')).toEqual([
      { href: 'https://b.example/2', rel: 'alternate', type: 'text/html' },
    ]);
  });

  it('omits the alternate link and related links of members without a url', () => {
    const noUrl = makeItem({ id: 'n', url: null });
    const withUrl = makeItem({ id: 'w', sourceId: 'b', sourceName: 'B', url: 'https://b.example/w', title: 'W' });
    const entry = onlyEntry(renderAtom([makeStoryView('urn:s:1', [noUrl, withUrl], dates)], makeFeedMeta(), fixedNow));
    expect(entry.links).toEqual([{ href: 'https://b.example/w', rel: 'related', type: 'text/html', title: 'B: W' }]);
  });

  it('never links a non-http(s) url', () => {
    const item = makeItem({ url: 'javascript:alert(1)' });
    const entry = onlyEntry(renderAtom([makeStoryView('urn:s:1', [item], dates)], makeFeedMeta(), fixedNow));
    expect(entry.links).toEqual([]);
    expect(entry.content).not.toContain('javascript:');
  });

  it('merges member authors in order without duplicates', () => {
    const [bridge] = readBack(renderAtom(makeGoldenStories(), makeFeedMeta(), fixedNow)).entries;
    expect(bridge?.authors).toEqual(['Jane Doe', 'John Roe']);
  });

  it('names the outlets as authors when no member has one', () => {
    const a = makeItem({ id: 'a', authors: [] });
    const b = makeItem({ id: 'b', sourceId: 'b', sourceName: 'Outlet B', authors: [] });
    const a2 = makeItem({ id: 'a2', authors: [] });
    const entry = onlyEntry(renderAtom([makeStoryView('urn:s:1', [a, b, a2], dates)], makeFeedMeta(), fixedNow));
    expect(entry.authors).toEqual(['Outlet A', 'Outlet B']);
  });

  it('merges member categories in order without duplicates', () => {
    const [bridge] = readBack(renderAtom(makeGoldenStories(), makeFeedMeta(), fixedNow)).entries;
    expect(bridge?.categories).toEqual(['Transport', 'Local', 'City']);
  });

  it('summarises a multi-outlet story by its outlets and a single-outlet story by its summary', () => {
    const [bridge, council] = readBack(renderAtom(makeGoldenStories(), makeFeedMeta(), fixedNow)).entries;
    expect(bridge?.summary).toBe('Reported by 3 outlets: Outlet A, Outlet B, Outlet C.');
    expect(bridge?.summaryType).toBe('text');
    expect(council?.summary).toBe('The vote was 7 to 4.');
  });

  it('counts outlets, not articles, in the summary', () => {
    const a1 = makeItem({ id: 'a1', summary: 'Only outlet A.' });
    const a2 = makeItem({ id: 'a2', url: 'https://a.example/2' });
    const entry = onlyEntry(renderAtom([makeStoryView('urn:s:1', [a1, a2], dates)], makeFeedMeta(), fixedNow));
    expect(entry.summary).toBe('Only outlet A.');
  });

  it('lists every member article in the html content from plain-text fields', () => {
    const [bridge] = readBack(renderAtom(makeGoldenStories(), makeFeedMeta(), fixedNow)).entries;
    expect(bridge?.contentType).toBe('html');
    const html = bridge?.content ?? '';
    expect(html.match(/<li>/g)).toHaveLength(3);
    expect(html).toContain('<strong>Outlet B</strong>');
    expect(html).toContain(
      '<a href="https://b.example/2024/05/01/bridge?ref=home&amp;id=7">Bridge &quot;finally&quot; open: what changes for commuters</a>',
    );
    expect(html).toContain('<time datetime="2024-05-01T07:05:00.000Z">2024-05-01 07:05 UTC</time>');
    expect(html).toContain('<p>Commuters &lt;3 the new cycle lane.</p>');
    expect(html).toContain('<p>The bridge carries 40,000 vehicles a day &amp; reopened at 6am.</p>');
    expect(html).not.toContain('must never be copied');
  });
});

describe.skipIf(noPython !== null)(withSkipReason('renderAtom escaping', noPython), () => {
  it('keeps & and " in attribute values exact', () => {
    const item = makeItem({
      sourceName: 'Smith & "Sons"',
      url: 'https://a.example/?a=1&b="2"&c=&amp;',
      title: "Q&A: 'it\"s' <fine>",
      categories: ['R&D "lab"'],
    });
    const entry = onlyEntry(renderAtom([makeStoryView('urn:s:1', [item], dates)], makeFeedMeta(), fixedNow));
    expect(entry.links[0]).toEqual({ href: 'https://a.example/?a=1&b="2"&c=&amp;', rel: 'alternate', type: 'text/html' });
    expect(entry.links[1]?.title).toBe('Smith & "Sons": Q&A: \'it"s\' <fine>');
    expect(entry.categories).toEqual(['R&D "lab"']);
  });

  it('keeps ]]> in titles, summaries and content exact', () => {
    const item = makeItem({ title: 'a]]>b ]]]]> c', summary: 'x ]]> y <![CDATA[ z' });
    const xml = renderAtom([makeStoryView('urn:s:1', [item], dates)], makeFeedMeta(), fixedNow);
    const entry = onlyEntry(xml);
    expect(entry.title).toBe('a]]>b ]]]]> c');
    expect(entry.summary).toBe('x ]]> y <![CDATA[ z');
    expect(entry.content).toContain('<p>x ]]&gt; y &lt;![CDATA[ z</p>');
  });

  it('keeps < and & in titles exact, without whitespace added around them', () => {
    const item = makeItem({ title: '<b>Breaking</b> & "more" < less', authors: ['Tom & <Jerry>'] });
    const meta = makeFeedMeta({ id: 'https://feeds.example/feed?a=1&b=2', title: 'News <&> views' });
    const parsed = readBack(renderAtom([makeStoryView('urn:s:1', [item], dates)], meta, fixedNow));
    expect(parsed.feed.id).toBe('https://feeds.example/feed?a=1&b=2');
    expect(parsed.feed.title).toBe('News <&> views');
    expect(parsed.entries[0]?.title).toBe('<b>Breaking</b> & "more" < less');
    expect(parsed.entries[0]?.authors).toEqual(['Tom & <Jerry>']);
  });

  it('keeps a literal &apos; in text exact (feedsmith would turn it into an apostrophe)', () => {
    const item = makeItem({ title: 'It&apos;s <here>', summary: 'Don&apos;t', sourceName: 'A&apos;B' });
    const entry = onlyEntry(renderAtom([makeStoryView('urn:s:1', [item], dates)], makeFeedMeta(), fixedNow));
    expect(entry.title).toBe('It&apos;s <here>');
    expect(entry.summary).toBe('Don&apos;t');
    expect(entry.links[1]?.title).toBe('A&apos;B: It&apos;s <here>');
    expect(entry.content).toContain('<p>Don&amp;apos;t</p>');
  });

  it('emits no CDATA sections', () => {
    const xml = renderAtom(makeGoldenStories(), makeFeedMeta(), fixedNow);
    expect(xml).not.toContain('<![CDATA[');
  });

  it('strips XML-invalid control characters from every string', () => {
    const item = makeItem({
      title: 'Bad\u0000 \u0008title\uFFFE\uD800',
      summary: 'sum\u001Bmary',
      sourceName: 'Out\u0007let',
      authors: ['Au\u0001thor'],
      categories: ['ca\u000Bt'],
      url: 'https://a.example/\u0002x',
    });
    const meta = makeFeedMeta({ title: 'Feed\u0003', author: 'me\u0004' });
    const xml = renderAtom([makeStoryView('urn:s:1\u0005', [item], dates)], meta, fixedNow);
    const parsed = readBack(xml);
    const entry = parsed.entries[0];
    expect(parsed.feed.title).toBe('Feed');
    expect(parsed.feed.authors).toEqual(['me']);
    expect(entry?.id).toBe('urn:s:1');
    expect(entry?.title).toBe('Bad title');
    expect(entry?.summary).toBe('summary');
    expect(entry?.authors).toEqual(['Author']);
    expect(entry?.categories).toEqual(['cat']);
    expect(entry?.links[0]?.href).toBe('https://a.example/x');
    expect(entry?.links[1]?.title).toBe('Outlet: Bad title');
  });

  it('falls back to "(untitled)" when nothing printable is left of a title', () => {
    const item = makeItem({ title: '\u0000\u0001 ' });
    const entry = onlyEntry(renderAtom([makeStoryView('urn:s:1', [item], dates)], makeFeedMeta(), fixedNow));
    expect(entry.title).toBe('(untitled)');
  });
});

const schemaExists = existsSync(schemaPath);
const jingAvailable = schemaExists && findJing();

describe('renderAtom schema', () => {
  const noJing = !schemaExists ? `no Atom RELAX NG schema at ${schemaPath} (../shared/schemas)` : !jingAvailable ? 'jing not installed (apt-get install jing)' : null;
  it.skipIf(noJing !== null)(withSkipReason('validates against the Atom RELAX NG schema with jing', noJing), () => {
    const directory = mkdtempSync(join(tmpdir(), 'storyfeed-jing-'));
    try {
      const stories = makeGoldenStories();
      stories.push(
        makeStoryView('urn:s:tricky', [makeItem({ title: 'a]]>b <c> & "d"', url: 'https://x.example/?a=1&b=2' })], dates),
      );
      const files = {
        full: renderAtom(stories, makeFeedMeta(), fixedNow),
        empty: renderAtom([], makeFeedMeta({ subtitle: undefined, siteUrl: undefined }), fixedNow),
        big: renderAtom([makeBigStory().view, ...makeGoldenStories()], makeFeedMeta(), fixedNow),
      };
      for (const [name, xml] of Object.entries(files)) {
        const file = join(directory, `${name}.atom`);
        writeFileSync(file, xml, 'utf8');
        const result = spawnSync('jing', ['-c', schemaPath, file], { encoding: 'utf8' });
        // The Debian jing wrapper warns on stderr about optional jars it cannot find; only real diagnostics count.
        const diagnostics = `${result.stdout}${result.stderr}`.split('\n').filter((line) => line && !line.startsWith('[warning]'));
        expect(diagnostics, `${name} feed`).toEqual([]);
        expect(result.status, `${name} feed`).toBe(0);
      }
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });
});

/** Returns the view with `item` added as its newest member, the story's own updated moved as the clusterer moves it. */
function withMember(view: StoryView, item: ReturnType<typeof makeItem>): StoryView {
  const latest = [view.story.updated, item.date ?? ''].sort().at(-1)!;
  return {
    ...view,
    story: { ...view.story, members: [...view.story.members, { itemId: item.id, score: 0.5, terms: [] }], updated: latest },
    items: [...view.items, item],
  };
}

/** Returns the only entry of a one-story feed, read with an XML parser independent of the renderer. */
function readOnlyEntry(xml: string) {
  const { entries } = readAtom(xml);
  expect(entries).toHaveLength(1);
  return entries[0]!;
}

describe('renderAtom one related link per outlet', () => {
  it('links an outlet with several articles once: its earliest article, or the representative when that is its own', () => {
    const a1 = makeItem({ id: 'a1', url: 'https://a.example/1', title: 'A later', date: '2024-05-01T10:00:00.000Z' });
    const a0 = makeItem({ id: 'a0', url: 'https://a.example/0', title: 'A first', date: '2024-05-01T08:00:00.000Z' });
    const b1 = makeItem({ id: 'b1', sourceId: 'b', sourceName: 'B', url: 'https://b.example/1', title: 'B only', date: '2024-05-01T09:00:00.000Z' });
    const b2 = makeItem({ id: 'b2', sourceId: 'b', sourceName: 'B', url: 'https://b.example/2', title: 'B rep', date: '2024-05-01T11:00:00.000Z' });
    const entry = readOnlyEntry(renderAtom([makeStoryView('urn:s:1', [a1, b1, a0, b2], dates, b2)], makeFeedMeta(), fixedNow));
    // The representative's outlet first (with the representative), then the others by first report.
    expect(entry.related).toEqual([
      { href: 'https://b.example/2', title: 'B: B rep' },
      { href: 'https://a.example/0', title: 'Outlet A: A first' },
    ]);
  });

  it("links an outlet's earliest article that has a link when its first report has none", () => {
    const first = makeItem({ id: 'a0', url: null, date: '2024-05-01T08:00:00.000Z' });
    const later = makeItem({ id: 'a1', url: 'https://a.example/1', title: 'Linked', date: '2024-05-01T09:00:00.000Z' });
    const rep = makeItem({ id: 'b', sourceId: 'b', sourceName: 'B', url: 'https://b.example/b', title: 'Rep' });
    const entry = readOnlyEntry(renderAtom([makeStoryView('urn:s:1', [first, later, rep], dates, rep)], makeFeedMeta(), fixedNow));
    expect(entry.related.map((link) => link.href)).toEqual(['https://b.example/b', 'https://a.example/1']);
  });
});

describe('renderAtom a follow-up in a small story', () => {
  it('keeps the links, rows with summaries and updated, and counts the articles under the list', () => {
    const [bridge] = makeGoldenStories();
    const before = readOnlyEntry(renderAtom([bridge!], makeFeedMeta(), fixedNow));
    const later = '2024-05-02T08:00:00.000Z';
    const followUp = makeItem({ id: 'bridge-b2', sourceId: 'outlet-b', sourceName: 'Outlet B', url: 'https://b.example/2024/05/02/bridge', title: 'Bridge: day two', summary: 'Day two.', published: later, date: later });
    const after = readOnlyEntry(renderAtom([withMember(bridge!, followUp)], makeFeedMeta(), fixedNow));
    expect(after.updated).toBe(before.updated);
    expect(after.related).toEqual(before.related);
    expect(after.content).toContain('(<time datetime="2024-05-01T07:05:00.000Z">2024-05-01 07:05 UTC</time> · 2 articles)</small></p><p>Commuters &lt;3 the new cycle lane.</p>');
    expect(after.content).toMatch(/<\/ul>\n<p>4 articles from 3 outlets in all\.<\/p>$/);
    expect(after.content).not.toContain('day two');
    expect(before.content).not.toContain('in all');
  });
});

describe('renderAtom a big story (issue #12: 200 articles from 80 outlets)', () => {
  it('renders the same feed whatever order its members are in', () => {
    const { view } = makeBigStory();
    const reversed = { ...view, items: [...view.items].reverse() };
    expect(renderAtom([reversed], makeFeedMeta(), fixedNow)).toBe(renderAtom([view], makeFeedMeta(), fixedNow));
  });

  it('has one related link per outlet, to its best article, in display order', () => {
    const { view, outletOrder, bestBySource } = makeBigStory();
    expect(view.items).toHaveLength(200);
    const entry = readOnlyEntry(renderAtom([view], makeFeedMeta(), fixedNow));
    const best = outletOrder.map((sourceId) => bestBySource.get(sourceId)!);
    expect(entry.related).toHaveLength(80);
    expect(new Set(entry.related.map((link) => link.href)).size).toBe(80);
    expect(entry.related).toEqual(best.map((item) => ({ href: item.url, title: `${item.sourceName}: ${item.title}` })));
    // The representative is a follow-up: its outlet links it, not the outlet's first report.
    expect(entry.related[0]!.href).toBe(view.representative.url);
    expect(view.items.some((item) => item.sourceId === view.representative.sourceId && item.date! < view.representative.date!)).toBe(true);
    expect(entry.alternate).toBe(view.representative.url);
  });

  it('lists 12 outlets in its content, one line each, then "+68 more outlets" linked to the page and the totals', () => {
    const { view, outletOrder, bestBySource } = makeBigStory();
    const { content } = readOnlyEntry(renderAtom([view], makeFeedMeta(), fixedNow));
    const names = outletOrder.map((sourceId) => bestBySource.get(sourceId)!.sourceName);
    expect(content.match(/<li>/g)).toHaveLength(12);
    expect([...content.matchAll(/<li><strong>([^<]*)<\/strong>/g)].map((m) => m[1])).toEqual(names.slice(0, 12));
    for (const hidden of names.slice(12)) expect(content).not.toContain(`<strong>${hidden}</strong>`);
    expect(content).toContain('<p><strong><a href="https://feeds.example/#story-big01">+68 more outlets</a></strong> · 200 articles from 80 outlets in all.</p>');
    // One line per outlet: the representative's summary leads, the rows carry none.
    expect(content.startsWith(`<p>${view.representative.summary}</p>\n<ul>`)).toBe(true);
    expect(content.match(/reports on the flood/g)).toHaveLength(1);
    expect(content).toContain('(<time datetime="2024-05-01T00:00:00.000Z">2024-05-01 00:00 UTC</time> · 9 articles)');
  });

  it('says "+68 more outlets" without a link when the feed has no page', () => {
    const meta = makeFeedMeta();
    delete meta.siteUrl;
    const { content } = readOnlyEntry(renderAtom([makeBigStory().view], meta, fixedNow));
    expect(content).toContain('<p><strong>+68 more outlets</strong> · 200 articles from 80 outlets in all.</p>');
  });

  it('summarises by the first 12 outlets and the count of the rest, and credits only their authors', () => {
    const { view, outletOrder, bestBySource } = makeBigStory();
    const xml = renderAtom([view], makeFeedMeta(), fixedNow);
    const shown = outletOrder.slice(0, 12).map((sourceId) => bestBySource.get(sourceId)!);
    const summary = `Reported by 80 outlets in 200 articles: ${shown.map((item) => item.sourceName).join(', ')} and 68 more.`;
    expect(xml).toContain(`<summary type="text">${summary}</summary>`);
    const authors = [...xml.matchAll(/<name>([^<]*)<\/name>/g)].map((m) => m[1]).slice(1);
    expect(authors).toEqual(shown.flatMap((item) => item.authors));
  });

  it('keeps updated when an outlet already listed adds a follow-up; a new outlet or an edited best article moves it', () => {
    const { view, bestBySource } = makeBigStory();
    const base = renderAtom([view], makeFeedMeta(), fixedNow);
    const baseEntry = readOnlyEntry(base);
    const newestFirstReport = [...bestBySource.values()].map((item) => item.date!).sort().at(-1);
    expect(baseEntry.updated).toBe(newestFirstReport);
    // Re-rendering the unchanged story, at another time, gives the same bytes.
    expect(renderAtom([makeBigStory().view], makeFeedMeta(), new Date('2030-01-01T00:00:00.000Z'))).toBe(base);

    const later = '2024-05-03T12:00:00.000Z';
    const followUp = makeItem({ id: 'outlet-00-late', sourceId: 'outlet-00', sourceName: 'Northport Herald', url: 'https://outlet-00.example/late', title: 'Late', published: later, date: later });
    const withFollowUp = readAtom(renderAtom([withMember(view, followUp)], makeFeedMeta(), fixedNow));
    expect(withFollowUp.entries[0]!.updated).toBe(baseEntry.updated);
    expect(withFollowUp.updated).toBe(readAtom(base).updated);
    expect(withFollowUp.entries[0]!.related).toEqual(baseEntry.related);
    // The content still counts it.
    expect(withFollowUp.entries[0]!.content).toContain('201 articles from 80 outlets in all');

    const newcomer = makeItem({ id: 'new-0', sourceId: 'new', sourceName: 'Newcomer', url: 'https://new.example/0', published: later, date: later });
    const withNewcomer = readOnlyEntry(renderAtom([withMember(view, newcomer)], makeFeedMeta(), fixedNow));
    expect(withNewcomer.updated).toBe(later);
    expect(withNewcomer.related).toHaveLength(81);

    const edited = { ...view, items: view.items.map((item) => (item.id === 'outlet-00-0' ? { ...item, title: 'Corrected', updated: later } : item)) };
    expect(readOnlyEntry(renderAtom([edited], makeFeedMeta(), fixedNow)).updated).toBe(later);
    const editedFollowUp = { ...view, items: view.items.map((item) => (item.id === 'outlet-00-3' ? { ...item, updated: later } : item)) };
    expect(readOnlyEntry(renderAtom([editedFollowUp], makeFeedMeta(), fixedNow)).updated).toBe(baseEntry.updated);
  });

  it('moves updated to the representative when a newer article becomes it', () => {
    const { view } = makeBigStory();
    const newest = [...view.items].sort((a, b) => (a.date! < b.date! ? 1 : -1))[0]!;
    const entry = readOnlyEntry(renderAtom([{ ...view, representative: newest }], makeFeedMeta(), fixedNow));
    expect(entry.title).toBe(newest.title);
    expect(entry.updated).toBe(newest.date);
  });
});
