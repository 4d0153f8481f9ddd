// The URL a document's relative references resolve against, before any xml:base inside it.
//
// Decision: a Content-Location header is used as the document's base when it resolves to an http(s) URL.
// RFC 2616 §14.14 and RFC 3986 §5.1.2 made it the base URI; RFC 7231 (Appendix B) and RFC 9110 §8.7 dropped
// that for lack of browser support. Feeds are not browsed documents: feed readers (feedparser, which the
// corpus encodes) honour it, and a server that sends it is the one that wrote the feed's relative links, so
// it gains no power it did not have. xml:base declared in the document still wins (XML Base §4.2: the
// innermost base applies), and a relative xml:base resolves against this URL.

/**
 * Returns the base URL of a fetched document: its Content-Location resolved against `url` when that is http(s), else
 * `url`.
 */
export function findDocumentBaseUrl(url: string, contentLocation?: string): string {
  const location = contentLocation?.trim();
  if (!location) return url;
  try {
    const resolved = new URL(location, url);
    return resolved.protocol === 'http:' || resolved.protocol === 'https:' ? resolved.href : url;
  } catch {
    // A malformed header is ignored: the URL the document was fetched from still locates it.
    return url;
  }
}

/**
 * Returns the first language tag of a Content-Language header (`"en, fr"` → `"en"`), or undefined when there is none.
 */
export function findHeaderLanguage(contentLanguage: string | undefined): string | undefined {
  const first = contentLanguage?.split(',')[0]?.trim();
  return first ? first : undefined;
}
