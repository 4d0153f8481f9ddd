import { describe, expect, it } from 'vitest';
import { ParseError } from '../../../src/lib/errors.js';
import type { ParsedFeed } from '../../../src/model.js';
import { parseFeed } from '../../../src/parse/parse-feed.js';
import { readFixture } from '../../support/parse-fixture.js';

// One row per fixture: the whole ParsedFeed, so a dropped or renamed field fails loudly.
const feeds: Array<[fixture: string, expected: ParsedFeed]> = [
  [
    'rss2-basic.xml',
    {
      format: 'rss',
      links: [{ href: 'https://news.example.com/', rel: 'alternate' }, { href: 'https://news.example.com/rss.xml', rel: 'self', type: 'application/rss+xml' }],
      subtitle: { value: 'All the news', type: 'html' },
      version: '2.0',
      title: 'Example News',
      link: 'https://news.example.com/',
      selfUrl: 'https://news.example.com/rss.xml',
      language: 'en-gb',
      updated: 'Fri, 27 Mar 2015 12:00:00 GMT',
      entries: [
        {
          id: 'storm-2015-03-27',
          title: { value: 'Storm hits coast', type: 'html' },
          links: [
            { href: 'https://news.example.com/storm', rel: 'alternate' },
            { href: 'https://news.example.com/storm#comments', rel: 'replies', type: 'text/html' },
            { href: 'https://news.example.com/storm.mp3', rel: 'enclosure', type: 'audio/mpeg', length: 123456 },
            { href: 'https://wire.example.org/rss', rel: 'via', title: 'Wire Service' },
          ],
          source: { title: 'Wire Service', url: 'https://wire.example.org/rss' },
          authors: [{ name: 'Jane Doe', email: 'jane@example.com' }],
          published: 'Fri, 27 Mar 2015 11:29:00 GMT',
          summary: { value: '<p>A storm hit the coast.</p>', type: 'html' },
          categories: ['Weather', 'UK'],
          tags: [{ term: 'Weather' }, { term: 'UK', scheme: 'https://news.example.com/tags' }],
          language: 'en-gb',
        },
        {
          // No <link>: a guid that is a permalink (the default) stands in as the alternate link.
          id: 'https://news.example.com/untitled',
          links: [{ href: 'https://news.example.com/untitled', rel: 'alternate' }],
          authors: [{ name: 'Ed Itor', email: 'editor@example.com' }],
          summary: { value: 'An item with no title, no date and no author.', type: 'html' },
          categories: [],
          language: 'en-gb',
        },
      ],
    },
  ],
  [
    'rss2-content-encoded.xml',
    {
      format: 'rss',
      links: [{ href: 'https://blog.example.com/', rel: 'alternate' }],
      subtitle: { value: 'A blog', type: 'html' },
      version: '2.0',
      title: 'Blog',
      link: 'https://blog.example.com/',
      entries: [
        {
          title: { value: 'Post &amp; more', type: 'html' },
          links: [{ href: 'https://blog.example.com/post', rel: 'alternate' }],
          authors: [{ name: 'Alex Writer' }, { name: 'Sam Editor' }],
          published: '2024-05-01T10:00:00Z',
          summary: { value: 'Short <em>teaser</em>.', type: 'html' },
          content: { value: '<p>The <strong>full</strong> post &amp; text.</p>', type: 'html' },
          categories: ['Opinion'],
          tags: [{ term: 'Opinion' }],
        },
      ],
    },
  ],
  [
    'rss091.xml',
    {
      format: 'rss',
      links: [{ href: 'http://old.example.com/', rel: 'alternate' }],
      subtitle: { value: 'Since 1999', type: 'html' },
      version: '0.91',
      title: 'Old School',
      link: 'http://old.example.com/',
      language: 'en-us',
      entries: [
        {
          title: { value: 'First post', type: 'html' },
          links: [{ href: 'http://old.example.com/1', rel: 'alternate' }],
          authors: [{ email: 'ed@old.example.com' }],
          summary: { value: 'Hello & welcome', type: 'html' },
          categories: [],
          language: 'en-us',
        },
      ],
    },
  ],
  [
    'rss2-podcast-authors.xml',
    {
      format: 'rss',
      links: [{ href: 'https://pod.example.com/', rel: 'alternate' }],
      subtitle: { value: 'A podcast', type: 'html' },
      version: '2.0',
      title: 'Pod',
      link: 'https://pod.example.com/',
      entries: [
        {
          id: 'https://pod.example.com/ep1',
          title: { value: 'Episode 1', type: 'html' },
          links: [{ href: 'https://pod.example.com/ep1', rel: 'alternate' }],
          // itunes:author "Host Person" duplicates the richer <author>, so it is folded into it.
          authors: [{ name: 'Host Person', email: 'host@pod.example.com' }, { name: 'Guest Person' }],
          categories: [],
        },
        {
          title: { value: 'Episode 2 (no author)', type: 'html' },
          links: [],
          authors: [{ name: 'Pod Network' }, { name: 'The Boss', email: 'boss@pod.example.com' }],
          categories: [],
        },
      ],
    },
  ],
  [
    'rss2-custom-prefixes.xml',
    {
      format: 'rss',
      links: [{ href: 'https://prefix.example.com/', rel: 'alternate' }],
      subtitle: { value: 'Odd prefixes', type: 'html' },
      version: '2.0',
      title: 'Prefixes',
      link: 'https://prefix.example.com/',
      entries: [
        {
          title: { value: 'Item', type: 'html' },
          links: [],
          authors: [{ name: 'Pat Prefix' }],
          published: '2024-06-01T00:00:00Z',
          content: { value: '<p>full</p>', type: 'html' },
          categories: [],
        },
      ],
    },
  ],
  [
    'rdf10-dc.xml',
    {
      format: 'rdf',
      links: [{ href: 'https://rdf.example.jp/', rel: 'alternate' }],
      subtitle: { value: 'News in RDF', type: 'html' },
      version: '1.0',
      title: 'RDF Times',
      link: 'https://rdf.example.jp/',
      language: 'ja',
      updated: '2024-01-02T09:00:00+09:00',
      entries: [
        {
          id: 'https://rdf.example.jp/a',
          title: { value: 'Earthquake drill', type: 'html' },
          links: [{ href: 'https://rdf.example.jp/a', rel: 'alternate' }],
          authors: [{ name: 'Tanaka' }],
          published: '2024-01-02T08:00:00+09:00',
          summary: { value: 'Drill today.', type: 'html' },
          content: { value: '<p>Drill today, <b>all</b> day.</p>', type: 'html' },
          categories: ['Safety'],
          language: 'ja',
        },
        {
          id: 'https://rdf.example.jp/b',
          title: { value: 'Second', type: 'html' },
          links: [{ href: 'https://rdf.example.jp/b', rel: 'alternate' }],
          authors: [],
          categories: [],
          language: 'en',
        },
      ],
    },
  ],
  [
    'atom10-multiple-authors-and-links.xml',
    {
      format: 'atom',
      id: 'urn:uuid:60a76c80-d399-11d9-b93C-0003939e0af6',
      links: [{ href: 'https://atom.example.net/' }, { href: 'https://atom.example.net/feed.atom', rel: 'self', type: 'application/atom+xml' }],
      version: '1.0',
      title: 'Atom Wire',
      link: 'https://atom.example.net/',
      selfUrl: 'https://atom.example.net/feed.atom',
      language: 'en',
      updated: '2024-03-01T12:00:00Z',
      entries: [
        {
          id: 'tag:atom.example.net,2024:1',
          title: { value: 'Markets <em>rally</em>', type: 'html' },
          links: [
            { href: 'https://atom.example.net/markets', rel: 'alternate', type: 'text/html', title: 'Read online' },
            { href: 'https://atom.example.net/de/markets', rel: 'alternate', type: 'text/html' },
            { href: 'https://atom.example.net/markets.mp3', rel: 'enclosure', type: 'audio/mpeg', title: 'Podcast', length: 2048 },
            { href: 'https://other.example.org/markets', rel: 'related' },
          ],
          authors: [
            { name: 'Ann Analyst', email: 'ann@atom.example.net', uri: 'https://atom.example.net/ann' },
            { name: 'Bob Banker' },
          ],
          published: '2024-03-01T09:00:00Z',
          updated: '2024-03-01T11:30:00+01:00',
          summary: { value: 'Stocks up & bonds down.', type: 'text' },
          content: { value: '<p>Stocks <b>up</b> &amp; bonds down.</p>', type: 'xhtml' },
          categories: ['Economy', 'stocks'],
          tags: [{ term: 'economy', label: 'Economy' }, { term: 'stocks' }],
          language: 'en',
        },
        {
          // RFC 4287 §4.2.1: no atom:author in the entry, so the feed's author applies.
          id: 'tag:atom.example.net,2024:2',
          title: { value: 'Entry by the feed owner', type: 'text' },
          links: [{ href: 'https://atom.example.net/2' }],
          authors: [{ name: 'Feed Owner' }],
          updated: '2024-03-01T10:00:00Z',
          categories: [],
          language: 'en',
        },
      ],
    },
  ],
  [
    'atom03.xml',
    {
      format: 'atom',
      links: [{ href: 'http://diveintomark.example.org/', rel: 'alternate', type: 'text/html' }],
      version: '0.3',
      title: 'Dive into mark',
      link: 'http://diveintomark.example.org/',
      language: 'en',
      updated: '2003-12-13T18:30:02Z',
      entries: [
        {
          id: 'tag:diveintomark.org,2003:3.2397',
          title: { value: 'Atom 0.3 snapshot', type: 'text' },
          links: [{ href: 'http://diveintomark.example.org/2003/12/13/atom03', rel: 'alternate', type: 'text/html' }],
          authors: [{ name: 'Mark Pilgrim' }],
          // issued wins over created for published; modified is updated.
          published: '2003-12-13T08:29:29-04:00',
          updated: '2003-12-13T18:30:02Z',
          summary: { value: 'A summary.', type: 'text' },
          content: { value: '<p>Escaped <em>HTML</em> content.</p>', type: 'html' },
          categories: [],
          language: 'en',
        },
      ],
    },
  ],
  [
    'atom10-xml-base.xml',
    {
      format: 'atom',
      id: 'urn:based',
      links: [{ href: './' }],
      version: '1.0',
      title: 'Based',
      link: './',
      language: 'en',
      updated: '2024-01-01T00:00:00Z',
      base: 'https://base.example.com/blog/',
      entries: [
        {
          id: 'urn:based:1',
          title: { value: 'Relative', type: 'text' },
          links: [{ href: 'post.html' }],
          authors: [],
          updated: '2024-01-01T00:00:00Z',
          categories: [],
          language: 'fr',
          base: 'https://base.example.com/blog/2024/',
        },
        {
          id: 'urn:based:2',
          title: { value: 'Absolute', type: 'text' },
          links: [],
          authors: [],
          updated: '2024-01-01T00:00:00Z',
          categories: [],
          language: 'en',
          base: 'https://elsewhere.example.org/',
        },
        {
          id: 'urn:based:3',
          title: { value: 'Inherited', type: 'text' },
          links: [],
          authors: [],
          updated: '2024-01-01T00:00:00Z',
          categories: [],
          language: 'en',
          base: 'https://base.example.com/blog/',
        },
      ],
    },
  ],
  [
    'atom10-text-types.xml',
    {
      format: 'atom',
      id: 'urn:types',
      version: '1.0',
      title: 'Types',
      updated: '2024-01-01T00:00:00Z',
      entries: [
        {
          id: 'urn:types:1',
          title: { value: '1 < 2 & 3', type: 'text' },
          links: [],
          authors: [],
          updated: '2024-01-01T00:00:00Z',
          summary: { value: '<p>Escaped &amp; HTML</p>', type: 'html' },
          content: { value: '<p>CDATA &amp; HTML</p>', type: 'html' },
          categories: [],
        },
        {
          // The xhtml:div wrapper and its prefix are removed; base64 image content is not text and is dropped.
          id: 'urn:types:2',
          title: { value: 'An <em>XHTML</em> title', type: 'xhtml' },
          links: [],
          authors: [],
          updated: '2024-01-01T00:00:00Z',
          summary: { value: 'No type means text', type: 'text' },
          categories: [],
        },
        {
          // content@src is out of line: no content value, the summary stands in.
          id: 'urn:types:3',
          title: { value: 'Out of line', type: 'text' },
          links: [],
          authors: [],
          updated: '2024-01-01T00:00:00Z',
          summary: { value: 'See elsewhere', type: 'text' },
          categories: [],
        },
      ],
    },
  ],
  [
    'jsonfeed11.json',
    {
      format: 'json',
      version: '1.1',
      title: 'JSON Daily',
      link: 'https://json.example.com/',
      selfUrl: 'https://json.example.com/feed.json',
      language: 'en-US',
      entries: [
        {
          id: '1',
          title: { value: 'Bridge reopens', type: 'text' },
          links: [
            { href: 'https://json.example.com/1', rel: 'alternate' },
            { href: 'https://source.example.org/story', rel: 'related' },
            { href: 'https://json.example.com/1.mp3', rel: 'enclosure', type: 'audio/mpeg', title: 'Audio', length: 999 },
          ],
          authors: [{ name: 'Pat Reporter', email: 'pat@json.example.com' }, { name: 'Lee' }],
          published: '2024-02-01T08:00:00Z',
          updated: '2024-02-01T09:30:00Z',
          summary: { value: 'The bridge is open again.', type: 'text' },
          content: { value: '<p>The bridge <b>reopened</b>.</p>', type: 'html' },
          categories: ['traffic', 'city'],
          language: 'de',
        },
        {
          id: '2',
          links: [],
          authors: [{ name: 'Desk', uri: 'https://json.example.com/desk' }],
          content: { value: 'Plain text only.', type: 'text' },
          categories: [],
          language: 'en-US',
        },
      ],
    },
  ],
  [
    'jsonfeed10-author.json',
    {
      format: 'json',
      version: '1.0',
      title: 'Old JSON',
      link: 'https://old-json.example.com/',
      entries: [
        {
          id: 'https://old-json.example.com/a',
          title: { value: 'Hello', type: 'text' },
          links: [{ href: 'https://old-json.example.com/a', rel: 'alternate' }],
          authors: [{ name: 'Solo Blogger', uri: 'https://old-json.example.com/about' }],
          published: '2017-05-17T10:02:12-07:00',
          content: { value: '<p>Hi</p>', type: 'html' },
          categories: [],
        },
        {
          id: 'b',
          links: [],
          authors: [{ name: 'Guest' }],
          content: { value: 'Own author', type: 'text' },
          categories: [],
        },
      ],
    },
  ],
  [
    'control-chars.xml',
    {
      format: 'rss',
      version: '2.0',
      title: 'Bell and vertical tab',
      entries: [
        {
          // U+0000 and U+001B go, the "[0m" after the escape is ordinary text and stays; tab and LF stay.
          title: { value: 'Null byte[0m', type: 'html' },
          links: [],
          authors: [],
          summary: { value: 'Tab\tand newline\nkept', type: 'html' },
          categories: [],
        },
      ],
    },
  ],
  [
    'bom-leading-whitespace.xml',
    {
      format: 'rss',
      version: '2.0',
      title: 'BOM and whitespace',
      entries: [{ title: { value: 'ok', type: 'html' }, links: [], authors: [], categories: [] }],
    },
  ],
  [
    'rss2-entities.xml',
    {
      format: 'rss',
      links: [{ href: 'https://entities.example.com/?a=1&b=2', rel: 'alternate' }],
      subtitle: { value: 'Entities', type: 'html' },
      version: '2.0',
      title: 'AT&T & friends',
      link: 'https://entities.example.com/?a=1&b=2',
      entries: [
        {
          // Entities decode once (HTML table, so &eacute;/&nbsp; work); &amp;amp; stays one level escaped; unknown ones stay.
          title: { value: 'Caf\u00e9\u00a0news \u2014 \u263a &amp; &bogus;', type: 'html' },
          links: [{ href: 'https://entities.example.com/1?x=1&y=2', rel: 'alternate' }],
          authors: [],
          summary: { value: 'Fish & chips <b>bold</b>', type: 'html' },
          categories: [],
        },
        {
          // CDATA is verbatim, except that feedsmith strips comments even there.
          title: { value: 'Tom & Jerry <3 &amp;', type: 'html' },
          links: [],
          authors: [],
          summary: { value: '<p>keep  this</p>', type: 'html' },
          categories: [],
        },
      ],
    },
  ],
];

