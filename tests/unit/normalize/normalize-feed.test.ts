import { describe, expect, it } from 'vitest';
import { normalizeFeed } from '../../../src/normalize/normalize-feed.js';
import { itemId } from '../../../src/normalize/item-id.js';
import type { Item, ParsedEntry, ParsedFeed } from '../../../src/model.js';

const FETCHED_AT = '2015-03-28T08:00:00.000Z';

const source = (overrides: Partial<{ id: string; name: string; url: string }> = {}) => ({
  id: 'example-news',
  name: 'Example News',
  url: 'https://news.example.org/rss.xml',
  ...overrides,
});

const entry = (overrides: Partial<ParsedEntry> = {}): ParsedEntry => ({
  links: [],
  authors: [],
  categories: [],
  ...overrides,
});

/** An RSS 2.0 feed as parse/ would hand it over: guid, tracking-laden links, RFC 822 dates, html descriptions. */
const rssFeed = (): ParsedFeed => ({
  format: 'rss',
  version: '2.0',
  title: 'Example News',
  link: 'https://news.example.org/',
  language: 'en-gb',
  entries: [
    entry({
      id: ' https://news.example.org/?p=101 ',
      title: { type: 'html', value: 'Storm hits <em>coast</em> &amp; town' },
      links: [
        {
          href: 'https://News.Example.org/2015/03/storm?utm_source=rss&utm_medium=feed&page=2#comments',
          rel: 'alternate',
        },
      ],
      authors: [{ email: 'jane@example.org (Jane Doe)' }],
      published: 'Fri, 27 Mar 2015 11:29:00 +0100',
      summary: {
        type: 'html',
        value:
          '<p>A storm <b>hit</b> the coast on Friday.</p><script>track()</script><img src="/img/storm.jpg" onerror="x()">',
      },
      categories: ['Weather', ' weather ', 'UK'],
    }),
    entry({
      id: 'https://news.example.org/?p=102',
      title: { type: 'html', value: 'Second story' },
      links: [{ href: '/2015/03/second', rel: 'alternate' }],
      published: 'Fri, 27 Mar 2015 12:00:00 GMT',
      summary: { type: 'html', value: 'Short.' },
      content: { type: 'html', value: '<p>The <a href="/full">full</a> text.</p>' },
    }),
  ],
});

describe('normalizeFeed: RSS 2.0', () => {
  it('produces fully normalised items in document order', () => {
    const { items, warnings } = normalizeFeed(rssFeed(), source(), { fetchedAt: FETCHED_AT });
    expect(warnings).toEqual([]);
    expect(items).toHaveLength(2);
    const want: Item = {
      id: itemId('example-news', 'https://news.example.org/?p=101'),
      sourceId: 'example-news',
      sourceName: 'Example News',
      guid: 'https://news.example.org/?p=101',
      url: 'https://news.example.org/2015/03/storm?page=2',
      title: 'Storm hits coast & town',
      summary: 'A storm hit the coast on Friday.',
      contentHtml: '<p>A storm <b>hit</b> the coast on Friday.</p><img src="https://news.example.org/img/storm.jpg" />',
      contentText: 'A storm hit the coast on Friday.',
      authors: ['Jane Doe'],
      categories: ['Weather', 'UK'],
      published: '2015-03-27T10:29:00.000Z',
      updated: null,
      date: '2015-03-27T10:29:00.000Z',
      dateSource: 'published',
      language: 'en-gb',
    };
    expect(items[0]).toEqual(want);
  });

  it('resolves relative links against the source URL and prefers content over summary for HTML and text', () => {
    const { items } = normalizeFeed(rssFeed(), source(), { fetchedAt: FETCHED_AT });
    const second = items[1];
    expect(second?.url).toBe('https://news.example.org/2015/03/second');
    expect(second?.contentHtml).toBe('<p>The <a href="https://news.example.org/full">full</a> text.</p>');
    expect(second?.contentText).toBe('The full text.');
    expect(second?.summary).toBe('Short.');
  });

  it('prefers context.baseUrl (the final fetched URL) over the configured source URL', () => {
    const { items } = normalizeFeed(rssFeed(), source(), {
      fetchedAt: FETCHED_AT,
      baseUrl: 'https://mirror.example.net/feeds/rss.xml',
    });
    expect(items[1]?.url).toBe('https://mirror.example.net/2015/03/second');
  });

  it('gives the same ids on every run', () => {
    const a = normalizeFeed(rssFeed(), source(), { fetchedAt: FETCHED_AT }).items.map((i) => i.id);
    const b = normalizeFeed(rssFeed(), source(), { fetchedAt: '2020-01-01T00:00:00Z' }).items.map((i) => i.id);
    expect(a).toEqual(b);
    expect(new Set(a).size).toBe(2);
  });
});

