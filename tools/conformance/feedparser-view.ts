// The mapping from feedparser's result paths (the `Expect:` lines of its test corpus) to storyfeed's model.
//
// | feedparser path                                   | storyfeed field                              | how compared |
// |---------------------------------------------------|----------------------------------------------|--------------|
// | bozo                                              | ParsedFeed.recovered, findEncodingWarning, or the parse failed | boolean |
// | encoding                                          | DecodedDocument.encoding                     | same encoding after WHATWG label resolution |
// | version                                           | ParsedFeed.format + version                  | feedparser code (rss20, atom10, rss091 n/u alike) |
// | feed.title, feed.title_detail.value               | FeedInfo.title (plain text)                  | expected as plain text (markup dropped if html) |
// | feed.title_detail.type                            | ParsedFeed.titleText.type                    | text/plain, text/html, application/xhtml+xml |
// | feed.link                                         | FeedInfo.url (canonical)                     | expected parsed as a URL, fragment dropped |
// | feed.language, feed.*_detail.language             | FeedInfo.language (title_detail: ParsedFeed.titleText.language first) | exact |
// | feed.*_detail.base                                | ParsedFeed.base (title_detail: titleText.base first), resolved against the doc URL | exact |
// | feed.updated / feed.updated_parsed                | ParsedFeed.updated (raw) / FeedInfo.updated  | raw string / UTC 9-tuple |
// | feed.author, feed.author_detail.name, authors[i]  | FeedInfo.authors (display names)             | expected as a display name ("Name (email)" → Name) |
// | feed.author_detail.email / .href / .url           | ParsedFeed.authors[0].email / .uri           | exact |
// | entries[i]                                        | Item i (and ParsedEntry i)                   | |
// | …title, title_detail.value                        | Item.title (plain text); '' when the entry's title has no text (Item.title is then a fallback) | expected as plain text (markup dropped if html) |
// | …title_detail.type / summary_detail.type / content[0].type | ParsedText.type                     | MIME form |
// | …*_detail.language, content[0].language           | ParsedText.language (xml:lang on the construct), else Item.language | exact |
// | …*_detail.base, content[0].base                   | ParsedText.base, else ParsedEntry.base, resolved against the doc URL | exact |
// | …link                                             | Item.url (canonical)                         | expected parsed as a URL, fragment dropped |
// | …links[j].href/rel/type/title, enclosures[j].*    | ParsedEntry.links (href resolved)            | exact (enclosures: rel=enclosure links) |
// | …comments                                         | ParsedEntry.links rel=replies                | resolved href |
// | …id, guid                                         | Item.guid                                    | exact |
// | …author, author_detail.name, authors[k].name      | Item.authors (display names)                 | expected as a display name |
// | …author_detail.email / .href / .url               | ParsedEntry.authors[k].email / .uri          | exact (uri resolved) |
// | …published, issued / updated, modified           | ParsedEntry.published / .updated (raw)       | raw string |
// | …published_parsed, issued_parsed / updated_parsed, modified_parsed | Item.published / .updated   | UTC 9-tuple |
// | …summary, description, summary_detail.value       | feedparser: summary, else content. One construct: Item.contentHtml (exact HTML) when markup, Item.summary when plain text. Both present: Item.summary vs the expected HTML's text. Item.summary is ≤ 300 chars, so a longer expected text matches on the cut prefix. |
// | …content[0].value                                 | Item.contentHtml (html/xhtml, exact) or Item.contentText (text) | |
// | …tags[k].term / .scheme / .label                  | ParsedEntry.tags[k] (else Item.categories[k] for the term) | exact |
// | …category                                         | Item.categories[0] (label ?? term)           | exact |
// | feed.subtitle, tagline, description (+ _detail)  | FeedInfo.subtitle (plain text); ParsedFeed.subtitle for type/language/base | as title. ADDED: a feed's description is shown to users |
// | feed.rights, copyright (+ _detail)                | FeedInfo.rights (plain text); ParsedFeed.rights | as title. ADDED: attribution of copied articles |
// | feed.id                                           | ParsedFeed.id                                | exact (ADDED) |
// | feed.generator, generator_detail.name/version/href | ParsedFeed.generator                        | exact, href resolved (ADDED: diagnosing odd feeds) |
// | feed.image.href/url, feed.logo / feed.icon        | ParsedFeed.image / .icon                     | resolved URL (ADDED: outlet logos) |
// | feed.links[j].*                                   | ParsedFeed.links                             | as entry links (ADDED) |
// | feed.contributors[k].*, entries[i].contributors[k].* | ParsedFeed/ParsedEntry.contributors       | as authors (ADDED) |
// | feed.tags[k].term/scheme/label                    | ParsedFeed.tags                              | exact (ADDED; RSS category, dc:subject, itunes:category) |
// | …source.title / id / link / href                  | ParsedEntry.source                           | exact, URLs resolved (ADDED: "via" attribution) |
// | …image.href                                        | ParsedEntry.image                            | resolved URL (ADDED: podcast episode art) |
// | version                                           | rss091n and rss091u both match our rss091 (one format, two DTD dialects) | |
// | …updated (no update date)                         | ParsedEntry.published                        | FeedParserDict answers `updated` with `published` |
// | anything else (info, publisher, docs, ttl, cloud, textinput, itunes_*, geo/where, media_*, psc, wfw_*, rights of entries, source.subtitle/rights/links, …) | — | not applicable: kept out of the model on purpose (rare, or not useful to a news reader) |
import { Parser } from 'htmlparser2';
import { encodingForLabel } from '../../src/decode/encoding-for-label.js';
import { textFromParsed } from '../../src/normalize/html-to-text.js';
import type { FeedReport } from '../../src/cli/commands/parse-command.js';
import type { Item, ParsedEntry, ParsedLink, ParsedPerson, ParsedText } from '../../src/model.js';
import { displayLink } from '../../src/normalize/iri.js';
import { normalizeLanguage } from '../../src/normalize/normalize-language.js';
import { Unsupported, deepEqual, type ExprView, type PathValue } from './python-expr.js';

