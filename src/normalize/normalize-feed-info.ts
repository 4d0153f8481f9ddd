// Feed-level facts for display (`storyfeed parse`): the items are what the pipeline stores, but a user
// asking "why does this feed look wrong" also needs to see what the feed says about itself.
import type { ParsedFeed } from '../model.js';
import { canonicalUrl } from './canonical-url.js';
import { collapseWhitespace, decodeEntities, textFromParsed } from './html-to-text.js';
import { normalizeAuthors } from './normalize-authors.js';
import { normalizeLanguage } from './normalize-language.js';
import { parseDate } from './parse-date.js';

/** What storyfeed makes of a feed's own metadata. */
export interface FeedInfo {
  format: ParsedFeed['format'];
  version: string | null;
  /** Plain text, '' when the feed has none. */
  title: string;
  /** The site's home page, absolute and canonical, or null. */
  url: string | null;
  /** The feed's own URL as it declares it (absolute), or null. */
  selfUrl: string | null;
  language: string | null;
  /** ISO 8601 UTC, or null. */
  updated: string | null;
  authors: string[];
  /** Plain text of the feed's description (Atom subtitle, RSS description), or null. */
  subtitle: string | null;
  /** Plain text of the feed's copyright statement, or null. */
  rights: string | null;
  /** True when the document was malformed and read by the lenient parser. */
  recovered: boolean;
}

/**
 * Returns the feed-level metadata of a parsed feed, URLs resolved against xml:base then `baseUrl`; `headerLanguage`
 * (Content-Language) when the feed declares none.
 */
export function normalizeFeedInfo(feed: ParsedFeed, baseUrl?: string, headerLanguage?: string): FeedInfo {
  const base = resolveAgainst(feed.base, baseUrl);
  const title =
    feed.titleText !== undefined
      ? textFromParsed(feed.titleText)
      : collapseWhitespace(decodeEntities(feed.title ?? ''));
  return {
    format: feed.format,
    version: feed.version ?? null,
    title,
    url: canonicalUrl(feed.link, base),
    selfUrl: absoluteUrl(feed.selfUrl, base),
    language: normalizeLanguage(feed.language) ?? normalizeLanguage(headerLanguage),
    updated: parseDate(feed.updated)?.toISOString() ?? null,
    authors: normalizeAuthors(feed.authors ?? []),
    subtitle: feed.subtitle === undefined ? null : textFromParsed(feed.subtitle),
    rights: feed.rights === undefined ? null : textFromParsed(feed.rights),
    recovered: feed.recovered === true,
  };
}

function resolveAgainst(raw: string | undefined, base: string | undefined): string | undefined {
  const trimmed = raw?.trim();
  if (!trimmed) return base;
  return absoluteUrl(trimmed, base) ?? base;
}

function absoluteUrl(raw: string | undefined, base: string | undefined): string | null {
  const trimmed = raw?.trim();
  if (!trimmed) return null;
  try {
    return new URL(trimmed, base).href;
  } catch {
    // Relative without a usable base: nothing absolute to show.
    return null;
  }
}
