import { describe, expect, it } from 'vitest';
import { decodeBytes, findEncodingWarning } from '../../../src/decode/decode-bytes.js';

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);

describe('findEncodingWarning', () => {
  it('is absent for a well-labelled document', () => {
    expect(findEncodingWarning(bytes('<?xml version="1.0" encoding="utf-8"?><rss/>'))).toBeUndefined();
  });

  it('names an unknown encoding in the XML declaration', () => {
    expect(findEncodingWarning(bytes('<?xml version="1.0" encoding="bogus"?><rss/>'))).toMatch(/unknown encoding "bogus"/);
  });

  it('names an unknown charset in Content-Type', () => {
    expect(findEncodingWarning(bytes('<rss/>'), { contentType: 'text/xml; charset=bogus' })).toMatch(/unknown charset/);
  });

  it('flags a non-XML media type', () => {
    expect(findEncodingWarning(bytes('<rss/>'), { contentType: 'text/plain' })).toMatch(/not an XML media type/);
  });

  it('flags bytes that are not UTF-8 in a UTF-8 document', () => {
    expect(findEncodingWarning(new Uint8Array([0x3c, 0x72, 0x73, 0x73, 0x3e, 0xff, 0x3c, 0x2f, 0x72, 0x73, 0x73, 0x3e]))).toMatch(/invalid in UTF-8/);
  });

  it('accepts a single-quoted charset label (and decodeBytes uses it)', () => {
    const hints = { contentType: "application/atom+xml;charset='us-ascii'" };
    expect(decodeBytes(bytes('<rss/>'), hints).encoding).toBe('windows-1252');
    expect(findEncodingWarning(bytes('<rss/>'), hints)).toBeUndefined();
  });
});
