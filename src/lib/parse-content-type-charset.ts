// RFC 9110 §8.3.1: Content-Type = type "/" subtype *( OWS ";" OWS parameter ), parameter names are
// case-insensitive, values are tokens or quoted strings. Servers also send `charset = utf-8` and
// stray trailing `;`, so this is lenient.

/** Returns the `charset` parameter of a Content-Type header value (unquoted, trimmed), or undefined when there is none. */
export function parseContentTypeCharset(contentType: string | undefined): string | undefined {
  if (!contentType) return undefined;
  const match = /;\s*charset\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;\s]*))/i.exec(contentType);
  if (!match) return undefined;
  const value = (match[1] !== undefined ? match[1].replace(/\\(.)/g, '$1') : (match[2] ?? '')).trim();
  return value === '' ? undefined : value;
}