/** An Atom feed with xml:base on feed and entry, xhtml content, a text summary, and an untitled entry. */
const atomFeed = (): ParsedFeed => ({
  format: 'atom',
  version: '1.0',
  base: 'https://blog.example.com/',
  language: 'en',
  entries: [
    entry({
      id: 'tag:blog.example.com,2015:post-1',
      title: { type: 'text', value: 'Why <script> tags & "quotes" matter' },
      base: 'posts/2015/',
      links: [
        { href: 'audio.mp3', rel: 'enclosure', type: 'audio/mpeg' },
        { href: 'https://blog.example.com/feed.atom', rel: 'self' },
        { href: 'post-1.html' },
      ],
      authors: [{ name: 'Ann Author', email: 'ann@example.com' }, { name: 'Bob Writer <bob@example.com>' }],
      published: '2015-03-27T11:29:00-04:00',
      updated: '2015-03-28T09:00:00Z',
      summary: { type: 'text', value: 'Escaping, explained: use &lt; for <.' },
      content: {
        type: 'xhtml',
        value:
          '<div xmlns="http://www.w3.org/1999/xhtml"><p>See <img src="diagram.png" alt="diagram"/> and <a href="/about">me</a>.</p></div>',
      },
      language: 'en-US',
    }),
    entry({
      id: 'tag:blog.example.com,2015:post-2',
      links: [{ href: 'https://blog.example.com/posts/2', rel: 'alternate', type: 'text/html' }],
      updated: '2015-03-29T10:00:00Z',
      summary: {
        type: 'html',
        value: '<p>One two three four five six seven eight nine ten eleven twelve thirteen fourteen.</p>',
      },
    }),
  ],
});

describe('normalizeFeed: Atom with xml:base', () => {
  it('resolves links through entry.base relative to feed.base, skipping enclosure and self links', () => {
    const { items } = normalizeFeed(atomFeed(), source({ url: '/home/me/feeds/blog.atom' }), { fetchedAt: FETCHED_AT });
    expect(items[0]?.url).toBe('https://blog.example.com/posts/2015/post-1.html');
    expect(items[0]?.contentHtml).toBe(
      '<div><p>See <img alt="diagram" src="https://blog.example.com/posts/2015/diagram.png" /> and <a href="https://blog.example.com/about">me</a>.</p></div>',
    );
  });

  it('keeps a text title literal and takes names from both author forms', () => {
    const [first] = normalizeFeed(atomFeed(), source(), { fetchedAt: FETCHED_AT }).items;
    expect(first?.title).toBe('Why <script> tags & "quotes" matter');
    expect(first?.summary).toBe('Escaping, explained: use < for <.');
    expect(first?.authors).toEqual(['Ann Author', 'Bob Writer']);
    expect(first?.language).toBe('en-US');
    expect(first?.published).toBe('2015-03-27T15:29:00.000Z');
    expect(first?.updated).toBe('2015-03-28T09:00:00.000Z');
    expect(first?.dateSource).toBe('published');
  });

  it('titles an untitled entry with the first words of its summary and dates it by updated', () => {
    const { items, warnings } = normalizeFeed(atomFeed(), source(), { fetchedAt: FETCHED_AT });
    const second = items[1];
    expect(second?.title).toBe('One two three four five six seven eight nine ten eleven twelve…');
    expect(second?.date).toBe('2015-03-29T10:00:00.000Z');
    expect(second?.dateSource).toBe('updated');
    expect(second?.published).toBeNull();
    expect(second?.language).toBe('en');
    expect(warnings).toEqual(['entry 2: no title; used the first words of the summary']);
  });
});

/** A JSON Feed without ids: identity falls back to URL, then title + date; one entry repeats another. */
const jsonFeed = (): ParsedFeed => ({
  format: 'json',
  version: '1.1',
  entries: [
    entry({
      title: { type: 'text', value: 'Linked post' },
      links: [{ href: 'https://site.example/p/1?fbclid=abc', rel: 'alternate' }],
      content: { type: 'text', value: 'Line one\nline two\n\n<b>Not bold</b>' },
    }),
    entry({
      title: { type: 'text', value: 'Unlinked note' },
      published: '2015-03-27',
      summary: { type: 'text', value: 'A note.' },
    }),
    entry({
      title: { type: 'text', value: 'Linked post again' },
      links: [{ href: 'https://site.example/p/1#top', rel: 'alternate' }],
    }),
  ],
});

