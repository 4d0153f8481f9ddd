// XML 1.0 §2.2: Char ::= #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF].
// With the `u` flag a lone surrogate is one code point outside every allowed range, so it is removed too.
const invalidXmlChars = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;
// A cheap first look without the `u` flag (a `u` scan of a whole document is slow): any character that could be
// invalid, surrogates included (a valid pair is then kept by the exact pass).
const maybeInvalid = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uD800-\uDFFF\uFFFE\uFFFF]/;

/**
 * Returns the string without the characters XML 1.0 forbids (C0 controls except tab/LF/CR, U+FFFE/U+FFFF, lone
 * surrogates).
 */
export function stripInvalidXmlChars(value: string): string {
  return maybeInvalid.test(value) ? value.replace(invalidXmlChars, '') : value;
}
