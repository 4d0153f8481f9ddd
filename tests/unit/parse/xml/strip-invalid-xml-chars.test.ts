import { describe, expect, it } from 'vitest';
import { stripInvalidXmlChars } from '../../../../src/parse/xml/strip-invalid-xml-chars.js';

const cases: Array<[label: string, input: string, expected: string]> = [
  ['leaves ordinary text alone', '<a>héllo ☺ 𝄞</a>', '<a>héllo ☺ 𝄞</a>'],
  ['keeps tab, LF and CR', 'a\tb\nc\rd', 'a\tb\nc\rd'],
  ['removes NUL and other C0 controls', 'a\u0000b\u0001c\u0008d\u000Be\u000Cf\u001Fg', 'abcdefg'],
  ['keeps DEL and C1 (allowed by XML 1.0)', 'a\u007Fb\u0085c', 'a\u007Fb\u0085c'],
  ['removes U+FFFE and U+FFFF', 'a\uFFFEb\uFFFFc', 'abc'],
  ['removes a lone high surrogate', 'a\uD800b', 'ab'],
  ['removes a lone low surrogate', 'a\uDC00b', 'ab'],
  ['keeps a surrogate pair', 'a\uD834\uDD1Eb', 'a\uD834\uDD1Eb'],
  ['removes a leading BOM', '\uFEFF<rss/>', '<rss/>'],
  ['removes repeated leading BOMs', '\uFEFF\uFEFF<rss/>', '<rss/>'],
  ['keeps a BOM that is not leading (U+FEFF is a valid character)', 'a\uFEFFb', 'a\uFEFFb'],
];

describe('stripInvalidXmlChars', () => {
  it.each(cases)('%s', (_label, input, expected) => {
    expect(stripInvalidXmlChars(input)).toBe(expected);
  });
});
