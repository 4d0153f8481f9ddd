// Bytes → text, choosing the encoding the way XML 1.0 Appendix F, RFC 7303 §3 and the WHATWG
// Encoding Standard agree on. First rule that gives a recognised encoding wins:
//
// | # | rule                                                                  | encodingSource |
// |---|-----------------------------------------------------------------------|----------------|
// | 1 | byte order mark: UTF-8, UTF-32LE/BE, UTF-16LE/BE (stripped from text) | 'bom'          |
// | 2 | JSON (body starts with `{`/`[`, or a JSON Content-Type): UTF-8        | 'default'      |
// |   |   … or UTF-16/32 told by the RFC 4627 §3 pattern of NUL bytes         | 'sniffed'      |
// | 3 | Content-Type charset, if the label is recognised and fits the bytes   | 'http'         |
// | 4 | no BOM but `<?xml` spelt in UTF-16/32 (`3C 00 3F 00`, `00 3C 00 3F`…) | 'sniffed'      |
// | 5 | XML prolog `encoding="…"`, read from the ASCII-compatible start       | 'prolog'       |
// | 6 | UTF-8                                                                 | 'default'      |
//
// Labels are resolved with the WHATWG table (encoding-for-label.ts): `iso-8859-1`, `latin1`,
// `us-ascii` and `ascii` mean windows-1252. An unknown or bogus label falls through to the next rule.
// "Fits the bytes" (rule 3): a UTF-16/32 label on a body that starts with single-byte markup, or an
// ASCII-compatible label on a body that spells `<?xml` in UTF-16/32, cannot be right, so it is
// ignored; a label without byte order (`utf-16`) takes the sniffed one. Decoding never throws:
// bytes invalid in the chosen encoding become U+FFFD.

import iconv from 'iconv-lite';
import type { DecodedDocument } from '../model.js';
import { encodingForLabel, type EncodingInfo } from './encoding-for-label.js';
import { parseContentTypeCharset } from '../lib/parse-content-type-charset.js';

const UTF8: EncodingInfo = { name: 'UTF-8', codec: 'utf8' };
const UTF16LE: EncodingInfo = { name: 'UTF-16LE', codec: 'utf16le' };
const UTF16BE: EncodingInfo = { name: 'UTF-16BE', codec: 'utf16be' };
const UTF32LE: EncodingInfo = { name: 'UTF-32LE', codec: 'utf32le' };
const UTF32BE: EncodingInfo = { name: 'UTF-32BE', codec: 'utf32be' };

// How far into the document to look for an XML declaration; it must come first, so 1 KiB is plenty.
const PROLOG_SCAN_BYTES = 1024;

/** Returns the text of a fetched body and the encoding used, choosing it by BOM > HTTP charset > XML prolog > UTF-8. */
export function decodeBytes(body: Uint8Array, hints: { contentType?: string; contentTypeCharset?: string } = {}): DecodedDocument {
  const bytes = Buffer.from(body.buffer, body.byteOffset, body.byteLength);

  const bom = sniffBom(bytes);
  if (bom) return decodeWith(bytes.subarray(bom.length), bom.encoding, 'bom');

  const wide = sniffWideXml(bytes);

  if (looksLikeJson(bytes, hints.contentType)) {
    // RFC 8259 §8.1: JSON exchanged between systems is UTF-8 and `charset` has no meaning for it.
    const jsonWide = sniffWideJson(bytes);
    return jsonWide ? decodeWith(bytes, jsonWide, 'sniffed') : decodeWith(bytes, UTF8, 'default');
  }

  // A label in single quotes (`charset='us-ascii'`) is not RFC 9110 syntax but is common and unambiguous.
  const label = (hints.contentTypeCharset ?? parseContentTypeCharset(hints.contentType))?.trim().replace(/^'(.*)'$/, '$1');
  const http = label === undefined ? undefined : encodingForLabel(label);
  const declared = findPrologEncoding(bytes);
  const prolog = declared === undefined ? undefined : encodingForLabel(declared);
  if (http && fitsBytes(http, bytes, wide)) {
    const refined = http.byteOrderUnspecified && wide && unitBytes(wide) === unitBytes(http) ? wide : http;
    return decodeWith(bytes, { name: refined.name, codec: refined.codec }, 'http');
  }

  // The declaration inside a UTF-16/32 document can only name that family; the byte pattern is more precise.
  if (wide) return decodeWith(bytes, wide, 'sniffed');

  // XML 1.0 Appendix F: a document whose first bytes are ASCII `<?xm` cannot be UTF-16/32, whatever it declares.
  if (prolog && unitBytes(prolog) === 1) return decodeWith(bytes, prolog, 'prolog');

  return decodeWith(bytes, UTF8, 'default');
}

/**
 * Returns why the encoding information of a body is unusable or wrong — an unknown charset or prolog label, a
 * non-XML media type, bytes invalid in the UTF-8 that decodeBytes fell back to — or undefined when it is sound.
 * (feedparser calls such a document "bozo"; decodeBytes itself still decodes it, by the rules above.)
 */
