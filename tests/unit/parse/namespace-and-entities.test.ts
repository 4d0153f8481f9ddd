import { describe, expect, it } from 'vitest';
import { hasUndeclaredPrefix, parseFeed } from '../../../src/parse/parse-feed.js';

const rss = (inner: string, ns = '') =>
  `<?xml version="1.0"?><rss version="2.0"${ns}><channel><title>t</title>${inner}</channel></rss>`;

describe('undeclared namespace prefixes', () => {
  it.each([
    [rss('<itunes:subtitle>Foo</itunes:subtitle>'), true],
    [
      rss('<itunes:subtitle>Foo</itunes:subtitle>', ' xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd"'),
      false,
    ],
    [rss('<description><![CDATA[<o:p>Word HTML</o:p>]]></description>'), false],
    [rss('<!-- <x:y/> --><description>&lt;o:p&gt;escaped&lt;/o:p&gt;</description>'), false],
    [rss('<item xml:lang="en"><title>x</title></item>'), false],
  ])('%s → %s', (xml, expected) => {
    expect(hasUndeclaredPrefix(xml)).toBe(expected);
  });

  it('still reads the feed, flagged as recovered', () => {
    const feed = parseFeed(rss('<itunes:subtitle>Foo</itunes:subtitle><item><title>Kept</title></item>'));
    expect(feed.recovered).toBe(true);
    expect(feed.entries).toHaveLength(1);
  });
});

describe('&lang; and &rang; in XML', () => {
  it('are the XHTML 1.0 characters U+2329 and U+232A', () => {
    expect(parseFeed(rss('')).title).toBe('t');
    const feed = parseFeed(
      `<?xml version="1.0"?><rss version="2.0"><channel><title>a &lang;b&rang; c</title></channel></rss>`,
    );
    expect(feed.title).toBe('a \u2329b\u232A c');
  });
});
