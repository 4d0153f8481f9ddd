import { describe, expect, it } from 'vitest';
import type { ParsedEntry } from '../../../src/model.js';
import { parseFeed } from '../../../src/parse/parse-feed.js';

// Pins what feedsmith 3.0.1 does with awkward text, as seen through parseFeed. If the library is swapped
// or upgraded, these rows say which behaviours the rest of the pipeline has come to rely on.

function rssItem(itemXml: string, rootAttributes = ''): ParsedEntry | undefined {
  return parseFeed(
    `<?xml version="1.0"?><rss version="2.0"${rootAttributes}><channel><title>t</title><item>${itemXml}</item></channel></rss>`,
  ).entries[0];
}

const titles: Array<[label: string, itemXml: string, title: string | undefined]> = [
  ['&amp; decodes once', '<title>A &amp; B</title>', 'A & B'],
  ['double-escaped markup stays escaped once (type html)', '<title>&amp;lt;b&amp;gt;</title>', '&lt;b&gt;'],
  ['escaped markup becomes markup', '<title>&lt;em&gt;x&lt;/em&gt;</title>', '<em>x</em>'],
  ['a bare & is tolerated and kept', '<title>AT&T & co</title>', 'AT&T & co'],
  [
    'HTML named entities decode though XML lacks them',
    '<title>a&nbsp;b&hellip;&eacute;</title>',
    'a\u00a0b\u2026\u00e9',
  ],
  ['numeric references decode', '<title>&#233;&#x263A;</title>', '\u00e9\u263a'],
  ['unknown entities stay as written', '<title>&bogus; x</title>', '&bogus; x'],
  ['CDATA is verbatim, entities inside are not decoded', '<title><![CDATA[<b>x</b> &amp;]]></title>', '<b>x</b> &amp;'],
  ['text and CDATA mix', '<title>a &amp; <![CDATA[<i>b</i>]]></title>', 'a & <i>b</i>'],
  ['child elements are kept as raw markup', '<title>Foo <b>bar</b></title>', 'Foo <b>bar</b>'],
  ['values are trimmed', '<title>\n   spaced   \n</title>', 'spaced'],
  ['comments are stripped', '<title>a<!-- c -->b</title>', 'ab'],
  ['whitespace-only is no title', '<title>   </title>', undefined],
];

describe('feedsmith text handling in RSS titles', () => {
  it.each(titles)('%s', (_label, itemXml, title) => {
    expect(rssItem(itemXml)?.title?.value).toBe(title);
  });
});

const namespaces: Array<[label: string, rootAttributes: string, itemXml: string, expected: Partial<ParsedEntry>]> = [
  [
    'dc bound to another prefix',
    ' xmlns:d="http://purl.org/dc/elements/1.1/"',
    '<d:creator>Ann</d:creator>',
    { authors: [{ name: 'Ann' }] },
  ],
  [
    'content bound to another prefix',
    ' xmlns:c="http://purl.org/rss/1.0/modules/content/"',
    '<c:encoded>&lt;p&gt;x&lt;/p&gt;</c:encoded>',
    { content: { value: '<p>x</p>', type: 'html' } },
  ],
  ['undeclared dc: prefix is read by name', '', '<dc:creator>Ann</dc:creator>', { authors: [{ name: 'Ann' }] }],
  [
    'namespace declared on the item',
    '',
    '<d:subject xmlns:d="http://purl.org/dc/elements/1.1/">S</d:subject>',
    { categories: ['S'] },
  ],
  [
    'element names are case-insensitive',
    '',
    '<PubDate>Mon, 01 Jan 2024 00:00:00 GMT</PubDate>',
    { published: 'Mon, 01 Jan 2024 00:00:00 GMT' },
  ],
];

describe('feedsmith namespace handling', () => {
  it.each(namespaces)('%s', (_label, rootAttributes, itemXml, expected) => {
    expect(rssItem(itemXml, rootAttributes)).toMatchObject(expected);
  });

  it('drops elements of unknown namespaces without failing', () => {
    expect(rssItem('<x:rating>5</x:rating><title>t</title>', ' xmlns:x="https://unknown.example/ns"')).toStrictEqual({
      title: { value: 't', type: 'html' },
      links: [],
      authors: [],
      categories: [],
    });
  });
});

const tolerated: Array<[label: string, xml: string, titles: Array<string | undefined>]> = [
  [
    'mismatched closing tags',
    '<rss version="2.0"><channel><item><title>a</title><x><y></x></y></item></channel></rss>',
    ['a'],
  ],
  [
    'a stray closing tag',
    '<rss version="2.0"><channel><title>T</title></b><item><title>a</title></item><item><title>b</title></item></channel></rss>',
    ['a', 'b'],
  ],
  // Not repair: the stray </b> closes <item>, the next </item> closes <channel>, and item "b" lands outside it unseen.
  [
    'a stray closing tag inside an item (silently loses later items)',
    '<rss version="2.0"><channel><title>T</title><item><title>a</title></b><link>https://x.example/</link></item><item><title>b</title></item></channel></rss>',
    ['a'],
  ],
  [
    'truncated after a complete element',
    '<rss version="2.0"><channel><item><title>a</title></item><item><title>b</title>',
    ['a', 'b'],
  ],
  [
    'junk after the root',
    '<rss version="2.0"><channel><item><title>a</title></item></channel></rss>\nPHP Notice: x',
    ['a'],
  ],
  [
    'unquoted attributes (the attribute is lost)',
    '<rss version=2.0><channel><item><title>a</title></item></channel></rss>',
    ['a'],
  ],
];

describe('feedsmith leniency on broken XML', () => {
  it.each(tolerated)('tolerates %s', (_label, xml, titles) => {
    expect(parseFeed(xml).entries.map((entry) => entry.title?.value)).toStrictEqual(titles);
  });

  it('keeps only the first <link> of an item when there are several', () => {
    expect(rssItem('<link>https://a.example/</link><link>https://b.example/</link>')?.links).toStrictEqual([
      { href: 'https://a.example/', rel: 'alternate' },
    ]);
  });
});