export function findEncodingWarning(body: Uint8Array, hints: { contentType?: string; contentTypeCharset?: string } = {}): string | undefined {
  const bytes = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  if (sniffBom(bytes) !== undefined) return undefined;
  const contentType = hints.contentType;
  const httpLabel = (hints.contentTypeCharset ?? parseContentTypeCharset(contentType))?.trim().replace(/^'(.*)'$/, '$1');
  const http = httpLabel === undefined ? undefined : encodingForLabel(httpLabel);
  const declared = findPrologEncoding(bytes);
  const prolog = declared === undefined ? undefined : encodingForLabel(declared);
  return findLabelWarning(contentType, httpLabel, http, declared, prolog) ?? invalidBytesWarning(bytes, decodeBytes(body, hints));
}

function findLabelWarning(
  contentType: string | undefined,
  httpLabel: string | undefined,
  http: EncodingInfo | undefined,
  declared: string | undefined,
  prolog: EncodingInfo | undefined,
): string | undefined {
  if (httpLabel !== undefined && httpLabel !== '' && http === undefined) return `unknown charset ${JSON.stringify(httpLabel)} in Content-Type`;
  if (declared !== undefined && prolog === undefined) return `unknown encoding ${JSON.stringify(declared)} in the XML declaration`;
  // RFC 7303: text/plain, text/html… are not XML media types; the body is read as XML anyway.
  const mediaType = contentType?.split(';')[0]?.trim().toLowerCase();
  if (mediaType !== undefined && mediaType !== '' && !/xml|[/+]json$|^application\/(?:rss|atom|rdf|feed)|^text\/(?:rss|atom)/.test(mediaType)) {
    return `Content-Type ${mediaType} is not an XML media type`;
  }
  return undefined;
}

/** Returns a warning when a UTF-8 document holds bytes that are not UTF-8 (they became U+FFFD). */
function invalidBytesWarning(bytes: Buffer, decoded: DecodedDocument): string | undefined {
  if (decoded.encoding !== 'UTF-8' || !decoded.text.includes('\uFFFD')) return undefined;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return undefined;
  } catch {
    // The bytes are not UTF-8: that is the warning.
    return 'bytes invalid in UTF-8 replaced with U+FFFD';
  }
}

function decodeWith(bytes: Buffer, encoding: EncodingInfo, encodingSource: DecodedDocument['encodingSource']): DecodedDocument {
  // iconv-lite replaces invalid sequences with U+FFFD and strips a leading U+FEFF for UTF codecs.
  // In UTF-8 the C1 controls are replaced in the bytes, much faster than a scan and a copy of the text.
  const text = encoding.codec === 'utf8' ? iconv.decode(demoronizeUtf8(bytes), 'utf8') : demoronize(iconv.decode(bytes, encoding.codec));
  return { text, encoding: encoding.name, encodingSource };
}

// windows-1252's characters at 0x80–0x9F; the five positions it leaves undefined stay as they are.
const CP1252_C1: Record<number, string> = {
  0x80: '€', 0x82: '‚', 0x83: 'ƒ', 0x84: '„', 0x85: '…', 0x86: '†', 0x87: '‡', 0x88: 'ˆ', 0x89: '‰', 0x8a: 'Š',
  0x8b: '‹', 0x8c: 'Œ', 0x8e: 'Ž', 0x91: '‘', 0x92: '’', 0x93: '“', 0x94: '”', 0x95: '•', 0x96: '–', 0x97: '—',
  0x98: '˜', 0x99: '™', 0x9a: 'š', 0x9b: '›', 0x9c: 'œ', 0x9e: 'ž', 0x9f: 'Ÿ',
};

/**
 * Returns the text with C1 control characters (U+0080–U+009F) replaced by the windows-1252 characters at
 * those byte values. A feed never means a C1 control: it is text written in windows-1252 and labelled or
 * converted as ISO-8859-1 / UTF-8 along the way ("don\u0092t" → "don’t"), as feedparser's demoronizer assumes too.
 */
export function demoronize(text: string): string {
  return /[\u0080-\u009f]/.test(text) ? text.replace(/[\u0080-\u009f]/g, (c) => CP1252_C1[c.charCodeAt(0)] ?? c) : text;
}

/** The UTF-8 bytes of CP1252_C1's characters, by C1 code point. */
const CP1252_C1_UTF8: ReadonlyMap<number, Buffer> = new Map(Object.entries(CP1252_C1).map(([code, char]) => [Number(code), Buffer.from(char, 'utf8')]));

/**
 * Returns UTF-8 bytes whose decoding is demoronize(decoding of `bytes`): each C1 control (C2 80–C2 9F, the only
 * spelling of U+0080–U+009F in UTF-8) becomes its windows-1252 character's bytes. C2 is never a continuation byte,
 * so the pair is a character of its own, and the complete sequence put in its place decodes alike in any context.
 */
