// The adapter from parse's raw shapes to the model: ParsedFeed/ParsedEntry → Item. Pure: the fetch
// time comes in through `context`, nothing here reads a clock, the network or the disk.
import type { DateSource, Item, ParsedFeed, ParsedLink, ParsedText, Source } from '../model.js';
import { canonicalUrl } from './canonical-url.js';
import { textFromParsed } from './html-to-text.js';
import { findItemKey, itemId } from './item-id.js';
import { dedupeCaseInsensitive, normalizeAuthors } from './normalize-authors.js';
import { normalizeLanguage } from './normalize-language.js';
import { parseDate } from './parse-date.js';
import { sanitizeParsed, sanitizeParsedWithText } from './sanitize-content.js';
import { firstWords, truncateText } from './truncate-text.js';

/** Longest summary, in characters (including the closing "…"). */
const SUMMARY_MAX_CHARS = 300;
/** Words of the summary used as a title when the entry has none. */
const FALLBACK_TITLE_WORDS = 12;
/** Title of last resort, for an entry with neither title nor text. */
const UNTITLED = '(untitled)';

/** What normalisation needs to know about the run besides the document. */
export interface NormalizeContext {
  /** ISO 8601 time the document was fetched: the date of last resort. */
  fetchedAt: string;
  /** URL the document was finally read from (after redirects), for resolving relative links. */
  baseUrl?: string;
  /** Language the transport declared (HTTP Content-Language): the language of last resort. */
  language?: string;
}

/** What normalisation makes besides the plain-text fields. */
export interface NormalizeOptions {
  /**
   * true (the default): `contentHtml` is the sanitised HTML of the content (or summary), as `storyfeed parse` and
   * the conformance runner show it. false: nothing is sanitised and `contentHtml` is '' — what the pipeline uses,
   * since no output copies article HTML; every other field (title, summary, contentText, ids, dates…) is the same
   * string either way (tests/unit/normalize/text-only-identity.test.ts).
   */
  contentHtml?: boolean;
}

/** Link relations that never point at the article itself (RFC 4287 §4.2.7.2, RFC 5023, WebSub). */
const NON_ARTICLE_RELS: ReadonlySet<string> = new Set([
  'enclosure',
  'self',
  'edit',
  'edit-media',
  'replies',
  'hub',
  'license',
]);

/** Returns the items of a parsed feed in document order (duplicate ids dropped) and a warning per fallback taken. */
export function normalizeFeed(
  feed: ParsedFeed,
  source: Pick<Source, 'id' | 'name' | 'url' | 'category'>,
  context: NormalizeContext,
  options: NormalizeOptions = {},
): { items: Item[]; warnings: string[] } {
  const withHtml = options.contentHtml !== false;
  const warnings: string[] = [];
  const items: Item[] = [];
  const firstIndexById = new Map<string, number>();
  const outerBase = findBaseUrl(feed.base, context.baseUrl ?? (isHttpUrl(source.url) ? source.url : undefined));
  const fetchedAt = parseDate(context.fetchedAt)?.toISOString() ?? null;

  feed.entries.forEach((entry, index) => {
    const label = `entry ${index + 1}`;
    const note = (message: string): void => {
      warnings.push(`${label}: ${message}`);
    };
    const base = findBaseUrl(entry.base, outerBase);
    const guid = entry.id?.trim() || null;
    const url = findEntryUrl(entry.links, base) ?? findGuidUrl(guid);

    const summaryText = textFromParsed(entry.summary);
    // The content's HTML is sanitised and its text read from one parse when it is markup (the costliest step here).
    // Without HTML, its text alone is read (htmlToText: the text the sanitiser's parse gives, without sanitising).
    const content = entry.content;
    const contentBoth =
      withHtml && content !== undefined && content.type !== 'text' && content.value.trim() !== ''
        ? sanitizeParsedWithText({ ...content, type: content.type }, findBaseUrl(content.base, base))
        : undefined;
    const contentText = contentBoth ? contentBoth.text : textFromParsed(content);
    const bodyText = summaryText || contentText;
    const ownTitle = textFromParsed(entry.title);
    let title = ownTitle;
    if (title === '' && bodyText !== '') {
      title = firstWords(bodyText, FALLBACK_TITLE_WORDS);
      note('no title; used the first words of the summary');
    } else if (title === '') {
      title = UNTITLED;
      note(`no title and no summary; used "${UNTITLED}"`);
    }

    const published = findEntryDate(entry.published, 'published', note);
    const updated = findEntryDate(entry.updated, 'updated', note);
    const { date, dateSource } = findItemDate(published, updated, fetchedAt);

    const { kind, key } = findItemKey({
      guid,
      url,
      title: ownTitle,
      rawDate: entry.published?.trim() || entry.updated?.trim(),
      content: (entry.content?.value ?? entry.summary?.value ?? '').trim(),
    });
    if (kind === 'content') note('no id, link or title; identified by a hash of its content');
    const id = itemId(source.id, key);
    const first = firstIndexById.get(id);
    if (first !== undefined) {
      note(`same ${kind} as entry ${first + 1}; dropped as a duplicate`);
      return;
    }
    firstIndexById.set(id, index);

    items.push({
      id,
      sourceId: source.id,
      sourceName: source.name,
      guid,
      url,
      title,
      summary: truncateText(bodyText, SUMMARY_MAX_CHARS),
      contentHtml: !withHtml
        ? ''
        : contentBoth
          ? contentBoth.html || findContentHtml([entry.summary], base)
          : findContentHtml([entry.content, entry.summary], base),
      contentText: contentText || summaryText,
      authors: normalizeAuthors(entry.authors),
      // The reader's folder for the source (config sources[].category, from OPML) first, then the feed's own.
      categories: dedupeCaseInsensitive(
        [...(source.category ? [source.category] : []), ...entry.categories]
          .map((c) => c.replace(/\s+/g, ' ').trim())
          .filter((c) => c !== ''),
      ),
      published,
      updated,
      date,
      dateSource,
      language:
        normalizeLanguage(entry.language) ?? normalizeLanguage(feed.language) ?? normalizeLanguage(context.language),
    });
  });
  return { items, warnings };
}

