import { describe, expect, it } from 'vitest';
import { parseContentTypeCharset } from '../../../src/lib/parse-content-type-charset.js';

describe('parseContentTypeCharset', () => {
  it.each([
    ['application/rss+xml; charset=utf-8', 'utf-8'],
    ['text/xml;charset=ISO-8859-1', 'ISO-8859-1'],
    ['text/xml; Charset="windows-1252"', 'windows-1252'],
    ['text/xml; charset = koi8-r ; foo=bar', 'koi8-r'],
    ['text/xml; foo=bar; charset="a\\"b"', 'a"b'],
    ['text/xml; charset=', undefined],
    ['text/xml; charset=""', undefined],
    ['text/xml', undefined],
    ['', undefined],
    [undefined, undefined],
  ])('%j → %j', (header, expected) => {
    expect(parseContentTypeCharset(header)).toBe(expected);
  });
});
