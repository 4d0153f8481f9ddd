import { describe, expect, it } from 'vitest';
import { normalizeFeed } from '../../../src/normalize/normalize-feed.js';
import { parseFeed } from '../../../src/parse/parse-feed.js';
import { readFixture } from '../../support/parse-fixture.js';

describe('per-construct xml:base / xml:lang and category parts (Atom)', () => {
  const feed = parseFeed(readFixture('atom10-construct-xml-base-lang.xml'));
  const entry = feed.entries[0];

  it('keeps the xml:base and xml:lang declared on a text construct, base resolved against the entry', () => {
    expect(entry?.content?.base).toBe('http://example.org/feed/entry/content/');
    expect(entry?.content?.language).toBe('fr');
    expect(entry?.title?.base).toBeUndefined();
    expect(feed.titleText?.language).toBe('de');
  });

  it('resolves the content markup against the construct base', () => {
    const [item] = normalizeFeed(feed, { id: 's', name: 'S', url: 'http://example.org/feed/' }, { fetchedAt: '2000-01-01T00:00:00Z' }).items;
    expect(item?.contentHtml).toBe('<a href="http://example.org/feed/entry/content/page.html">page</a>');
  });

  it('keeps term, scheme and label of a category apart, the label shown as the category', () => {
    expect(entry?.tags).toEqual([{ term: 'atom10', scheme: 'http://example.org/scheme/', label: 'Atom 1.0' }]);
    expect(entry?.categories).toEqual(['Atom 1.0']);
  });
});

describe('DOCTYPE before the root', () => {
  it('reads the feed behind a stray XHTML DOCTYPE followed by a comment', () => {
    expect(parseFeed(readFixture('rss2-doctype-before-comment.xml')).title).toBe('found');
  });
});

describe('recovery keeps a feed that only has a link', () => {
  it('reads the home-page link of a truncated feed without title or entries', () => {
    const feed = parseFeed(readFixture('atom10-truncated-link-only.xml'));
    expect(feed.link).toBe('http://example.org/?a=1&b=2');
    expect(feed.recovered).toBe(true);
  });
});
