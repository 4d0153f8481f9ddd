import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { decodeBytes, demoronize, demoronizeUtf8 } from '../../../src/decode/decode-bytes.js';

const bytes = (...values: number[]): Uint8Array => Uint8Array.from(values);
const concat = (...parts: (Uint8Array | string)[]): Uint8Array =>
  Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'latin1') : p)));
const xmlIn = (encodingLabel: string, body: string) => `<?xml version="1.0" encoding="${encodingLabel}"?><t>${body}</t>`;

describe('decodeBytes: byte order marks', () => {
  it('strips a UTF-8 BOM and reports it', () => {
    const doc = decodeBytes(concat(bytes(0xef, 0xbb, 0xbf), Buffer.from('<t>é</t>', 'utf8')));
    expect(doc).toEqual({ text: '<t>é</t>', encoding: 'UTF-8', encodingSource: 'bom' });
  });

  it('decodes UTF-16LE with BOM', () => {
    const doc = decodeBytes(concat(bytes(0xff, 0xfe), Buffer.from('<t>ü€</t>', 'utf16le')));
    expect(doc).toEqual({ text: '<t>ü€</t>', encoding: 'UTF-16LE', encodingSource: 'bom' });
  });

  it('decodes UTF-16BE with BOM', () => {
    const doc = decodeBytes(concat(bytes(0xfe, 0xff), iconv.encode('<t>ü€</t>', 'utf16be')));
    expect(doc).toEqual({ text: '<t>ü€</t>', encoding: 'UTF-16BE', encodingSource: 'bom' });
  });

  it.each([
    ['UTF-32LE', 'utf32le', [0xff, 0xfe, 0x00, 0x00]],
    ['UTF-32BE', 'utf32be', [0x00, 0x00, 0xfe, 0xff]],
  ])('decodes %s with BOM', (name, codec, bom) => {
    const doc = decodeBytes(concat(bytes(...bom), iconv.encode('<t>𝄞</t>', codec)));
    expect(doc).toEqual({ text: '<t>𝄞</t>', encoding: name, encodingSource: 'bom' });
  });

  it('lets the BOM win over the HTTP charset and the prolog', () => {
    const body = concat(bytes(0xef, 0xbb, 0xbf), Buffer.from(xmlIn('windows-1252', '“x”'), 'utf8'));
    const doc = decodeBytes(body, { contentTypeCharset: 'iso-8859-2' });
    expect(doc.text).toBe('<?xml version="1.0" encoding="windows-1252"?><t>“x”</t>');
    expect(doc.encodingSource).toBe('bom');
  });
});

describe('decodeBytes: sniffed UTF-16/32 without BOM', () => {
  it.each([
    ['UTF-16LE', 'utf16le'],
    ['UTF-16BE', 'utf16be'],
    ['UTF-32LE', 'utf32le'],
    ['UTF-32BE', 'utf32be'],
  ])('recognises <?xml in %s', (name, codec) => {
    const doc = decodeBytes(iconv.encode(xmlIn('UTF-16', 'Ελληνικά'), codec));
    expect(doc).toEqual({ text: '<?xml version="1.0" encoding="UTF-16"?><t>Ελληνικά</t>', encoding: name, encodingSource: 'sniffed' });
  });

  it('lets a byte-order-less utf-16 HTTP label take the sniffed byte order', () => {
    const doc = decodeBytes(iconv.encode(xmlIn('UTF-16', 'ok'), 'utf16be'), { contentTypeCharset: 'utf-16' });
    expect(doc).toMatchObject({ text: '<?xml version="1.0" encoding="UTF-16"?><t>ok</t>', encoding: 'UTF-16BE', encodingSource: 'http' });
  });

  it('ignores an ASCII-compatible HTTP label on a body spelt in UTF-16', () => {
    const doc = decodeBytes(iconv.encode(xmlIn('UTF-16', 'ok'), 'utf16le'), { contentTypeCharset: 'iso-8859-1' });
    expect(doc).toMatchObject({ text: '<?xml version="1.0" encoding="UTF-16"?><t>ok</t>', encoding: 'UTF-16LE', encodingSource: 'sniffed' });
  });

  it('ignores a UTF-16 HTTP label on single-byte markup', () => {
    const doc = decodeBytes(Buffer.from('<rss version="2.0"/>'), { contentTypeCharset: 'utf-16' });
    expect(doc).toEqual({ text: '<rss version="2.0"/>', encoding: 'UTF-8', encodingSource: 'default' });
  });
});