/** A field feedparser has and our model does not. */
export class NotApplicable extends Error {}

/** What one corpus document produced: the report, or the error the pipeline threw. */
export interface DocumentResult {
  report: FeedReport | null;
  error: unknown;
  /** Encoding decodeBytes chose (also known when parsing failed). */
  encoding: string;
  /** findEncodingWarning (decode-bytes.ts): the encoding information was unusable or wrong. */
  encodingWarning: string | undefined;
  /** The URL relative references resolve against (Content-Location, else the file URL). */
  baseUrl: string;
}

interface Field {
  get: () => unknown;
  /** Maps feedparser's expected value into our representation before comparing (default: identity). */
  expected?: (value: unknown) => unknown;
}

/** Returns the ExprView over one document's result, implementing the mapping table above. */
export function feedparserView(result: DocumentResult): ExprView {
  return {
    name(name) {
      if (name === 'bozo') return result.error !== null || result.report?.parsed.recovered === true || result.encodingWarning !== undefined;
      if (name === 'encoding') return { kind: 'path', segments: ['@encoding'] } satisfies PathValue;
      if (name === 'version') return { kind: 'path', segments: ['@version'] } satisfies PathValue;
      throw new Unsupported(`name ${name}`);
    },
    get(path) {
      const field = mapPath(path, result);
      return field.get();
    },
    equals(path, expected) {
      const field = mapPath(path, result);
      const actual = field.get();
      const mapped = field.expected ? field.expected(expected) : expected;
      return deepEqual(actual, mapped);
    },
  };
}

/** Returns true when the encoding named by feedparser is the one decodeBytes used. */
export function sameEncoding(expected: string, actual: string): boolean {
  const info = encodingForLabel(expected);
  const name = info?.name ?? expected;
  if (name.toLowerCase() === actual.toLowerCase()) return true;
  // feedparser's `utf-16` / `utf-32` name the family; the byte order came from the BOM or the bytes.
  return info?.byteOrderUnspecified === true && actual.toLowerCase().startsWith(name.toLowerCase().replace(/(le|be)$/, ''));
}

