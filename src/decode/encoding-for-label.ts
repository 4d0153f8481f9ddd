// Charset label → encoding, after the WHATWG Encoding Standard §4.2 "get an encoding"
// (https://encoding.spec.whatwg.org/#names-and-labels). Browsers and feed readers agree on this
// table, and it is what real feeds are written against: `iso-8859-1` and `us-ascii` mean
// windows-1252, `gb2312` means GBK, `shift_jis` means Windows-31J, `euc-kr` means windows-949.
//
// Only labels listed here are recognised. iconv-lite knows more names, some of them not
// encodings at all (`base64`, `hex`, `binary`), so an unlisted label is "unknown" and the
// caller falls through to its next rule. UTF-32 is not in WHATWG but is legal XML, so it is added.

/** An encoding we can decode: its canonical (WHATWG) name and the iconv-lite codec that implements it. */
export interface EncodingInfo {
  /** Canonical name, as spelled by the WHATWG Encoding Standard (`UTF-8`, `windows-1252`, `Shift_JIS`). */
  name: string;
  /** iconv-lite codec name. */
  codec: string;
  /** True for UTF-16/UTF-32 labels that do not say which byte order (`utf-16`, `utf-32`). */
  byteOrderUnspecified?: boolean;
}

// [canonical name, iconv-lite codec, labels…]
const TABLE: readonly (readonly [string, string, ...string[]])[] = [
  ['UTF-8', 'utf8', 'unicode-1-1-utf-8', 'unicode11utf8', 'unicode20utf8', 'utf-8', 'utf8', 'x-unicode20utf8'],
  ['IBM866', 'cp866', '866', 'cp866', 'csibm866', 'ibm866'],
  ['ISO-8859-2', 'iso88592', 'csisolatin2', 'iso-8859-2', 'iso-ir-101', 'iso8859-2', 'iso88592', 'iso_8859-2', 'iso_8859-2:1987', 'l2', 'latin2'],
  ['ISO-8859-3', 'iso88593', 'csisolatin3', 'iso-8859-3', 'iso-ir-109', 'iso8859-3', 'iso88593', 'iso_8859-3', 'iso_8859-3:1988', 'l3', 'latin3'],
  ['ISO-8859-4', 'iso88594', 'csisolatin4', 'iso-8859-4', 'iso-ir-110', 'iso8859-4', 'iso88594', 'iso_8859-4', 'iso_8859-4:1988', 'l4', 'latin4'],
  ['ISO-8859-5', 'iso88595', 'csisolatincyrillic', 'cyrillic', 'iso-8859-5', 'iso-ir-144', 'iso8859-5', 'iso88595', 'iso_8859-5', 'iso_8859-5:1988'],
  ['ISO-8859-6', 'iso88596', 'arabic', 'asmo-708', 'csiso88596e', 'csiso88596i', 'csisolatinarabic', 'ecma-114', 'iso-8859-6', 'iso-8859-6-e', 'iso-8859-6-i', 'iso-ir-127', 'iso8859-6', 'iso88596', 'iso_8859-6', 'iso_8859-6:1987'],
  ['ISO-8859-7', 'iso88597', 'csisolatingreek', 'ecma-118', 'elot_928', 'greek', 'greek8', 'iso-8859-7', 'iso-ir-126', 'iso8859-7', 'iso88597', 'iso_8859-7', 'iso_8859-7:1987', 'sun_eu_greek'],
  ['ISO-8859-8', 'iso88598', 'csiso88598e', 'csisolatinhebrew', 'hebrew', 'iso-8859-8', 'iso-8859-8-e', 'iso-ir-138', 'iso8859-8', 'iso88598', 'iso_8859-8', 'iso_8859-8:1988', 'visual'],
  ['ISO-8859-8-I', 'iso88598', 'csiso88598i', 'iso-8859-8-i', 'logical'],
  ['ISO-8859-10', 'iso885910', 'csisolatin6', 'iso-8859-10', 'iso-ir-157', 'iso8859-10', 'iso885910', 'l6', 'latin6'],
  ['ISO-8859-13', 'iso885913', 'iso-8859-13', 'iso8859-13', 'iso885913'],
  ['ISO-8859-14', 'iso885914', 'iso-8859-14', 'iso8859-14', 'iso885914'],
  ['ISO-8859-15', 'iso885915', 'csisolatin9', 'iso-8859-15', 'iso8859-15', 'iso885915', 'iso_8859-15', 'l9'],
  ['ISO-8859-16', 'iso885916', 'iso-8859-16'],
  ['KOI8-R', 'koi8r', 'cskoi8r', 'koi', 'koi8', 'koi8-r', 'koi8_r'],
  ['KOI8-U', 'koi8u', 'koi8-ru', 'koi8-u'],
  ['macintosh', 'macintosh', 'csmacintosh', 'mac', 'macintosh', 'x-mac-roman'],
  ['windows-874', 'windows874', 'dos-874', 'iso-8859-11', 'iso8859-11', 'iso885911', 'tis-620', 'windows-874'],
  ['windows-1250', 'windows1250', 'cp1250', 'windows-1250', 'x-cp1250'],
  ['windows-1251', 'windows1251', 'cp1251', 'windows-1251', 'x-cp1251'],
  // WHATWG: the Latin-1 and ASCII labels all mean windows-1252 (0x80–0x9F are “ ” € …, not C1 controls).
  ['windows-1252', 'windows1252', 'ansi_x3.4-1968', 'ascii', 'cp1252', 'cp819', 'csisolatin1', 'ibm819', 'iso-8859-1', 'iso-ir-100', 'iso8859-1', 'iso88591', 'iso_8859-1', 'iso_8859-1:1987', 'l1', 'latin1', 'us-ascii', 'windows-1252', 'x-cp1252'],
  ['windows-1253', 'windows1253', 'cp1253', 'windows-1253', 'x-cp1253'],
  ['windows-1254', 'windows1254', 'cp1254', 'csisolatin5', 'iso-8859-9', 'iso-ir-148', 'iso8859-9', 'iso88599', 'iso_8859-9', 'iso_8859-9:1989', 'l5', 'latin5', 'windows-1254', 'x-cp1254'],
  ['windows-1255', 'windows1255', 'cp1255', 'windows-1255', 'x-cp1255'],
  ['windows-1256', 'windows1256', 'cp1256', 'windows-1256', 'x-cp1256'],
  ['windows-1257', 'windows1257', 'cp1257', 'windows-1257', 'x-cp1257'],
  ['windows-1258', 'windows1258', 'cp1258', 'windows-1258', 'x-cp1258'],
  ['x-mac-cyrillic', 'maccyrillic', 'x-mac-cyrillic', 'x-mac-ukrainian'],
  // WHATWG: the GBK decoder is the gb18030 decoder, so gb2312/gbk text decodes with the superset.
  ['GBK', 'gb18030', 'chinese', 'csgb2312', 'csiso58gb231280', 'gb2312', 'gb_2312', 'gb_2312-80', 'gbk', 'iso-ir-58', 'x-gbk'],
  ['gb18030', 'gb18030', 'gb18030'],
  ['Big5', 'big5hkscs', 'big5', 'big5-hkscs', 'cn-big5', 'csbig5', 'x-x-big5'],
  ['EUC-JP', 'eucjp', 'cseucpkdfmtjapanese', 'euc-jp', 'x-euc-jp'],
  // WHATWG Shift_JIS is Windows-31J (cp932): the NEC/IBM extensions real Japanese feeds use.
  ['Shift_JIS', 'cp932', 'csshiftjis', 'ms932', 'ms_kanji', 'shift-jis', 'shift_jis', 'sjis', 'windows-31j', 'x-sjis'],
  // WHATWG EUC-KR is windows-949 (Unified Hangul Code), a superset of KS X 1001.
  ['EUC-KR', 'cp949', 'cseuckr', 'csksc56011987', 'euc-kr', 'iso-ir-149', 'korean', 'ks_c_5601-1987', 'ks_c_5601-1989', 'ksc5601', 'ksc_5601', 'windows-949'],
  ['UTF-16BE', 'utf16be', 'unicodefffe', 'utf-16be'],
  ['UTF-16LE', 'utf16le', 'csunicode', 'iso-10646-ucs-2', 'ucs-2', 'unicode', 'unicodefeff', 'utf-16', 'utf-16le'],
  // Not WHATWG (browsers dropped it), but XML 1.0 Appendix F lists it and iconv-lite decodes it.
  ['UTF-32BE', 'utf32be', 'utf-32', 'utf-32be', 'ucs-4'],
  ['UTF-32LE', 'utf32le', 'utf-32le'],
];

const BY_LABEL: ReadonlyMap<string, EncodingInfo> = new Map(
  TABLE.flatMap(([name, codec, ...labels]) => labels.map((label) => [label, { name, codec }] as const)),
);

// Labels that name the family but not the byte order; a sniffed byte order may refine them.
const UNSPECIFIED_BYTE_ORDER = new Set(['csunicode', 'iso-10646-ucs-2', 'ucs-2', 'unicode', 'utf-16', 'utf-32', 'ucs-4']);

/** Returns the encoding a charset label names (case- and whitespace-insensitive), or undefined when the label is unknown. */
export function encodingForLabel(label: string): EncodingInfo | undefined {
  // WHATWG §4.2: strip leading and trailing ASCII whitespace, then ASCII-lowercase.
  const key = label.trim().toLowerCase();
  const info = BY_LABEL.get(key);
  if (!info) return undefined;
  return UNSPECIFIED_BYTE_ORDER.has(key) ? { ...info, byteOrderUnspecified: true } : info;
}
