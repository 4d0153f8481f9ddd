import { describe, expect, it } from 'vitest';
import { textType } from '../../../../src/parse/formats/text-type.js';

const cases: Array<[type: string | undefined, expected: string | undefined]> = [
  [undefined, 'text'],
  ['', 'text'],
  ['text', 'text'],
  ['html', 'html'],
  ['xhtml', 'xhtml'],
  [' HTML ', 'html'],
  ['text/plain', 'text'],
  ['text/html', 'html'],
  ['application/xhtml+xml', 'xhtml'],
  ['text/markdown', 'text'],
  ['application/xml', 'xhtml'],
  ['image/svg+xml', 'xhtml'],
  ['image/png', undefined],
  ['application/octet-stream', undefined],
];

describe('textType', () => {
  it.each(cases)('%j → %j', (type, expected) => {
    expect(textType(type)).toBe(expected);
  });
});