function versionCode(report: FeedReport): string {
  const { format, version } = report.parsed;
  const digits = (version ?? '').replace(/\./g, '');
  if (format === 'atom') return `atom${digits}`;
  if (format === 'rdf') return version === '0.9' ? 'rss090' : 'rss10';
  if (format === 'json') return `json${digits}`;
  // feedparser: every 2.x is rss20; 0.9x keeps its digits; no (or an unknown) version is plain "rss".
  if (version?.startsWith('2')) return 'rss20';
  return /^0\.9[0-4]$/.test(version ?? '') ? `rss${digits}` : 'rss';
}

function mapPath(path: PathValue, result: DocumentResult): Field {
  const [root, ...rest] = path.segments;
  const report = result.report;
  if (root === '@version') {
    // Our model does not tell Netscape 0.91 (the one with a DOCTYPE) from UserLand 0.91: the same format.
    const actual = report === null ? '' : versionCode(report);
    return { get: () => actual, expected: (value) => (actual === 'rss091' && (value === 'rss091n' || value === 'rss091u') ? actual : value) };
  }
  if (root === '@encoding') {
    return { get: () => result.encoding, expected: (value) => (typeof value === 'string' && sameEncoding(value, result.encoding) ? result.encoding : value) };
  }
  if (root === 'feed') return mapFeed(rest.map(String), report, result);
  const index = rest[0];
  if (rest.length === 0) return { get: () => report?.items ?? [] };
  if (typeof index !== 'number') throw new NotApplicable(`entries${rest.length === 0 ? '' : `.${String(index)}`}`);
  if (report === null) return { get: () => undefined };
  const item = alignedItem(report, index);
  const entry = report.parsed.entries[index];
  if (item === undefined || entry === undefined) {
    // Map the field anyway, so that a field we do not have is n.a. even on a missing entry.
    mapEntry(rest.slice(1), emptyItem(), { links: [], authors: [], categories: [] }, result);
    return { get: () => undefined };
  }
  return mapEntry(rest.slice(1), item, entry, result);
}

// normalizeFeed drops duplicate entries; feedparser does not, so look the item up by position only when aligned.
function alignedItem(report: FeedReport, index: number): Item | undefined {
  if (report.items.length === report.parsed.entries.length) return report.items[index];
  throw new NotApplicable('entries (duplicates dropped, positions differ)');
}

function emptyItem(): Item {
  return {
    id: '', sourceId: '', sourceName: '', guid: null, url: null, title: '', summary: '', contentHtml: '', contentText: '',
    authors: [], categories: [], published: null, updated: null, date: null, dateSource: 'none', language: null,
  };
}

const DETAIL_FIELDS = new Set(['value', 'type', 'language', 'base']);

