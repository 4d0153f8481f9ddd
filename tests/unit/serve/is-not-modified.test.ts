import { describe, expect, it } from 'vitest';
import { isNotModified } from '../../../src/serve/is-not-modified.js';

const etags = ['"abc"', '"abc-gz"', '"abc-br"'];
const modified = new Date('2026-05-01T10:00:00.700Z');

describe('isNotModified', () => {
  const cases: Array<[string, Record<string, string>, Date | undefined, boolean]> = [
    ['no conditional headers', {}, modified, false],
    ['matching ETag', { 'if-none-match': '"abc"' }, modified, true],
    ['matching ETag of another coding', { 'if-none-match': '"abc-br"' }, modified, true],
    ['weak form of a matching ETag', { 'if-none-match': 'W/"abc"' }, modified, true],
    ['one of a list', { 'if-none-match': '"old", "abc-gz"' }, modified, true],
    ['wildcard', { 'if-none-match': '*' }, modified, true],
    ['other ETag', { 'if-none-match': '"old"' }, modified, false],
    ['ETag without quotes does not match', { 'if-none-match': 'abc' }, modified, false],
    ['If-Modified-Since equal to the second', { 'if-modified-since': 'Fri, 01 May 2026 10:00:00 GMT' }, modified, true],
    ['If-Modified-Since later', { 'if-modified-since': 'Fri, 01 May 2026 11:00:00 GMT' }, modified, true],
    ['If-Modified-Since earlier', { 'if-modified-since': 'Fri, 01 May 2026 09:59:59 GMT' }, modified, false],
    ['invalid If-Modified-Since is ignored', { 'if-modified-since': 'yesterday' }, modified, false],
    [
      'If-Modified-Since without a usable Last-Modified',
      { 'if-modified-since': 'Fri, 01 May 2026 11:00:00 GMT' },
      undefined,
      false,
    ],
    // RFC 9110 §13.1.3: If-None-Match wins over If-Modified-Since.
    [
      'non-matching ETag beats a matching date',
      { 'if-none-match': '"old"', 'if-modified-since': 'Fri, 01 May 2026 11:00:00 GMT' },
      modified,
      false,
    ],
    [
      'matching ETag beats an old date',
      { 'if-none-match': '"abc"', 'if-modified-since': 'Fri, 01 May 2020 11:00:00 GMT' },
      modified,
      true,
    ],
  ];
  it.each(cases)('%s', (_name, headers, lastModified, expected) => {
    expect(isNotModified(headers, etags, lastModified)).toBe(expected);
  });
});