describe('parseFeed: fixtures', () => {
  it.each(feeds)('%s', (fixture, expected) => {
    expect(withoutIssue6Fields(parseFeed(readFixture(fixture)))).toStrictEqual(expected);
  });
});

// The rows above predate the optional fields of issue #6 (feed titleText/authors, guidIsPermaLink, hreflang);
// those are asserted on their own here, so each row above still fails on any other change.
function withoutIssue6Fields(feed: ParsedFeed): ParsedFeed {
  const { titleText: _titleText, authors: _authors, ...rest } = feed;
  return {
    ...rest,
    entries: feed.entries.map(({ guidIsPermaLink: _perma, ...entry }) => ({
      ...entry,
      links: entry.links.map(({ hreflang: _hreflang, ...link }) => link),
    })),
  };
}

describe('parseFeed: feed title construct, feed authors, guid isPermaLink, hreflang', () => {
  it.each([
    ['rss2-basic.xml', { value: 'Example News', type: 'html' }, [{ name: 'Ed Itor', email: 'editor@example.com' }]],
    ['atom10-multiple-authors-and-links.xml', { value: 'Atom Wire', type: 'text' }, [{ name: 'Feed Owner' }]],
    ['jsonfeed11.json', { value: 'JSON Daily', type: 'text' }, [{ name: 'Desk', uri: 'https://json.example.com/desk' }]],
    ['rss2-podcast-authors.xml', { value: 'Pod', type: 'html' }, [{ name: 'Pod Network' }, { name: 'The Boss', email: 'boss@pod.example.com' }]],
    ['atom10-text-types.xml', { value: 'Types', type: 'text' }, undefined],
  ])('%s', (fixture, titleText, authors) => {
    const feed = parseFeed(readFixture(fixture));
    expect(feed.titleText).toStrictEqual(titleText);
    expect(feed.authors).toStrictEqual(authors);
  });

  it('keeps isPermaLink="false" and the hreflang of Atom links', () => {
    expect(parseFeed(readFixture('rss2-basic.xml')).entries.map((entry) => entry.guidIsPermaLink)).toStrictEqual([false, undefined]);
    const links = parseFeed(readFixture('atom10-multiple-authors-and-links.xml')).entries.flatMap((entry) => entry.links);
    expect(links.filter((link) => link.hreflang !== undefined).map((link) => link.hreflang)).toStrictEqual(['de']);
  });
});