function mapFeed(path: string[], report: FeedReport | null, result: DocumentResult): Field {
  const feed = report?.feed;
  const parsed = report?.parsed;
  const [first, second, third] = path;
  const key = path.join('.');
  const titleType = (): ParsedText['type'] => parsed?.titleText?.type ?? 'html';
  const feedBase = (): string | undefined => resolveBase(parsed?.base, result.baseUrl);
  switch (first) {
    case 'title':
      if (path.length === 1) return { get: () => feed?.title, expected: (value) => plainText(value, titleType()) };
      break;
    case 'title_detail':
      if (second === 'value') return { get: () => feed?.title, expected: (value) => plainText(value, titleType()) };
      if (second === 'type') return { get: () => (parsed?.titleText === undefined ? undefined : mimeType(parsed.titleText.type)) };
      if (second === 'language') return { get: () => textLanguage(parsed?.titleText, feed?.language) };
      if (second === 'base') return { get: () => resolveBase(parsed?.titleText?.base ?? parsed?.base, result.baseUrl) };
      break;
    case 'subtitle':
    case 'tagline':
    case 'description':
    case 'rights':
    case 'copyright': {
      const plain = (): string | null | undefined => (first === 'rights' || first === 'copyright' ? feed?.rights : feed?.subtitle);
      if (path.length === 1) return { get: () => plain() ?? undefined, expected: (value) => plainText(value, feedConstruct(parsed, first)?.type ?? 'html') };
      break;
    }
    case 'subtitle_detail':
    case 'tagline_detail':
    case 'description_detail':
    case 'rights_detail':
    case 'copyright_detail': {
      const construct = (): ParsedText | undefined => feedConstruct(parsed, first);
      const plain = (): string | null | undefined => (first === 'rights_detail' || first === 'copyright_detail' ? feed?.rights : feed?.subtitle);
      if (second === 'value') return { get: () => plain() ?? undefined, expected: (value) => plainText(value, construct()?.type ?? 'html') };
      if (second === 'type') return { get: () => mimeType(construct()?.type) };
      if (second === 'language') return { get: () => (construct() === undefined ? undefined : textLanguage(construct(), feed?.language)) };
      if (second === 'base') return { get: () => (construct() === undefined ? undefined : resolveBase(construct()?.base ?? parsed?.base, result.baseUrl)) };
      break;
    }
    case 'id':
      if (path.length === 1) return { get: () => parsed?.id };
      break;
    case 'generator':
      if (path.length === 1) return { get: () => parsed?.generator?.name };
      break;
    case 'generator_detail':
      if (second === 'name') return { get: () => parsed?.generator?.name };
      if (second === 'version') return { get: () => parsed?.generator?.version };
      if (second === 'href' || second === 'url') return { get: () => resolveUrl(parsed?.generator?.uri, feedBase()) };
      break;
    case 'image':
      if (second === 'href' || second === 'url') return { get: () => resolveUrl(parsed?.image, feedBase()) };
      break;
    case 'logo':
      if (path.length === 1) return { get: () => resolveUrl(parsed?.image, feedBase()) };
      break;
    case 'icon':
      if (path.length === 1) return { get: () => resolveUrl(parsed?.icon, feedBase()) };
      break;
    case 'links':
      if (second !== undefined && /^\d+$/.test(second) && third !== undefined && path.length === 3) {
        const link = (): ParsedLink | undefined => parsed?.links?.[Number(second)];
        const field = linkField(link, third, feedBase);
        if (field !== undefined) return field;
      }
      break;
    case 'contributors':
      if (second !== undefined && /^\d+$/.test(second)) {
        const k = Number(second);
        return personField(third, () => parsed?.contributors?.[k], () => parsed?.contributors?.[k]?.name, feedBase() ?? result.baseUrl, key);
      }
      break;
    case 'tags':
      if (second !== undefined && /^\d+$/.test(second) && (third === 'term' || third === 'scheme' || third === 'label')) return { get: () => parsed?.tags?.[Number(second)]?.[third] };
      break;
    case 'link':
      if (path.length === 1) return { get: () => feed?.url ?? undefined, expected: canonicalExpected };
      break;
    case 'language':
      if (path.length === 1) return { get: () => feed?.language ?? undefined };
      break;
    case 'updated':
      if (path.length === 1) return { get: () => parsed?.updated };
      break;
    case 'updated_parsed':
      if (path.length === 1) return { get: () => timeTuple(feed?.updated ?? null) };
      break;
    case 'author':
      if (path.length === 1) return { get: () => feed?.authors[0], expected: displayName };
      break;
    case 'author_detail':
      return personField(second, () => parsed?.authors?.[0], () => feed?.authors[0], result.baseUrl, key);
    case 'authors':
      if (second !== undefined && /^\d+$/.test(second)) {
        const k = Number(second);
        return personField(third, () => parsed?.authors?.[k], () => feed?.authors[k], result.baseUrl, key);
      }
      break;
    default:
      // Other text constructs' language and base belong to the feed as a whole in our model.
      if (first !== undefined && first.endsWith('_detail') && (second === 'language' || second === 'base') && hasFeedConstruct(first)) {
        return second === 'language' ? { get: () => feed?.language ?? undefined } : { get: () => resolveBase(parsed?.base, result.baseUrl) };
      }
  }
  throw new NotApplicable(`feed.${normalizeKey(path)}`);
}

// Feed-level constructs we do not keep (info, …) make their language/base n.a. too.
function hasFeedConstruct(detail: string): boolean {
  return detail === 'title_detail';
}

