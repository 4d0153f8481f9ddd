import { stripInvalidXmlChars as stripChars } from '../../lib/strip-invalid-xml-chars.js';

// Real feeds carry stray C0 controls (copy-pasted from Word, broken CMS exports), and feedsmith passes
// them straight through into titles and summaries, so we remove them before parsing.

/** Returns the text without a leading byte-order mark and without characters XML 1.0 forbids (C0 controls other than tab/LF/CR, U+FFFE/U+FFFF, lone surrogates). */
export function stripInvalidXmlChars(text: string): string {
  return stripChars(text.replace(/^\uFEFF+/, ''));
}
