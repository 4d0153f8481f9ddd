// XML 1.0 §2.2 (Char production): only #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF]
// are allowed. Real feeds carry stray C0 controls (copy-pasted from Word, broken CMS exports), and
// feedsmith passes them straight through into titles and summaries, so we remove them before parsing.
const INVALID_XML_CHARS =
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Returns the text without a leading byte-order mark and without characters XML 1.0 forbids (C0 controls other than tab/LF/CR, U+FFFE/U+FFFF, lone surrogates). */
export function stripInvalidXmlChars(text: string): string {
  return text.replace(/^\uFEFF+/, '').replace(INVALID_XML_CHARS, '');
}