/** Returns the feed-level text construct a feedparser key names: subtitle (tagline, description) or rights (copyright). */
function feedConstruct(parsed: FeedReport['parsed'] | undefined, key: string): ParsedText | undefined {
  return /^(?:rights|copyright)/.test(key) ? parsed?.rights : parsed?.subtitle;
}

/** Returns a construct's language as the model reads it: its own xml:lang (blank means none), else the inherited one. */
function textLanguage(text: ParsedText | undefined, inherited: string | null | undefined): string | null | undefined {
  // A blank xml:lang is feedparser's None: declared, with no language.
  if (text?.language !== undefined) return normalizeLanguage(text.language);
  return inherited ?? undefined;
}

/** Returns the Field for one attribute of a link (href resolved against `base`), or undefined for one we do not keep. */
function linkField(link: () => ParsedLink | undefined, attribute: string, base: () => string | undefined): Field | undefined {
  if (attribute === 'href' || attribute === 'url') return { get: () => resolveUrl(link()?.href, base()) };
  if (attribute === 'rel') return { get: () => (link() === undefined ? undefined : (link()?.rel ?? 'alternate')) };
  if (attribute === 'type') return { get: () => link()?.type };
  if (attribute === 'title') return { get: () => link()?.title };
  if (attribute === 'length') return { get: () => (link()?.length === undefined ? undefined : String(link()?.length)) };
  if (attribute === 'hreflang') return { get: () => link()?.hreflang };
  return undefined;
}

function personField(
  field: string | undefined,
  parsedPerson: () => ParsedPerson | undefined,
  name: () => string | undefined,
  baseUrl: string,
  key: string,
): Field {
  if (field === 'name') return { get: name, expected: displayName };
  if (field === 'email') return { get: () => parsedPerson()?.email };
  if (field === 'href' || field === 'url') return { get: () => resolveUrl(parsedPerson()?.uri, baseUrl) };
  throw new NotApplicable(normalizeKey(key.split('.')));
}