const failures: Array<[fixture: string, code: string, message: RegExp]> = [
  ['empty.xml', 'parse/empty', /empty/],
  ['html-page.html', 'parse/not-a-feed', /looks like an HTML page/],
  ['not-a-feed.json', 'parse/not-a-feed', /looks like JSON but not a JSON Feed/],
  ['xml-not-a-feed.xml', 'parse/not-a-feed', /root element <sitemap>/],
];

describe('parseFeed: fixtures that are not usable feeds', () => {
  it.each(failures)('%s → %s', (fixture, code, message) => {
    const error = catchError(() => parseFeed(readFixture(fixture)));
    expect(error).toBeInstanceOf(ParseError);
    expect(error).toMatchObject({ code, stage: 'parse' });
    expect((error as Error).message).toMatch(message);
  });

  it('keeps the library error as the cause of parse/malformed', () => {
    // Not even the lenient reader finds a title or an entry in a truncated root element.
    const error = catchError(() => parseFeed('<rss version="2.0"><channel><ttl>5'));
    expect(error).toMatchObject({ code: 'parse/malformed' });
    expect((error as Error).cause).toBeInstanceOf(Error);
  });
});

const inlineFailures: Array<[label: string, text: string, code: string, message: RegExp]> = [
  ['empty string', '', 'parse/empty', /empty/],
  ['only a BOM and controls', '\uFEFF\u0000\u0001 \n', 'parse/empty', /empty/],
  ['plain text', 'Service Unavailable', 'parse/not-a-feed', /looks like plain text \(starts with "Service Unavailable"\)/],
  ['HTML without doctype', '<html><head><title>x</title></head></html>', 'parse/not-a-feed', /HTML page/],
  ['XHTML doctype', '<?xml version="1.0"?>\n<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" "x"><html/>', 'parse/not-a-feed', /HTML page/],
  ['HTML that embeds an rss tag', '<!doctype html><body><rss version="2.0"><channel><title>x</title></channel></rss></body>', 'parse/not-a-feed', /HTML page/],
  ['OPML', '<?xml version="1.0"?><opml version="2.0"><body/></opml>', 'parse/not-a-feed', /OPML/],
  ['JSON array', '[1, 2]', 'parse/not-a-feed', /JSON/],
  ['JSON with another version', '{"version": "2.0", "title": "x", "items": []}', 'parse/not-a-feed', /version "2.0"/],
  ['broken JSON', '{"version": "https://jsonfeed.org/version/1.1", ', 'parse/malformed', /malformed JSON/],
  ['junk before an empty feed', 'Warning: headers already sent\n<?xml version="1.0"?><rss version="2.0"></rss>', 'parse/malformed', /text before/],
  ['XML declaration only', '<?xml version="1.0"?>', 'parse/malformed', /no root element/],
];

