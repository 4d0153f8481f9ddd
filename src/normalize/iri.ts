// IRIs (RFC 3987) for display: a feed that writes `http://www.詹姆斯.com/À` means that, and showing the user
// `http://www.xn--8ws00zhy3a.com/%C3%80` is the transport form, not the link. Links we keep for display stay
// IRIs; canonicalUrl (ids, dedup, fetching) keeps the ASCII URI form.
import { domainToUnicode } from 'node:url';

/**
 * Returns the IRI form of an absolute URL: Unicode host and percent-encoded non-ASCII UTF-8 decoded (RFC 3987 §3.2).
 */
function toIri(url: URL): string {
  let href = url.href;
  if (url.hostname.includes('xn--')) {
    const host = domainToUnicode(url.hostname);
    if (host !== '') href = href.replace(url.hostname, host);
  }
  // Only sequences that decode to non-ASCII characters: an escaped `%2F` or `%20` keeps its meaning as written.
  return href.replace(/(?:%[CDEF][0-9A-F](?:%[89AB][0-9A-F]){1,3})+/gi, (sequence) => {
    try {
      return decodeURIComponent(sequence);
    } catch {
      // Not valid UTF-8: leave the bytes escaped.
      return sequence;
    }
  });
}

/**
 * Returns `raw` resolved against `base` as an absolute URL, in IRI form when either was written with non-ASCII
 * characters; null when it does not resolve.
 */
export function resolveIri(raw: string, base?: string): string | null {
  let url: URL;
  try {
    url = base === undefined ? new URL(raw) : new URL(raw, base);
  } catch {
    // Relative without a usable base, or malformed.
    return null;
  }
  // eslint-disable-next-line no-control-regex
  return /[^\u0000-\u007f]/.test(raw + (base ?? '')) ? toIri(url) : url.href;
}

/**
 * A well-formed absolute URI or IRI (RFC 3986 §4.3): a scheme, and for http(s)/ftp/ws(s)/file a non-empty authority;
 * no whitespace or backslash. WHATWG URL parsing repairs anything else (`http:///host`, `http:\\host`), so that is
 * shown repaired rather than as written.
 */
const WELL_FORMED_ABSOLUTE =
  /^(?:[a-z][a-z0-9+.-]*:\/\/[^/?#\s\\]+(?:[/?#][^\s\\]*)?|(?!(?:https?|ftp|wss?|file):)[a-z][a-z0-9+.-]*:[^/\s\\][^\s\\]*)$/i;

/**
 * Returns a link for display: a well-formed absolute URL as written (trimmed), anything else resolved against `base`
 * (as an IRI when written as one); null when it does not resolve.
 */
export function displayLink(raw: string, base?: string): string | null {
  const trimmed = raw.trim();
  if (WELL_FORMED_ABSOLUTE.test(trimmed) && URL.canParse(trimmed)) return trimmed;
  return resolveIri(trimmed, base);
}
