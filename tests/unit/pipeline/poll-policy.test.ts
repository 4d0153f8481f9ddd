import { describe, expect, it } from 'vitest';
import {
  backoffDelayMs,
  feedMinIntervalMs,
  findRssTtlMinutes,
  parseRetryAfterMs,
  permanentRedirectTarget,
  RETRY_AFTER_CAP_MS,
} from '../../../src/pipeline/poll-policy.js';

const NOW = Date.parse('2026-01-01T00:00:00Z');

describe('parseRetryAfterMs', () => {
  it.each([
    ['120', 120_000],
    [' 0 ', 0],
    ['Thu, 01 Jan 2026 00:05:00 GMT', 300_000],
    ['Wed, 31 Dec 2025 23:00:00 GMT', 0], // in the past: poll at will
    ['999999999', RETRY_AFTER_CAP_MS],
    ['Fri, 01 Jan 2027 00:00:00 GMT', RETRY_AFTER_CAP_MS],
    ['soon', undefined],
    ['-5', undefined],
    [undefined, undefined],
  ])('%j → %j', (value, expected) => {
    expect(parseRetryAfterMs(value, NOW)).toBe(expected);
  });
});

describe('backoffDelayMs', () => {
  const opts = { backoffBaseMs: 60_000, backoffMaxMs: 3_600_000 };
  it('doubles per failure up to the cap, with no delay before any failure', () => {
    const mid = () => 0.5; // jitter factor exactly 1
    expect([0, 1, 2, 3, 4, 5, 6, 7, 8, 30].map((n) => backoffDelayMs(n, opts, mid))).toEqual([
      0, 60_000, 120_000, 240_000, 480_000, 960_000, 1_920_000, 3_600_000, 3_600_000, 3_600_000,
    ]);
  });

  it('jitters by ±20% and never exceeds the cap', () => {
    expect(backoffDelayMs(2, opts, () => 0)).toBe(96_000);
    expect(backoffDelayMs(2, opts, () => 0.999)).toBe(143_952);
    expect(backoffDelayMs(10, opts, () => 0.999)).toBe(3_600_000);
  });
});

describe('feedMinIntervalMs', () => {
  it.each([
    [{ ttlMinutes: 60 }, 3_600_000],
    [{ cacheControl: 'public, max-age=1800' }, 1_800_000],
    [{ ttlMinutes: 10, cacheControl: 'max-age=1800' }, 1_800_000],
    [{ ttlMinutes: 100_000 }, 6 * 3_600_000], // capped
    [{ ttlMinutes: 60, cacheControl: 'no-cache' }, 0],
    [{}, 0],
  ])('%j → %i', (input, expected) => {
    expect(feedMinIntervalMs(input, 6 * 3_600_000)).toBe(expected);
  });

  it('ignores ttl and max-age when the cap is 0', () => {
    expect(feedMinIntervalMs({ ttlMinutes: 60, cacheControl: 'max-age=60' }, 0)).toBe(0);
  });
});

describe('findRssTtlMinutes', () => {
  it('reads the channel ttl but not one inside an item', () => {
    expect(findRssTtlMinutes('<rss><channel><ttl> 45 </ttl><item><title>x</title></item></channel></rss>')).toBe(45);
    expect(findRssTtlMinutes('<rss><channel><item><ttl>5</ttl></item></channel></rss>')).toBeUndefined();
  });
});

describe('permanentRedirectTarget', () => {
  it('follows only the leading permanent hops', () => {
    expect(permanentRedirectTarget([{ status: 301, from: 'a', to: 'b' }, { status: 308, from: 'b', to: 'c' }])).toBe('c');
    expect(permanentRedirectTarget([{ status: 301, from: 'a', to: 'b' }, { status: 302, from: 'b', to: 'c' }])).toBe('b');
    expect(permanentRedirectTarget([{ status: 302, from: 'a', to: 'b' }, { status: 301, from: 'b', to: 'c' }])).toBeUndefined();
    expect(permanentRedirectTarget(undefined)).toBeUndefined();
  });
});
