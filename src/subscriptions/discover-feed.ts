// A site's page → its feed. The order feed readers agree on (the RSS Autodiscovery spec, WHATWG HTML
// §4.6.7.2 "alternate" + a feed type): the URL itself if it is a feed; else the page's
// <link rel="alternate" type="application/rss+xml|atom+xml|feed+json"> in document order (resolved
// against <base href>); else common paths on the site. Each candidate is fetched and must parse.

import { Parser } from 'htmlparser2';
import { decodeBytes } from '../decode/decode-bytes.js';
import { fetchSource, type FetchOptions } from '../fetch/fetch-source.js';
import { FetchError, StoryfeedError } from '../lib/errors.js';
import type { FetchedDocument, ParsedFeed } from '../model.js';
import { parseFeed } from '../parse/parse-feed.js';

/** A feed found for a page. */
export interface DiscoveredFeed {
  /** The feed's URL (after redirects). */
  url: string;
  /** The feed's own title, else the link's title attribute, if any. */
  title?: string;
  /** How it was found. */
  via: 'direct' | 'link' | 'common-path';
}

/** A feed link found in an HTML page. */
export interface FeedLink {
  href: string;
  type: string;
  title?: string;
}

const FEED_TYPES = new Set(['application/rss+xml', 'application/atom+xml', 'application/feed+json', 'application/json']);

/** Paths tried on the site's origin when the page links no feed. */
export const COMMON_FEED_PATHS = ['/feed', '/rss.xml', '/atom.xml', '/feed.json', '/feed.xml', '/index.xml', '/rss', '/atom'];

/** Returns the feed links of an HTML page in document order, as absolute URLs (resolved against <base href> and `pageUrl`). */
export function findFeedLinks(html: string, pageUrl: string): FeedLink[] {
  let base = pageUrl;
  const raw: { href: string; type: string; title?: string }[] = [];
  const parser = new Parser(
    {
      onopentag(name, attrs) {
        if (name === 'base' && attrs.href && base === pageUrl) {
          const resolved = resolveUrl(attrs.href, pageUrl);
          if (resolved) base = resolved;
        }
        if (name !== 'link' || !attrs.href) return;
        const rels = (attrs.rel ?? '').toLowerCase().split(/\s+/);
        const type = (attrs.type ?? '').toLowerCase().split(';')[0]!.trim();
        // rel="alternate" only: rel="alternate stylesheet" or a comments feed's "replies" are not the site's feed.
        if (!rels.includes('alternate') || rels.includes('stylesheet') || !FEED_TYPES.has(type)) return;
        raw.push({ href: attrs.href, type, ...(attrs.title ? { title: attrs.title } : {}) });
      },
    },
    { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true },
  );
  parser.write(html);
  parser.end();
  const seen = new Set<string>();
  const links: FeedLink[] = [];
  for (const link of raw) {
    const href = resolveUrl(link.href, base);
    if (!href || seen.has(href) || !/^https?:/i.test(href)) continue;
    seen.add(href);
    links.push({ ...link, href });
  }
  return links;
}

/** Returns the feed for `pageUrl` (a feed URL or a page linking one), or throws FetchError `fetch/no-feed-found` listing what was tried. */
export async function discoverFeed(pageUrl: string, options: FetchOptions, deps: { fetch?: typeof fetch } = {}): Promise<DiscoveredFeed> {
  const fetchDeps = deps.fetch ? { fetch: deps.fetch } : {};
  const page = await fetchSource({ id: 'discover', url: pageUrl }, options, fetchDeps);
  const text = textOf(page);
  const direct = tryParse(text);
  if (direct) return { url: page.url, via: 'direct', ...titleOf(direct) };

  const tried: string[] = [pageUrl];
  const attempt = async (url: string): Promise<{ url: string; feed: ParsedFeed } | undefined> => {
    tried.push(url);
    try {
      const doc = await fetchSource({ id: 'discover', url }, options, fetchDeps);
      const feed = tryParse(textOf(doc));
      return feed ? { url: doc.url, feed } : undefined;
    } catch (error) {
      if (error instanceof StoryfeedError) return undefined; // a candidate that fails is not the feed; the next one may be
      throw error;
    }
  };

  for (const link of findFeedLinks(text, page.url)) {
    const hit = await attempt(link.href);
    if (hit) return { url: hit.url, via: 'link', ...(titleOf(hit.feed).title ? titleOf(hit.feed) : link.title ? { title: link.title } : {}) };
  }
  const origin = new URL(page.url).origin;
  for (const path of COMMON_FEED_PATHS) {
    const hit = await attempt(origin + path);
    if (hit) return { url: hit.url, via: 'common-path', ...titleOf(hit.feed) };
  }
  throw new FetchError('fetch/no-feed-found', `no feed found for ${pageUrl} (tried ${tried.join(', ')})`);
}

function textOf(doc: FetchedDocument): string {
  return decodeBytes(doc.body, {
    ...(doc.headers['content-type'] !== undefined ? { contentType: doc.headers['content-type'] } : {}),
    ...(doc.contentTypeCharset !== undefined ? { contentTypeCharset: doc.contentTypeCharset } : {}),
  }).text;
}

function tryParse(text: string): ParsedFeed | undefined {
  try {
    return parseFeed(text);
  } catch (error) {
    if (error instanceof StoryfeedError) return undefined; // not a feed: the caller looks further
    throw error;
  }
}

function titleOf(feed: ParsedFeed): { title?: string } {
  const title = feed.title?.replace(/\s+/g, ' ').trim();
  return title ? { title } : {};
}

function resolveUrl(href: string, base: string): string | undefined {
  try {
    const url = new URL(href.trim(), base);
    url.hash = '';
    return url.href;
  } catch {
    return undefined; // an unusable href is ignored, like browsers do
  }
}