function mapEntry(path: (string | number)[], item: Item, entry: ParsedEntry, result: DocumentResult): Field {
  const [first, second, third] = path;
  const key = `entries.${normalizeKey(path.map(String))}`;
  const base = (): string | undefined => resolveBase(entry.base, result.baseUrl);
  // A construct's own xml:base / xml:lang, else the entry's (see ParsedText.base / .language).
  const constructBase = (text: ParsedText | undefined): string | undefined => resolveUrl(text?.base, base()) ?? base();
  const constructLanguage = (text: ParsedText | undefined): string | null | undefined => textLanguage(text, item.language);
  const summarySource = (): ParsedText | undefined => entry.summary ?? entry.content;
  switch (first) {
    case 'title':
      if (path.length === 1) return { get: () => entryTitle(item, entry), expected: (value) => plainText(value, entry.title?.type ?? 'html') };
      break;
    case 'title_detail':
      if (second === 'value') return { get: () => entryTitle(item, entry), expected: (value) => plainText(value, entry.title?.type ?? 'html') };
      if (second === 'type') return { get: () => (entry.title === undefined ? undefined : mimeType(entry.title.type)) };
      if (second === 'language') return { get: () => constructLanguage(entry.title) };
      if (second === 'base') return { get: () => constructBase(entry.title) };
      break;
    case 'summary':
    case 'description':
      if (path.length === 1) return summaryField(item, entry);
      break;
    case 'summary_detail':
      if (second === 'value') return summaryField(item, entry);
      if (second === 'type') return { get: () => mimeType(summarySource()?.type) };
      if (second === 'language') return { get: () => constructLanguage(summarySource()) };
      if (second === 'base') return { get: () => constructBase(summarySource()) };
      break;
    case 'content':
      if (typeof second === 'number' && typeof third === 'string' && path.length === 3) {
        const content = (): ParsedText | undefined => (second === 0 ? entry.content : undefined);
        if (third === 'value') {
          return {
            get: () => {
              const c = content();
              if (c === undefined) return undefined;
              return c.type === 'text' ? item.contentText : item.contentHtml;
            },
            expected: (value) => (content()?.type === 'text' ? plainText(value, 'text') : value),
          };
        }
        if (third === 'type') return { get: () => mimeType(content()?.type) };
        if (third === 'language') return { get: () => (content() === undefined ? undefined : constructLanguage(content())) };
        if (third === 'base') return { get: () => (content() === undefined ? undefined : constructBase(content())) };
      }
      break;
    case 'link':
      if (path.length === 1) return { get: () => item.url ?? undefined, expected: canonicalExpected };
      break;
    case 'links':
    case 'enclosures': {
      const links = (): ParsedEntry['links'] => (first === 'enclosures' ? entry.links.filter((link) => link.rel === 'enclosure') : entry.links);
      if (typeof second === 'number' && path.length === 3 && typeof third === 'string') {
        const field = linkField(() => links()[second], third, base);
        if (field !== undefined) return field;
      }
      break;
    }
    case 'contributors':
      if (typeof second === 'number') return personField(String(third), () => entry.contributors?.[second], () => entry.contributors?.[second]?.name, base() ?? result.baseUrl, key);
      break;
    case 'source':
      if (path.length === 2 && (second === 'title' || second === 'id')) return { get: () => entry.source?.[second] };
      if (path.length === 2 && second === 'link') return { get: () => resolveUrl(entry.source?.link, base()) };
      if (path.length === 2 && second === 'href') return { get: () => resolveUrl(entry.source?.url, base()) };
      break;
    case 'image':
      if (path.length === 2 && (second === 'href' || second === 'url')) return { get: () => resolveUrl(entry.image, base()) };
      break;
    case 'comments':
      if (path.length === 1) return { get: () => resolveUrl(entry.links.find((link) => link.rel === 'replies')?.href, base()) };
      break;
    case 'id':
    case 'guid':
      if (path.length === 1) return { get: () => item.guid ?? undefined };
      break;
    case 'author':
      if (path.length === 1) return { get: () => item.authors[0], expected: displayName };
      break;
    case 'author_detail':
      return personField(String(second), () => entry.authors[0], () => item.authors[0], base() ?? result.baseUrl, key);
    case 'authors':
      if (typeof second === 'number') return personField(String(third), () => entry.authors[second], () => item.authors[second], base() ?? result.baseUrl, key);
      break;
    case 'published':
    case 'issued':
      if (path.length === 1) return { get: () => entry.published };
      break;
    case 'updated':
    case 'modified':
      // feedparser's FeedParserDict answers `updated` with `published` when the entry has no update date.
      if (path.length === 1) return { get: () => entry.updated ?? entry.published };
      break;
    case 'published_parsed':
    case 'issued_parsed':
      if (path.length === 1) return { get: () => timeTuple(item.published) };
      break;
    case 'updated_parsed':
    case 'modified_parsed':
      if (path.length === 1) return { get: () => timeTuple(item.updated ?? item.published) };
      break;
    case 'tags':
      // ParsedEntry.tags keeps term/scheme/label apart; Item.categories holds label ?? term, for formats without tags.
      if (typeof second === 'number' && third === 'term') return { get: () => (entry.tags === undefined ? item.categories[second] : entry.tags[second]?.term) };
      if (typeof second === 'number' && (third === 'scheme' || third === 'label')) return { get: () => entry.tags?.[second]?.[third] };
      break;
    case 'category':
      if (path.length === 1) return { get: () => item.categories[0] };
      break;
  }
  throw new NotApplicable(key);
}

// Item.title is never empty: when the entry's own title has no text (`<img …/>` only), normalize substitutes the
// summary's first words or "(untitled)". feedparser's title is then markup without text, so compare the title's
// own text ('') rather than the substitute.
function entryTitle(item: Item, entry: ParsedEntry): string | undefined {
  if (entry.title === undefined) return undefined;
  return textFromParsed(entry.title) === '' ? '' : item.title;
}