export function demoronizeUtf8(bytes: Buffer): Buffer {
  const parts: Buffer[] = [];
  let copied = 0;
  for (let at = bytes.indexOf(0xc2); at !== -1; at = bytes.indexOf(0xc2, at + 1)) {
    const replacement = CP1252_C1_UTF8.get(bytes[at + 1] ?? 0);
    if (replacement === undefined) continue;
    parts.push(bytes.subarray(copied, at), replacement);
    copied = at + 2;
  }
  if (parts.length === 0) return bytes;
  parts.push(bytes.subarray(copied));
  return Buffer.concat(parts);
}

function sniffBom(bytes: Buffer): { encoding: EncodingInfo; length: number } | undefined {
  const [b0, b1, b2, b3] = bytes;
  if (b0 === 0xef && b1 === 0xbb && b2 === 0xbf) return { encoding: UTF8, length: 3 };
  // UTF-32LE's BOM begins with UTF-16LE's, so it is checked first.
  if (b0 === 0xff && b1 === 0xfe && b2 === 0x00 && b3 === 0x00) return { encoding: UTF32LE, length: 4 };
  if (b0 === 0x00 && b1 === 0x00 && b2 === 0xfe && b3 === 0xff) return { encoding: UTF32BE, length: 4 };
  if (b0 === 0xfe && b1 === 0xff) return { encoding: UTF16BE, length: 2 };
  if (b0 === 0xff && b1 === 0xfe) return { encoding: UTF16LE, length: 2 };
  return undefined;
}

// XML 1.0 Appendix F.1, "without a byte order mark": `<?` in a 2- or 4-byte encoding.
function sniffWideXml(bytes: Buffer): EncodingInfo | undefined {
  const head = bytes.subarray(0, 4).toString('hex');
  if (head === '0000003c') return UTF32BE;
  if (head === '3c000000') return UTF32LE;
  if (head === '003c003f') return UTF16BE;
  if (head === '3c003f00') return UTF16LE;
  return undefined;
}

// RFC 4627 §3: the first two characters of JSON are ASCII, so the NUL pattern of the first 4 bytes tells the encoding.
function sniffWideJson(bytes: Buffer): EncodingInfo | undefined {
  if (bytes.length < 4) return undefined;
  const nul = [0, 1, 2, 3].map((i) => bytes[i] === 0);
  if (nul[0] && nul[1] && nul[2] && !nul[3]) return UTF32BE;
  if (!nul[0] && nul[1] && nul[2] && nul[3]) return UTF32LE;
  if (nul[0] && !nul[1] && nul[2] && !nul[3]) return UTF16BE;
  if (!nul[0] && nul[1] && !nul[2] && nul[3]) return UTF16LE;
  return undefined;
}

function looksLikeJson(bytes: Buffer, contentType: string | undefined): boolean {
  const first = firstNonSpaceByte(bytes);
  if (first === 0x7b || first === 0x5b) return true; // `{` or `[`
  // A JSON Content-Type on a body that starts with `<` is a misconfigured server sending XML.
  const jsonType = contentType !== undefined && /^\s*[^;]*[/+]json\s*(?:;|$)/i.test(contentType);
  return jsonType && first !== 0x3c;
}

function firstNonSpaceByte(bytes: Buffer): number | undefined {
  // Skips NULs too, so that UTF-16/32 JSON without a BOM is recognised by its first real character.
  for (const byte of bytes.subarray(0, PROLOG_SCAN_BYTES)) {
    if (byte !== 0x20 && byte !== 0x09 && byte !== 0x0a && byte !== 0x0d && byte !== 0x00) return byte;
  }
  return undefined;
}

function unitBytes(encoding: EncodingInfo): 1 | 2 | 4 {
  if (encoding.codec.startsWith('utf16')) return 2;
  if (encoding.codec.startsWith('utf32')) return 4;
  return 1;
}

function fitsBytes(encoding: EncodingInfo, bytes: Buffer, wide: EncodingInfo | undefined): boolean {
  if (wide) return unitBytes(encoding) === unitBytes(wide);
  // `<` followed by a name start, `?` or `!` as single bytes: markup in an ASCII-compatible encoding.
  const narrowMarkup = /^[\t\n\r ]*<[?!A-Za-z]/.test(bytes.subarray(0, 64).toString('latin1'));
  return !(narrowMarkup && unitBytes(encoding) !== 1);
}

function findPrologEncoding(bytes: Buffer): string | undefined {
  // latin1 maps every byte to one char, so this reads any ASCII-compatible encoding's declaration.
  const head = bytes.subarray(0, PROLOG_SCAN_BYTES).toString('latin1');
  const match = /^\s*<\?xml\s[^>]*?\bencoding\s*=\s*(["'])\s*([^"'<>]*?)\s*\1/.exec(head);
  return match?.[2];
}
