import { describe, expect, it } from 'vitest';
import { parseFeed } from '../../../../src/parse/parse-feed.js';
import { readFixture } from '../../../support/parse-fixture.js';

// iTunes and Media RSS elements read from the document tree (podcast-media.ts).
describe('parseFeed: iTunes and Media RSS', () => {
  it('reads itunes:image given with url= (under the DTDs/Podcast namespace spelling) as the feed image', () => {
    expect(parseFeed(readFixture('rss2-itunes-media.xml')).image).toBe('https://cdn.example.com/show.png');
  });

  it('reads itunes:keywords as feed tags with the iTunes scheme, blanks dropped', () => {
    expect(parseFeed(readFixture('rss2-itunes-media.xml')).tags).toEqual([
      { term: 'Technology', scheme: 'http://www.itunes.com/' },
      { term: 'Gadgets', scheme: 'http://www.itunes.com/' },
    ]);
  });

  it('reads an item itunes:image as the entry image', () => {
    expect(parseFeed(readFixture('rss2-itunes-media.xml')).entries[0]?.image).toBe('https://cdn.example.com/ep1.png');
  });

  it('reads nested item itunes:category and media:category as tags (parent first, media scheme and label kept)', () => {
    expect(parseFeed(readFixture('rss2-itunes-media.xml')).entries[0]?.tags).toEqual([
      { term: 'Technology', scheme: 'http://www.itunes.com/' },
      { term: 'Gadgets', scheme: 'http://www.itunes.com/' },
      { term: 'reviews', scheme: 'urn:example:genres', label: 'Reviews' },
    ]);
  });

  it('uses media:title (type="plain": plain text) when the item has no title', () => {
    expect(parseFeed(readFixture('rss2-itunes-media.xml')).entries[0]?.title).toEqual({ value: 'Episode one & two', type: 'text' });
  });
});

describe('parseFeed: namespaced and misnamed structure', () => {
  it('reads RSS written with a prefix bound to the UserLand RSS 2.0 namespace', () => {
    const feed = parseFeed(readFixture('rss2-userland-prefixed.xml'));
    expect(feed.title).toBe('Prefixed channel');
    expect(feed.entries[0]?.title?.value).toBe('Prefixed item');
  });

  it('reads the <item>s of an Atom feed that has no <entry> as its entries', () => {
    const feed = parseFeed(readFixture('atom10-item-elements.xml'));
    expect(feed.entries.map((entry) => entry.title?.value)).toEqual(['First']);
  });

  it('removes a prefix bound to the SVG namespace outside the xhtml content from its inline markup', () => {
    expect(parseFeed(readFixture('atom10-svg-prefixed.xml')).entries[0]?.content?.value).toBe('<svg width="10"><rect width="5" height="5"/></svg>');
  });

  it('keeps the <div> of Atom 0.3 inline XHTML (no wrapper convention before Atom 1.0)', () => {
    expect(parseFeed(readFixture('atom03-inline-xhtml-div.xml')).entries[0]?.summary?.value).toBe('<div xmlns="http://www.w3.org/1999/xhtml">Kept <i>div</i></div>');
  });

  it('reads Atom 0.3 inline markup in a text/plain construct as written (mode="xml" is the default)', () => {
    expect(parseFeed(readFixture('atom03-inline-xhtml-div.xml')).rights).toEqual({ value: 'Text with <b>inline</b> markup', type: 'text' });
  });
});