describe('parseFeed: inline documents that are not usable feeds', () => {
  it.each(inlineFailures)('%s', (_label, text, code, message) => {
    const error = catchError(() => parseFeed(text));
    expect(error).toBeInstanceOf(ParseError);
    expect(error).toMatchObject({ code });
    expect((error as Error).message).toMatch(message);
  });
});

const emptyFeeds: Array<[label: string, text: string, expected: ParsedFeed]> = [
  ['RSS with an empty channel', '<rss version="2.0"><channel></channel></rss>', { format: 'rss', version: '2.0', entries: [] }],
  ['RSS without a channel', '<rss version="0.92"/>', { format: 'rss', version: '0.92', entries: [] }],
  ['empty Atom feed', '<feed xmlns="http://www.w3.org/2005/Atom"></feed>', { format: 'atom', version: '1.0', entries: [] }],
  [
    'RSS 0.90 RDF with nothing in it',
    '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://channel.netscape.com/rdf/simple/0.9/"></rdf:RDF>',
    { format: 'rdf', version: '0.9', entries: [] },
  ],
  ['JSON Feed without items', '{"version": "https://jsonfeed.org/version/1.1", "title": "x"}', { format: 'json', version: '1.1', title: 'x', titleText: { value: 'x', type: 'text' }, entries: [] }],
];

