import { describe, expect, it } from 'vitest';
import { stripInvalidXmlChars } from '../../../src/lib/strip-invalid-xml-chars.js';

describe('stripInvalidXmlChars', () => {
  it.each([
    ['plain text', 'plain text', 'plain text'],
    ['tab, LF and CR are kept', 'a\tb\nc\rd', 'a\tb\nc\rd'],
    ['NUL and other C0 controls are removed', 'a\u0000b\u0001c\u0008d\u000Be\u000Cf\u001Fg', 'abcdefg'],
    ['DEL and C1 controls are allowed by XML 1.0', 'a\u007Fb\u0085c', 'a\u007Fb\u0085c'],
    ['U+FFFE and U+FFFF are removed', 'a\uFFFEb\uFFFFc', 'abc'],
    ['U+FFFD is kept', 'a\uFFFDb', 'a\uFFFDb'],
    ['private use U+E000 is kept', 'a\uE000b', 'a\uE000b'],
    ['a lone high surrogate is removed', 'a\uD800b', 'ab'],
    ['a lone low surrogate is removed', 'a\uDC00b', 'ab'],
    ['astral characters (surrogate pairs) are kept', 'news 📰 \u{10FFFD}', 'news 📰 \u{10FFFD}'],
    ['non-Latin text is kept', 'Zürich – 東京 – Київ', 'Zürich – 東京 – Київ'],
    ['empty string', '', ''],
  ])('%s', (_name, input, expected) => {
    expect(stripInvalidXmlChars(input)).toBe(expected);
  });
});
