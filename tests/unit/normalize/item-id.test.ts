import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { findItemKey, itemId, type ItemKeyInput } from '../../../src/normalize/item-id.js';

describe('itemId', () => {
  it('is the first 16 hex digits of sha256(sourceId + "\\n" + key)', () => {
    const want = createHash('sha256').update('bbc\nhttps://example.org/a').digest('hex').slice(0, 16);
    expect(itemId('bbc', 'https://example.org/a')).toBe(want);
  });

  it('is stable across calls (pinned value)', () => {
    expect(itemId('demo', 'urn:uuid:1225c695-cfb8-4ebb-aaaa-80da344efa6a')).toBe(
      itemId('demo', 'urn:uuid:1225c695-cfb8-4ebb-aaaa-80da344efa6a'),
    );
    expect(itemId('demo', 'x')).toMatch(/^[0-9a-f]{16}$/);
    // Pinned from outside the code: printf 'demo\nx' | sha256sum | cut -c1-16
    expect(itemId('demo', 'x')).toBe('2db8908029cf002d');
  });

  it('differs by source and by key', () => {
    expect(itemId('a', 'k')).not.toBe(itemId('b', 'k'));
    expect(itemId('a', 'k1')).not.toBe(itemId('a', 'k2'));
    // The separator keeps ("ab","c") and ("a","bc") apart.
    expect(itemId('ab', 'c')).not.toBe(itemId('a', 'bc'));
  });
});

describe('findItemKey', () => {
  const input = (overrides: Partial<ItemKeyInput> = {}): ItemKeyInput => ({
    guid: 'tag:example.org,2015:1',
    url: 'https://example.org/1',
    title: 'Title',
    rawDate: 'Fri, 27 Mar 2015 11:29:00 GMT',
    content: '<p>Body</p>',
    ...overrides,
  });

  it.each([
    ['guid first', input(), { kind: 'guid', key: 'tag:example.org,2015:1' }],
    ['canonical url when no guid', input({ guid: null }), { kind: 'url', key: 'https://example.org/1' }],
    ['url when guid is empty', input({ guid: '' }), { kind: 'url', key: 'https://example.org/1' }],
    [
      'title + raw date next',
      input({ guid: null, url: null }),
      { kind: 'title-date', key: 'Title\nFri, 27 Mar 2015 11:29:00 GMT' },
    ],
    [
      'title without date',
      input({ guid: null, url: null, rawDate: undefined }),
      { kind: 'title-date', key: 'Title\n' },
    ],
  ] as const)('%s', (_name, given, want) => {
    expect(findItemKey(given)).toEqual(want);
  });

  it('hashes the content last, so the same content gives the same key', () => {
    const a = findItemKey(input({ guid: null, url: null, title: '' }));
    const b = findItemKey(input({ guid: null, url: null, title: '', rawDate: 'other' }));
    const c = findItemKey(input({ guid: null, url: null, title: '', content: 'different' }));
    expect(a.kind).toBe('content');
    expect(a.key).toMatch(/^content:[0-9a-f]{64}$/);
    expect(b).toEqual(a);
    expect(c.key).not.toBe(a.key);
  });
});