describe('normalizeFeed: JSON Feed without ids', () => {
  it('keys items by canonical URL, then by title + date, and drops the duplicate with a warning', () => {
    const { items, warnings } = normalizeFeed(jsonFeed(), source({ id: 'site' }), { fetchedAt: FETCHED_AT });
    expect(items.map((i) => i.title)).toEqual(['Linked post', 'Unlinked note']);
    expect(items[0]?.id).toBe(itemId('site', 'https://site.example/p/1'));
    expect(items[1]?.id).toBe(itemId('site', 'Unlinked note\n2015-03-27'));
    expect(items[1]?.url).toBeNull();
    expect(items[1]?.guid).toBeNull();
    expect(warnings).toEqual(['entry 3: same url as entry 1; dropped as a duplicate']);
  });

  it('escapes text content into HTML and falls back to the fetch time for the date', () => {
    const [first] = normalizeFeed(jsonFeed(), source(), { fetchedAt: FETCHED_AT }).items;
    expect(first?.contentHtml).toBe('<p>Line one<br />line two</p><p>&lt;b&gt;Not bold&lt;/b&gt;</p>');
    expect(first?.contentText).toBe('Line one line two <b>Not bold</b>');
    expect(first?.summary).toBe('Line one line two <b>Not bold</b>');
    expect(first?.date).toBe(FETCHED_AT);
    expect(first?.dateSource).toBe('fetched');
    expect(first?.language).toBeNull();
  });

  it('marks the date as missing when even the fetch time is unusable', () => {
    const [first] = normalizeFeed(jsonFeed(), source(), { fetchedAt: 'not a date' }).items;
    expect(first?.date).toBeNull();
    expect(first?.dateSource).toBe('none');
  });
});

/** A sloppy RSS feed: empty entries, bad and placeholder dates, a permalink guid without <link>, long text. */
const sloppyFeed = (): ParsedFeed => ({
  format: 'rss',
  version: '2.0',
  recovered: true,
  entries: [
    entry({ id: '   ', title: { type: 'html', value: '  ' } }),
    entry({
      id: 'http://sloppy.example/story/7?utm_campaign=x',
      title: { type: 'html', value: 'Permalink guid' },
      links: [{ href: 'https://cdn.example/ep7.mp3', rel: 'enclosure' }],
      published: 'sometime last week',
      updated: 'Thu, 01 Jan 1970 00:00:00 +0000',
      summary: { type: 'html', value: `<p>${'word '.repeat(100)}</p>` },
    }),
    entry({ id: 'dup', title: { type: 'text', value: 'First' } }),
    entry({ id: 'dup', title: { type: 'text', value: 'Second with the same guid' } }),
  ],
});

describe('normalizeFeed: sloppy feed', () => {
  it('never throws and records every fallback', () => {
    const { items, warnings } = normalizeFeed(
      sloppyFeed(),
      source({ id: 'sloppy', url: 'http://sloppy.example/feed' }),
      {
        fetchedAt: FETCHED_AT,
      },
    );
    expect(items.map((i) => i.title)).toEqual(['(untitled)', 'Permalink guid', 'First']);
    expect(warnings).toEqual([
      'entry 1: no title and no summary; used "(untitled)"',
      'entry 1: no id, link or title; identified by a hash of its content',
      'entry 2: published date "sometime last week" not understood; ignored',
      'entry 2: updated date "Thu, 01 Jan 1970 00:00:00 +0000" is a placeholder; ignored',
      'entry 4: same guid as entry 3; dropped as a duplicate',
    ]);
  });

  it('uses a permalink guid as the URL, truncates the summary, and falls back to the fetch time', () => {
    const item = normalizeFeed(sloppyFeed(), source(), { fetchedAt: FETCHED_AT }).items[1];
    expect(item?.guid).toBe('http://sloppy.example/story/7?utm_campaign=x');
    expect(item?.url).toBe('http://sloppy.example/story/7');
    expect(item?.summary.length).toBeLessThanOrEqual(300);
    expect(item?.summary.endsWith('word…')).toBe(true);
    expect(item?.contentText).toBe('word '.repeat(100).trim());
    expect(item?.published).toBeNull();
    expect(item?.updated).toBeNull();
    expect(item?.dateSource).toBe('fetched');
  });

  it('gives an empty entry empty fields, not undefined', () => {
    const [empty] = normalizeFeed(sloppyFeed(), source(), { fetchedAt: FETCHED_AT }).items;
    expect(empty).toMatchObject({
      guid: null,
      url: null,
      summary: '',
      contentHtml: '',
      contentText: '',
      authors: [],
      categories: [],
    });
  });

  it('returns no items for a feed without entries', () => {
    expect(normalizeFeed({ format: 'atom', entries: [] }, source(), { fetchedAt: FETCHED_AT })).toEqual({
      items: [],
      warnings: [],
    });
  });
});
