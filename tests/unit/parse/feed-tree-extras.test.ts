import { describe, expect, it } from 'vitest';
import { parseFeed } from '../../../src/parse/parse-feed.js';
import { parsePersonText } from '../../../src/parse/formats/person-text.js';
import { readFixture } from '../../support/parse-fixture.js';

// What parse reads beyond feedsmith, from its own forgiving look at the document (read-xml-tree.ts).
describe('parseFeed: what feedsmith does not read', () => {
  it('reads <author> on the RSS channel and dc:author on an item, as "Name (email)" persons', () => {
    const feed = parseFeed(readFixture('rss2-channel-author.xml'));
    expect(feed.authors).toEqual([{ name: 'News Desk', email: 'desk@example.com' }]);
    expect(feed.entries[0]?.authors).toEqual([{ name: 'Jo Reporter', email: 'jo@example.com' }]);
  });

  it('keeps an item whose only child is unknown to feedsmith, as an empty entry', () => {
    const feed = parseFeed(readFixture('rss2-unknown-only-item.xml'));
    expect(feed.entries).toEqual([{ links: [], authors: [], categories: [] }]);
  });

  it('reads a blank xml:lang="" as "no language", not as "inherit"', () => {
    const feed = parseFeed(readFixture('atom10-blank-xml-lang.xml'));
    expect(feed.language).toBe('en');
    expect(feed.entries[0]?.language).toBeUndefined();
    expect(feed.entries[1]?.language).toBe('en');
    expect(feed.entries[1]?.title).toEqual({ value: 'Title without language', type: 'text', language: '' });
  });

  it('reads xml:lang on content:encoded as the content language', () => {
    const feed = parseFeed(readFixture('rss2-content-encoded-xml-lang.xml'));
    expect(feed.entries[0]?.content).toEqual({ value: '<p>Hallo</p>', type: 'html', language: 'de' });
  });

  it('reads Atom 0.3 <copyright> and an author <url>', () => {
    const feed = parseFeed(readFixture('atom03-copyright-homepage.xml'));
    expect(feed.rights).toEqual({ value: '<b>(c)</b> Example', type: 'html' });
    expect(feed.authors).toEqual([{ name: 'Ann', uri: 'http://ann.example.com/' }]);
  });

  it('keeps feed id, subtitle, rights, generator, logo, icon, contributors, tags and entry source/contributors', () => {
    const feed = parseFeed(readFixture('atom10-feed-metadata.xml'));
    expect(feed).toMatchObject({
      id: 'urn:feed',
      subtitle: { value: 'All about it', type: 'text' },
      rights: { value: '© Example', type: 'text' },
      generator: { name: 'Gen', uri: 'https://gen.example.com/', version: '2.1' },
      image: 'https://example.com/logo.png',
      icon: 'https://example.com/icon.png',
      contributors: [{ name: 'Cy', email: 'cy@example.com' }],
      tags: [{ term: 'news', scheme: 'https://example.com/cat' }],
    });
    expect(feed.entries[0]?.contributors).toEqual([{ name: 'Di' }]);
    expect(feed.entries[0]?.source).toEqual({ id: 'urn:src', title: 'Origin', link: 'https://origin.example.com/', url: 'https://origin.example.com/feed' });
  });
});

describe('parsePersonText', () => {
  it.each([
    ['Example editor (me@example.com)', { name: 'Example editor', email: 'me@example.com' }],
    ['me@example.com (Example editor)', { name: 'Example editor', email: 'me@example.com' }],
    ['Example editor <me+spam@example.com>', { name: 'Example editor', email: 'me+spam@example.com' }],
    ['me@example.com', { email: 'me@example.com' }],
    ['Example editor', { name: 'Example editor' }],
    ['  ', {}],
  ])('%j', (text, expected) => {
    expect(parsePersonText(text)).toEqual(expected);
  });
});
