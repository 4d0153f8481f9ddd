// Canonical article URLs: one spelling per article so that ids, dedup and clustering agree.
// WHATWG URL already lower-cases scheme and host, drops the default port and removes dot segments;
// we add: http(s) only, no fragment, no tracking parameters, no empty `?`.

/** Query parameter names (lower-case) that only track the click and never select content. */
const TRACKING_PARAMS: ReadonlySet<string> = new Set([
  // Google Ads / Analytics
  'gclid',
  'gclsrc',
  'dclid',
  'gbraid',
  'wbraid',
  '_ga',
  '_gl',
  // Facebook, Instagram, Microsoft, Yandex, Twitter/X, TikTok, LinkedIn
  'fbclid',
  'igshid',
  'msclkid',
  'yclid',
  'twclid',
  'ttclid',
  'li_fat_id',
  // Mailchimp, HubSpot, Marketo
  'mc_cid',
  'mc_eid',
  '_hsenc',
  '_hsmi',
  '__hssc',
  '__hstc',
  '__hsfp',
  'hsctatracking',
  'mkt_tok',
  // Twitter embeds (`ref_src=twsrc^tfw`), Alibaba, Google search result ids, Vero, Olytics
  'ref_src',
  'spm',
  'srsltid',
  'vero_conv',
  'vero_id',
  'oly_anon_id',
  'oly_enc_id',
  '_openstat',
]);

/** Prefixes of tracking parameter families: Google (utm_*), Matomo (mtm_*), Piwik (pk_*). */
const TRACKING_PREFIXES: readonly string[] = ['utm_', 'mtm_', 'pk_'];

/** Returns true when a query parameter name (raw, possibly percent-encoded) is a tracking parameter. */
export function isTrackingParam(rawName: string): boolean {
  let name = rawName.replace(/\+/g, ' ');
  try {
    name = decodeURIComponent(name);
  } catch {
    // A malformed escape cannot name a known tracker; compare it as written.
  }
  name = name.trim().toLowerCase();
  return TRACKING_PARAMS.has(name) || TRACKING_PREFIXES.some((prefix) => name.startsWith(prefix));
}

/** Returns the canonical absolute http(s) form of `href` (resolved against `base`), or null when there is none. */
export function canonicalUrl(href: string | undefined, base?: string): string | null {
  const trimmed = href?.trim();
  if (!trimmed) return null;
  const url = parseUrl(trimmed, base);
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.hostname === '') return null;
  url.hash = '';
  // Filter the raw query string rather than round-tripping URLSearchParams, which would re-encode
  // the parameters we keep (`%20` → `+`) and so change URLs that were already canonical.
  const kept = url.search
    .slice(1)
    .split('&')
    .filter((pair) => pair !== '' && !isTrackingParam(pair.split('=', 1)[0] ?? ''));
  url.search = kept.length > 0 ? `?${kept.join('&')}` : '';
  return url.href;
}

/** Returns `href` parsed as an absolute URL or resolved against `base`, or null when neither works. */
function parseUrl(href: string, base: string | undefined): URL | null {
  try {
    return new URL(href);
  } catch {
    // Not absolute: try the base below.
  }
  if (!base) return null;
  try {
    return new URL(href, base);
  } catch {
    // Bad base or bad reference: the caller falls back to "no URL".
    return null;
  }
}