describe('decodeBytes: legacy encodings', () => {
  it('decodes windows-1252 0x93 0x94 0x80 as “ ” €', () => {
    const doc = decodeBytes(concat('<t>', bytes(0x93, 0x94, 0x80), '</t>'), { contentTypeCharset: 'windows-1252' });
    expect(doc).toEqual({ text: '<t>“”€</t>', encoding: 'windows-1252', encodingSource: 'http' });
  });

  it.each(['iso-8859-1', 'ISO-8859-1', 'latin1', 'us-ascii', 'ascii', ' Latin1 '])(
    'treats the %s label as windows-1252 (WHATWG)',
    (label) => {
      const doc = decodeBytes(concat('<t>', bytes(0x93, 0x94, 0x80, 0xe9), '</t>'), { contentTypeCharset: label });
      expect(doc).toEqual({ text: '<t>“”€é</t>', encoding: 'windows-1252', encodingSource: 'http' });
    },
  );

  // Fixture bytes are made by encoding the expected text with iconv-lite; the assertion is on a literal.
  it.each([
    ['ISO-8859-2', 'iso-8859-2', 'Příliš žluťoučký kůň úpěl ďábelské ódy'],
    ['KOI8-R', 'koi8-r', 'Съешь же ещё этих мягких французских булок'],
    ['Shift_JIS', 'shift_jis', '日本語のニュース記事「速報」'],
    ['GBK', 'gb2312', '新闻标题：今日要闻'],
    ['GBK', 'gbk', '繁體與简体：臺灣'],
    ['EUC-KR', 'euc-kr', '한국어 뉴스 속보'],
    ['windows-1251', 'windows-1251', 'Новости дня'],
  ])('decodes %s from the prolog (%s)', (encoding, label, text) => {
    const doc = decodeBytes(iconv.encode(xmlIn(label, text), label));
    expect(doc).toEqual({ text: xmlIn(label, text), encoding, encodingSource: 'prolog' });
  });

  it('literal check: Shift_JIS bytes decode to the expected Japanese', () => {
    // 日本 in Shift_JIS is 93 FA 96 7B.
    const doc = decodeBytes(concat('<t>', bytes(0x93, 0xfa, 0x96, 0x7b), '</t>'), { contentTypeCharset: 'Shift_JIS' });
    expect(doc.text).toBe('<t>日本</t>');
  });

  it('literal check: KOI8-R bytes decode to the expected Russian', () => {
    // мир in KOI8-R is CD C9 D2.
    const doc = decodeBytes(concat('<t>', bytes(0xcd, 0xc9, 0xd2), '</t>'), { contentTypeCharset: 'koi8-r' });
    expect(doc.text).toBe('<t>мир</t>');
  });
});

describe('decodeBytes: precedence between HTTP, prolog and default', () => {
  it('lets the HTTP charset override the prolog', () => {
    const body = iconv.encode(xmlIn('iso-8859-1', 'Żółć'), 'iso-8859-2');
    const doc = decodeBytes(body, { contentType: 'application/rss+xml; charset=ISO-8859-2' });
    expect(doc).toEqual({ text: xmlIn('iso-8859-1', 'Żółć'), encoding: 'ISO-8859-2', encodingSource: 'http' });
  });

  it('prefers contentTypeCharset over the charset inside contentType', () => {
    const body = iconv.encode('<t>Żółć</t>', 'iso-8859-2');
    const doc = decodeBytes(body, { contentType: 'text/xml; charset=utf-8', contentTypeCharset: 'iso-8859-2' });
    expect(doc.text).toBe('<t>Żółć</t>');
  });

  it('uses the prolog when there is no HTTP charset', () => {
    const body = concat(xmlIn('windows-1252', ''), bytes(0x93, 0x94));
    const doc = decodeBytes(body, { contentType: 'application/xml' });
    expect(doc).toEqual({ text: xmlIn('windows-1252', '') + '“”', encoding: 'windows-1252', encodingSource: 'prolog' });
  });

  it('reads a single-quoted prolog encoding followed by standalone', () => {
    const body = concat("<?xml version='1.0' encoding='KOI8-R' standalone='yes'?><t>", bytes(0xcd, 0xc9, 0xd2), '</t>');
    expect(decodeBytes(body)).toMatchObject({ text: "<?xml version='1.0' encoding='KOI8-R' standalone='yes'?><t>мир</t>", encodingSource: 'prolog' });
  });

  it('lets a bogus HTTP label fall through to the prolog', () => {
    const body = concat(xmlIn('windows-1252', ''), bytes(0x80));
    const doc = decodeBytes(body, { contentTypeCharset: 'x-made-up-charset' });
    expect(doc).toEqual({ text: xmlIn('windows-1252', '') + '€', encoding: 'windows-1252', encodingSource: 'prolog' });
  });

  it.each(['base64', 'hex', 'binary', 'utf-7'])('does not treat the non-WHATWG label %s as an encoding', (label) => {
    const doc = decodeBytes(Buffer.from('<t>ok</t>'), { contentTypeCharset: label });
    expect(doc).toEqual({ text: '<t>ok</t>', encoding: 'UTF-8', encodingSource: 'default' });
  });

  it('lets a bogus prolog label fall through to UTF-8', () => {
    const doc = decodeBytes(Buffer.from(xmlIn('klingon-8', 'é'), 'utf8'));
    expect(doc).toEqual({ text: xmlIn('klingon-8', 'é'), encoding: 'UTF-8', encodingSource: 'default' });
  });

  it('ignores a UTF-16 declaration in an ASCII-compatible prolog', () => {
    const doc = decodeBytes(Buffer.from(xmlIn('UTF-16', 'é'), 'utf8'));
    expect(doc).toEqual({ text: xmlIn('UTF-16', 'é'), encoding: 'UTF-8', encodingSource: 'default' });
  });

  it('defaults to UTF-8', () => {
    expect(decodeBytes(Buffer.from('<rss><title>Ünïcödé</title></rss>', 'utf8'))).toEqual({
      text: '<rss><title>Ünïcödé</title></rss>',
      encoding: 'UTF-8',
      encodingSource: 'default',
    });
  });

  it('turns invalid UTF-8 into U+FFFD instead of throwing', () => {
    const doc = decodeBytes(concat('<t>a', bytes(0xff), 'b', bytes(0xe2, 0x82), 'c', bytes(0xc3), '</t>'));
    expect(doc.text).toBe('<t>a\uFFFDb\uFFFDc\uFFFD</t>');
    expect(doc.encoding).toBe('UTF-8');
  });

  it('decodes an empty body to an empty string', () => {
    expect(decodeBytes(new Uint8Array(0))).toEqual({ text: '', encoding: 'UTF-8', encodingSource: 'default' });
  });

  it('respects the byte offset of a Uint8Array view', () => {
    const backing = Buffer.from('XXXX<t>ok</t>');
    expect(decodeBytes(backing.subarray(4)).text).toBe('<t>ok</t>');
  });
});