// feedparser's summary is the summary construct, else the content; see the table at the top.
function summaryField(item: Item, entry: ParsedEntry): Field {
  const source = entry.summary ?? entry.content;
  if (source === undefined) return { get: () => undefined };
  const both = entry.summary !== undefined && entry.content !== undefined;
  if (!both && source.type !== 'text') return { get: () => item.contentHtml };
  return {
    get: () => item.summary,
    expected: (value) => {
      const text = plainText(value, both ? (entry.summary?.type ?? 'html') : 'text');
      if (typeof text !== 'string' || !item.summary.endsWith('…') || text.length <= item.summary.length) return text;
      // Item.summary is cut at 300 characters: compare the prefix it kept.
      const kept = item.summary.slice(0, -1);
      return text.startsWith(kept) ? item.summary : text;
    },
  };
}

/** Returns feedparser's key names with positions as [i], for n.a. reasons that group well. */
function normalizeKey(path: string[]): string {
  return path.map((part) => (/^\d+$/.test(part) ? '[i]' : part)).join('.').replace(/\.\[i\]/g, '[i]');
}

function mimeType(type: ParsedText['type'] | undefined): string | undefined {
  if (type === undefined) return undefined;
  return type === 'text' ? 'text/plain' : type === 'html' ? 'text/html' : 'application/xhtml+xml';
}

function resolveBase(raw: string | undefined, documentUrl: string): string | undefined {
  return resolveUrl(raw, documentUrl) ?? documentUrl;
}

// Links are shown as normalize/iri.ts displayLink writes them: absolute as written, relative resolved (IRI form).
function resolveUrl(raw: string | undefined, base: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  return displayLink(raw, base) ?? raw;
}

function canonicalExpected(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  try {
    const url = new URL(value);
    url.hash = '';
    return url.href;
  } catch {
    return value;
  }
}

/** Returns the display name our model keeps for a feedparser author string ("Name (email)", "email (Name)", "Name"). */
function displayName(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const text = value.trim();
  const parenthesised = /^(.*?)\s*\(([^()]*)\)$/.exec(text);
  if (parenthesised) {
    const [, outside = '', inside = ''] = parenthesised;
    if (outside.includes('@') && !inside.includes('@')) return inside.trim();
    if (inside.includes('@') && outside !== '') return outside.trim();
  }
  const angle = /^(.+?)\s*<[^<>]*@[^<>]*>$/.exec(text);
  if (angle?.[1] !== undefined) return angle[1].trim();
  return text;
}

const SKIPPED = new Set(['script', 'style']);
const BLOCKS = new Set(['p', 'div', 'br', 'li', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'tr', 'td', 'th', 'blockquote', 'pre', 'ul', 'ol', 'table', 'hr', 'img']);

/** Returns feedparser's expected text construct as the plain text our model keeps (independent of our htmlToText). */
export function plainText(value: unknown, type: ParsedText['type']): unknown {
  if (typeof value !== 'string') return value;
  if (type === 'text') return value.replace(/\s+/g, ' ').trim();
  const chunks: string[] = [];
  let skip = 0;
  const parser = new Parser(
    {
      onopentag: (name) => {
        if (SKIPPED.has(name)) skip++;
        else if (BLOCKS.has(name)) chunks.push(' ');
      },
      onclosetag: (name) => {
        if (SKIPPED.has(name)) skip = Math.max(0, skip - 1);
        else if (BLOCKS.has(name)) chunks.push(' ');
      },
      ontext: (text) => {
        if (skip === 0) chunks.push(text);
      },
    },
    { decodeEntities: true, lowerCaseTags: true },
  );
  parser.write(value);
  parser.end();
  return chunks.join('').replace(/\s+/g, ' ').trim();
}

/** Returns Python's time.struct_time fields (UTC) for an ISO date, as feedparser's *_parsed gives them. */
export function timeTuple(iso: string | null): number[] | undefined {
  if (iso === null) return undefined;
  const date = new Date(iso);
  const startOfYear = Date.UTC(date.getUTCFullYear(), 0, 1);
  const yday = Math.floor((date.getTime() - startOfYear) / 86_400_000) + 1;
  return [date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate(), date.getUTCHours(), date.getUTCMinutes(), date.getUTCSeconds(), (date.getUTCDay() + 6) % 7, yday, 0];
}