describe('parseFeed: feeds with nothing in them are empty, not errors', () => {
  it.each(emptyFeeds)('%s', (_label, text, expected) => {
    expect(parseFeed(text)).toStrictEqual(expected);
  });
});

describe('parseFeed: detail', () => {
  it('reads a prefixed Atom root', () => {
    const feed = parseFeed(
      '<atom:feed xmlns:atom="http://www.w3.org/2005/Atom"><atom:title>T</atom:title><atom:entry><atom:id>1</atom:id><atom:link href="https://x.example/1"/></atom:entry></atom:feed>',
    );
    expect(feed).toStrictEqual({
      format: 'atom',
      version: '1.0',
      title: 'T',
      titleText: { value: 'T', type: 'text' },
      entries: [{ id: '1', links: [{ href: 'https://x.example/1' }], authors: [], categories: [] }],
    });
  });

  it('does not turn a non-URL or isPermaLink="false" guid into a link', () => {
    const feed = parseFeed(
      '<rss version="2.0"><channel><item><guid>abc-1</guid></item><item><guid isPermaLink="false">https://x.example/2</guid></item></channel></rss>',
    );
    expect(feed.entries.map((entry) => entry.links)).toStrictEqual([[], []]);
    expect(feed.entries.map((entry) => entry.id)).toStrictEqual(['abc-1', 'https://x.example/2']);
  });

  it('takes RSS dates from dc:date when there is no pubDate and updated from atom:updated', () => {
    const feed = parseFeed(
      '<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:atom="http://www.w3.org/2005/Atom"><channel><item><dc:date>2024-01-01</dc:date><atom:updated>2024-01-02</atom:updated></item></channel></rss>',
    );
    expect(feed.entries[0]).toMatchObject({ published: '2024-01-01', updated: '2024-01-02' });
  });

  it('returns fresh objects on every call', () => {
    const text = readFixture('rss2-podcast-authors.xml');
    const first = parseFeed(text);
    first.entries[1]?.authors.push({ name: 'mutated' });
    expect(parseFeed(text).entries[1]?.authors).toHaveLength(2);
  });
});

function catchError(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}
