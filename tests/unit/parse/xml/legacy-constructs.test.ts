import { describe, expect, it } from 'vitest';
import { decodeBase64Text } from '../../../../src/parse/xml/legacy-constructs.js';
import { parseFeed } from '../../../../src/parse/parse-feed.js';
import { readFixture } from '../../../support/parse-fixture.js';

describe('legacy constructs', () => {
  it('decodes Atom 0.3 mode="base64" text constructs, keeping their type', () => {
    const entry = parseFeed(readFixture('atom03-base64-mode.xml')).entries[0];
    // Decoded base64 is exact text (no XML escaping layer): marked verbatim so that no entity decoding applies.
    expect(entry?.title).toEqual({ value: 'Hello <b>world</b>', type: 'text', verbatim: true });
    expect(entry?.content).toEqual({ value: '<p>Hello <b>world</b></p>', type: 'html' });
  });

  it('decodes an Atom 1.0 text construct of another media type (base64) as plain text', () => {
    expect(parseFeed(readFixture('atom10-octet-stream-text.xml')).entries[0]?.title).toEqual({ value: 'Hello <b>world</b>', type: 'text', verbatim: true });
  });

  it('reads RSS <body> (inline XHTML) and <fullitem> (escaped HTML) as the item content', () => {
    const [body, fullitem] = parseFeed(readFixture('rss2-item-bodies.xml')).entries;
    expect(body?.content).toEqual({ value: '<p>Hello <b>world</b></p>', type: 'html' });
    expect(fullitem?.content).toEqual({ value: '<p>Escaped <i>body</i></p>', type: 'html' });
  });

  it.each([
    ['text', 'SGk=', 'Hi'],
    ['not base64', 'Hi there!', undefined],
    ['binary, not UTF-8', '/+7/', undefined],
  ])('decodeBase64Text: %s', (_name, input, want) => {
    expect(decodeBase64Text(input)).toBe(want);
  });
});