describe('decodeBytes: JSON', () => {
  const json = '{"title":"Café “quoted”"}';

  it('decodes JSON as UTF-8 even when the HTTP charset says otherwise', () => {
    const doc = decodeBytes(Buffer.from(json, 'utf8'), { contentType: 'application/feed+json; charset=iso-8859-1' });
    expect(doc).toEqual({ text: json, encoding: 'UTF-8', encodingSource: 'default' });
  });

  it('recognises JSON by its first byte without a Content-Type', () => {
    const doc = decodeBytes(Buffer.from(`\n  ${json}`, 'utf8'), { contentTypeCharset: 'windows-1252' });
    expect(doc.text).toBe(`\n  ${json}`);
    expect(doc.encodingSource).toBe('default');
  });

  it('still honours a BOM on JSON', () => {
    const doc = decodeBytes(concat(bytes(0xff, 0xfe), Buffer.from(json, 'utf16le')), { contentType: 'application/json' });
    expect(doc).toEqual({ text: json, encoding: 'UTF-16LE', encodingSource: 'bom' });
  });

  it('sniffs BOM-less UTF-16 JSON from its NUL pattern (RFC 4627 §3)', () => {
    const doc = decodeBytes(iconv.encode(json, 'utf16be'), { contentType: 'application/json' });
    expect(doc).toEqual({ text: json, encoding: 'UTF-16BE', encodingSource: 'sniffed' });
  });

  it('treats XML served with a JSON Content-Type as XML', () => {
    const body = concat(xmlIn('windows-1252', ''), bytes(0x80));
    expect(decodeBytes(body, { contentType: 'application/json' }).text).toBe(xmlIn('windows-1252', '') + '€');
  });
});

describe('decodeBytes: C1 controls are windows-1252 text', () => {
  it('turns U+0092 written as UTF-8 into a right single quote, and leaves undefined positions alone', () => {
    const bytes = new Uint8Array([...Buffer.from('<x>don'), 0xc2, 0x92, ...Buffer.from('t '), 0xc2, 0x80, 0xc2, 0x81, ...Buffer.from('</x>')]);
    expect(decodeBytes(bytes).text).toBe('<x>don’t €\u0081</x>');
  });

  // decodeBytes replaces UTF-8 C1 controls in the bytes (C2 80–C2 9F) rather than in the text: the result must
  // be the same whatever the bytes around them (overlong forms, truncated or stray sequences, invalid bytes).
  it('replaces C1 controls in UTF-8 bytes exactly as in the decoded text', () => {
    let state = 1;
    const next = (): number => {
      state = (Math.imul(state, 1103515245) + 12345) >>> 0;
      return state >>> 8;
    };
    const interesting = [0xc2, 0xc2, 0x80, 0x81, 0x92, 0x9f, 0xa0, 0xbf, 0xc0, 0xc1, 0xe0, 0xe2, 0xed, 0xef, 0xf0, 0xf4, 0xf5, 0xff, 0x3c, 0x61];
    const mismatches: string[] = [];
    for (let n = 0; n < 30000; n++) {
      const body = Buffer.from(Uint8Array.from({ length: 1 + (next() % 12) }, () => (next() % 4 === 0 ? next() % 256 : interesting[next() % interesting.length]!)));
      if (iconv.decode(demoronizeUtf8(body), 'utf8') !== demoronize(iconv.decode(body, 'utf8'))) mismatches.push(body.toString('hex'));
    }
    expect(mismatches).toEqual([]);
    const plain = Buffer.from('a\u00a0b é', 'utf8');
    expect(demoronizeUtf8(plain)).toBe(plain);
  });
});
