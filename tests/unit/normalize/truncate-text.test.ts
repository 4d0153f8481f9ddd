import { describe, expect, it } from 'vitest';
import { firstWords, truncateText } from '../../../src/normalize/truncate-text.js';

describe('truncateText', () => {
  it.each([
    ['short text unchanged', 'short text', 20, 'short text'],
    ['exactly at the limit unchanged', 'abcde', 5, 'abcde'],
    ['cut at a word boundary', 'the quick brown fox jumps', 12, 'the quick…'],
    ['boundary right at the limit', 'aaaa bbbb cccc', 10, 'aaaa bbbb…'],
    ['trailing comma dropped before the ellipsis', 'one, two, three, four', 10, 'one, two…'],
    ['a single long word is cut mid-word', 'abcdefghijklmnopqrstuvwxyz', 10, 'abcdefghi…'],
    ['surrogate pair not split', 'ab😀cd', 4, 'ab…'],
  ])('%s', (_name, text, max, want) => {
    const got = truncateText(text, max);
    expect(got).toBe(want);
    expect(got.length).toBeLessThanOrEqual(max);
  });
});

describe('firstWords', () => {
  it.each([
    ['fewer words than asked', 'just three words', 12, 'just three words'],
    ['cut to n words with an ellipsis', 'a b c d e f', 3, 'a b c…'],
    ['punctuation before the cut dropped', 'one, two, three', 2, 'one, two…'],
  ])('%s', (_name, text, count, want) => {
    expect(firstWords(text, count)).toBe(want);
  });

  it('caps text without spaces by characters', () => {
    const got = firstWords('長'.repeat(300), 12, 50);
    expect(got.length).toBeLessThanOrEqual(50);
    expect(got.endsWith('…')).toBe(true);
  });
});
