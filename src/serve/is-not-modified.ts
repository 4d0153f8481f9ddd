import type { IncomingHttpHeaders } from 'node:http';

/**
 * Returns whether a GET/HEAD should be answered 304 (RFC 9110 §13.2.2): If-None-Match when present (weak comparison,
 * any of `etags` or `*`), otherwise If-Modified-Since against `lastModified` at one-second resolution
 * (never when `lastModified` is undefined, i.e. not a usable validator).
 */
export function isNotModified(
  headers: IncomingHttpHeaders,
  etags: readonly string[],
  lastModified: Date | undefined,
): boolean {
  const ifNoneMatch = headers['if-none-match'];
  if (ifNoneMatch !== undefined) {
    // §13.1.2: a recipient must ignore If-Modified-Since when If-None-Match is present.
    const candidates = ifNoneMatch
      .split(',')
      .map((tag) => tag.trim())
      .filter(Boolean);
    if (candidates.includes('*')) return true;
    const opaque = new Set(etags.map(stripWeak));
    return candidates.some((tag) => opaque.has(stripWeak(tag)));
  }
  const ifModifiedSince = headers['if-modified-since'];
  if (ifModifiedSince === undefined || lastModified === undefined) return false;
  const since = Date.parse(ifModifiedSince);
  // §13.1.3: an invalid date is ignored; HTTP dates have whole seconds, so compare at that resolution.
  if (Number.isNaN(since)) return false;
  return Math.floor(lastModified.getTime() / 1000) * 1000 <= since;
}

/** Returns the entity tag without its weak prefix (§8.8.3.2 weak comparison). */
function stripWeak(tag: string): string {
  return tag.startsWith('W/') ? tag.slice(2) : tag;
}