/**
 * Returns `raw` resolved against `fallback` when it makes an http(s) URL (xml:base may itself be relative), else
 * `fallback`.
 */
function findBaseUrl(raw: string | undefined, fallback: string | undefined): string | undefined {
  const trimmed = raw?.trim();
  if (!trimmed) return fallback;
  try {
    const url = fallback === undefined ? new URL(trimmed) : new URL(trimmed, fallback);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : fallback;
  } catch {
    // A malformed xml:base is ignored, as browsers ignore a malformed <base href>.
    return fallback;
  }
}

/**
 * Returns the canonical URL of the entry's article: the first rel=alternate link, else the first link that is not an
 * enclosure, self, edit…
 */
function findEntryUrl(links: readonly ParsedLink[], base: string | undefined): string | null {
  // RFC 4287 §4.2.7.2: a link without rel is rel="alternate".
  const rel = (link: ParsedLink): string => link.rel?.trim().toLowerCase() || 'alternate';
  for (const link of links) {
    if (rel(link) !== 'alternate') continue;
    const url = canonicalUrl(link.href, base);
    if (url !== null) return url;
  }
  for (const link of links) {
    if (NON_ARTICLE_RELS.has(rel(link))) continue;
    const url = canonicalUrl(link.href, base);
    if (url !== null) return url;
  }
  return null;
}

/**
 * Returns the guid as the article URL when it is an absolute http(s) URL (RSS 2.0 guid isPermaLink defaults to true).
 */
function findGuidUrl(guid: string | null): string | null {
  return guid !== null && isHttpUrl(guid) ? canonicalUrl(guid) : null;
}

/** Returns an entry date as ISO UTC, or null (with a warning) when it is missing, unparseable or a placeholder. */
function findEntryDate(
  raw: string | undefined,
  field: 'published' | 'updated',
  note: (message: string) => void,
): string | null {
  if (raw === undefined || raw.trim() === '') return null;
  const date = parseDate(raw);
  if (date === null) {
    note(`${field} date "${raw.trim()}" not understood; ignored`);
    return null;
  }
  // 1970-01-01 and Go's zero time (0001-01-01) are what feed generators write for "no date".
  if (date.getTime() <= 0) {
    note(`${field} date "${raw.trim()}" is a placeholder; ignored`);
    return null;
  }
  return date.toISOString();
}

/** Returns the first date of the chain published → updated → fetched, and which one it was. */
function findItemDate(
  published: string | null,
  updated: string | null,
  fetchedAt: string | null,
): { date: string | null; dateSource: DateSource } {
  if (published !== null) return { date: published, dateSource: 'published' };
  if (updated !== null) return { date: updated, dateSource: 'updated' };
  if (fetchedAt !== null) return { date: fetchedAt, dateSource: 'fetched' };
  return { date: null, dateSource: 'none' };
}

/** Returns the sanitised HTML of the first construct that leaves something after sanitising, else ''. */
function findContentHtml(candidates: readonly (ParsedText | undefined)[], base: string | undefined): string {
  for (const candidate of candidates) {
    if (candidate === undefined || candidate.value.trim() === '') continue;
    // A construct's own xml:base (resolved against the entry's) applies to its relative references.
    const html = sanitizeParsed(candidate, findBaseUrl(candidate.base, base));
    if (html !== '') return html;
  }
  return '';
}

function isHttpUrl(text: string): boolean {
  return /^https?:\/\//i.test(text.trim());
}
