import { describe, expect, it } from 'vitest';
import { resolveBase } from '../../../../src/parse/formats/resolve-base.js';

const cases: Array<[inner: string | undefined, outer: string | undefined, expected: string | undefined]> = [
  [undefined, undefined, undefined],
  [undefined, 'https://a.example/blog/', 'https://a.example/blog/'],
  ['https://b.example/x/', undefined, 'https://b.example/x/'],
  ['posts/', 'https://a.example/blog/', 'https://a.example/blog/posts/'],
  ['/root/', 'https://a.example/blog/', 'https://a.example/root/'],
  ['https://b.example/x', 'https://a.example/blog/', 'https://b.example/x'],
  // An outer base that is itself relative cannot be resolved here; the innermost declaration is kept.
  ['posts/', '/blog/', 'posts/'],
];

describe('resolveBase', () => {
  it.each(cases)('(%s, %s) → %s', (inner, outer, expected) => {
    expect(resolveBase(inner, outer)).toBe(expected);
  });
});
