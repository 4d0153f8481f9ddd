import { describe, expect, it } from 'vitest';
import { negotiateEncoding } from '../../../src/serve/negotiate-encoding.js';

describe('negotiateEncoding', () => {
  const cases: Array<[string | undefined, string]> = [
    [undefined, 'identity'],
    ['', 'identity'],
    ['gzip', 'gzip'],
    ['gzip, deflate, br', 'br'],
    ['br;q=0.5, gzip', 'gzip'],
    ['br;q=0, gzip;q=0', 'identity'],
    ['deflate', 'identity'],
    ['identity', 'identity'],
    ['*', 'br'],
    ['*;q=0.5, br;q=0', 'gzip'],
    ['x-gzip', 'gzip'],
    ['GZIP;Q=1', 'gzip'],
    ['br;q=0.8, gzip;q=0.8', 'br'],
    ['gzip;q=0.9, br;q=0.1', 'gzip'],
    // A malformed q parameter is ignored, as if absent (q=1).
    ['gzip;q=bogus', 'gzip'],
    ['gzip;q=0.000', 'identity'],
  ];
  it.each(cases)('Accept-Encoding %j → %s', (header, expected) => {
    expect(negotiateEncoding(header)).toBe(expected);
  });
});
