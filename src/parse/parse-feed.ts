import { DetectError, MalformedError, ParseError as LibraryParseError, parseAtomFeed, parseJsonFeed, parseRdfFeed, parseRssFeed } from 'feedsmith';
import { ParseError } from '../lib/errors.js';
import type { ParsedFeed } from '../model.js';
import { detectDocument, type DetectedDocument, skipDeclaration } from './detect-document.js';
import { mapAtomFeed } from './formats/map-atom-feed.js';
import { mapJsonFeed } from './formats/map-json-feed.js';
import { mapRdfFeed } from './formats/map-rdf-feed.js';
import { mapRssFeed } from './formats/map-rss-feed.js';
import { parseFastPaths } from './xml/fast-paths.js';
import { decodeBase64Constructs, liftItemBodies, unprefixRss } from './xml/legacy-constructs.js';
import { NS, findFeedTree, isRssElement, type FeedTree, type XmlElement } from './xml/read-xml-tree.js';
import { repairXml } from './xml/repair-xml.js';
import { stripInvalidXmlChars } from './xml/strip-invalid-xml-chars.js';
import { xmlDepth } from './xml/xml-depth.js';
import { DOCUMENT_LIMITS, type DocumentLimits } from '../config/document-limits.js';

// The only file that calls the feed library; the map-*-feed.ts adapters only read its output types.
// Format detection is ours (root element / JSON `version`), not feedsmith's regex sniffing, so an HTML
// page that mentions `<rss` is still "not a feed" and swapping the library does not change detection.
//
// feedsmith (fast-xml-parser 5 underneath) already tolerates some breakage, which we keep: a document truncated
// after a complete element, unquoted attributes (silently dropped), junk after the root, a bare `&`, and
// mismatched or stray closing tags. The last is not repair: any end tag closes the innermost open element, so
// `<item><title>a</title></b><link>…` moves the link to the channel and can drop later items without an error.
// It rejects a `<` in text and a document truncated inside an element: those go to the lenient path
// (repair-xml.ts) and come back with `recovered: true`.

/**
 * Returns the feed in `text` (RSS 0.9x/2.0, RSS 1.0 RDF, Atom 1.0/0.3 or JSON Feed 1.0/1.1) as a ParsedFeed; throws
 * ParseError `parse/empty`, `parse/not-a-feed`, `parse/malformed` or `parse/too-deep` (elements nested past `maxDepth`).
 */
export function parseFeed(text: string, limits: Pick<DocumentLimits, 'maxDepth'> & Partial<Pick<DocumentLimits, 'maxItemsPerDocument'>> = DOCUMENT_LIMITS): ParsedFeed {
  const stripped = stripInvalidXmlChars(text);
  // Checked before any XML reader runs: they take quadratic time over 100,000s of nested elements (issue #15).
  if (!looksLikeJson(stripped) && xmlDepth(stripped, limits.maxDepth) > limits.maxDepth) {
    throw new ParseError('parse/too-deep', `elements nested more than ${limits.maxDepth} levels deep (fetch.maxDepth): not read`);
  }
  let document: DetectedDocument;
  try {
    document = detectDocument(stripped);
  } catch (error) {
    // Text before the root element (a PHP warning, a stray byte): the feed behind it may still be readable.
    const root = error instanceof ParseError && error.code === 'parse/malformed' ? stripped.search(FEED_START) : -1;
    if (root <= 0) throw error;
    return recoverFeed(stripped.slice(root), error as ParseError);
  }
  if (document.format === 'json') {
    const items = document.json['items'];
    const feed = callLibrary('JSON Feed', () => parseJsonFeed(document.json), Array.isArray(items) && items.length > 0);
    return feed === undefined ? emptyFeed('json', document.version) : mapJsonFeed(feed, document.version);
  }
  // No DTD is read: entities it declares (billion laughs, external SYSTEM entities) are never expanded.
  const xml = xhtml1AngleEntities(removeDoctype(document.xml));
  try {
    const { feed, tree } = parseXmlFeed(document.format, document.version, xml, limits.maxItemsPerDocument);
    // Namespaces in XML §3: a prefix must be declared. The feed is still read, but flagged as malformed.
    return usesUndeclaredPrefix(xml, tree) ? { ...feed, recovered: true } : feed;
  } catch (error) {
    if (!(error instanceof ParseError) || error.code !== 'parse/malformed') throw error;
    return recoverFeed(xml, error);
  }
}

/**
 * Returns the XML with `&lang;`/`&rang;` as the characters the XHTML 1.0 DTD (and HTML 4) gives them, U+2329/U+232A.
 * An XML feed can only mean a named HTML entity through those DTDs; HTML5 later moved the two names to U+27E8/U+27E9.
 */
function xhtml1AngleEntities(xml: string): string {
  // (Looking for the two entities themselves is faster than for `ang;`, and gives the same text.)
  return (parseFastPaths() ? xml.includes('&lang;') || xml.includes('&rang;') : xml.includes('ang;')) ? xml.replace(/&lang;/g, '&#x2329;').replace(/&rang;/g, '&#x232A;') : xml;
}

/** Returns hasUndeclaredPrefix(xml), settled from the scanner's view of the document (`tree.prefixes`) when that is enough. */
function usesUndeclaredPrefix(xml: string, tree: FeedTree): boolean {
  const prefixes = tree.prefixes;
  // The scanner saw every prefix the regexes below can find, and only declarations they find too.
  if (prefixes !== undefined && [...prefixes.used].every((prefix) => prefix === 'xml' || prefix === 'xmlns' || prefixes.declared.has(prefix))) return false;
  return hasUndeclaredPrefix(xml);
}

/** Returns whether an element or attribute uses a namespace prefix no `xmlns:` declares (CDATA and comments aside). */
export function hasUndeclaredPrefix(xml: string): boolean {
  const markup = xml.replace(/<!\[CDATA\[[\s\S]*?\]\]>/g, '').replace(/<!--[\s\S]*?-->/g, '');
  const declared = new Set(['xml', 'xmlns']);
  for (const m of markup.matchAll(/\sxmlns:([A-Za-z_][\w.-]*)\s*=/g)) declared.add(m[1]!);
  for (const m of markup.matchAll(/<\/?([A-Za-z_][\w.-]*):[A-Za-z_]/g)) if (!declared.has(m[1]!)) return true;
  return false;
}

// Where a feed's XML starts, for documents with junk before it.
const FEED_START = /<\?xml\s|<(?:[\w.-]+:)?(?:rss|feed|rdf)[\s>]/i;

function parseXmlFeed(format: 'rss' | 'rdf' | 'atom', version: string | undefined, whole: string, maxEntries?: number): { feed: ParsedFeed; tree: FeedTree } {
  const found = findFeedTree(whole, format);
  // Past the per-document cap, the feed library reads only the first entries: it holds the whole document as objects,
  // and with our own tree that doubled the peak memory of a huge feed (issue #15).
  const cut = maxEntries === undefined ? undefined : cutEntries(whole, found, maxEntries);
  const xml = cut?.xml ?? whole;
  const tree = cut?.tree ?? found;
  const { feed, tree: used } = parseXmlTree(format, version, xml, tree);
  return { feed: cut ? { ...feed, entriesListed: found.entries.length } : feed, tree: used };
}

/**
 * Returns the document without its entries after the first `max` (the text from the end of entry `max` to the end of
 * the last entry is left out; what follows, the closing tags, stays), and the tree with only those entries; undefined
 * when there are not more than `max`, or when the entries are not one run in document order (then nothing is cut).
 */
function cutEntries(xml: string, tree: FeedTree, max: number): { xml: string; tree: FeedTree } | undefined {
  const entries = tree.entries;
  if (entries.length <= max || max < 1) return undefined;
  for (let i = 1; i < entries.length; i++) if (entries[i]!.contentStart <= entries[i - 1]!.contentEnd) return undefined;
  const endOf = (e: XmlElement): number => {
    const gt = xml.indexOf('>', e.contentEnd);
    return gt === -1 ? -1 : gt + 1;
  };
  const keepUntil = endOf(entries[max - 1]!);
  const resumeAt = endOf(entries[entries.length - 1]!);
  if (keepUntil <= 0 || resumeAt <= keepUntil) return undefined;
  return { xml: xml.slice(0, keepUntil) + xml.slice(resumeAt), tree: { ...tree, entries: entries.slice(0, max) } };
}

function parseXmlTree(format: 'rss' | 'rdf' | 'atom', version: string | undefined, xml: string, tree: FeedTree): { feed: ParsedFeed; tree: FeedTree } {
  // Only asked when the library finds no feed at all.
  const lost = (): boolean => hasReadableEntries(tree) || (tree.entries.length === 0 && hasXmlEntries(xml));
  switch (format) {
    case 'rss': {
      const lifted = liftItemBodies(unprefixRss(xml));
      const feed = callLibrary('RSS', () => parseRssFeed(lifted), lost);
      return { feed: mapRssFeed(feed ?? {}, version, tree), tree };
    }
    case 'rdf': {
      const feed = callLibrary('RSS 1.0 (RDF)', () => parseRdfFeed(xml), lost);
      return { feed: mapRdfFeed(feed ?? {}, version, tree), tree };
    }
    case 'atom': {
      const decoded = decodeBase64Constructs(tree.entries[0]?.local === 'item' ? renameAtomItems(xml) : xml);
      const feed = callLibrary('Atom', () => parseAtomFeed(decoded), lost);
      return { feed: mapAtomFeed(feed ?? {}, version, tree), tree };
    }
  }
}

/** Children that every reader of the format knows; an entry with one of them cannot look empty to feedsmith. */
const CORE_ENTRY_CHILDREN: ReadonlySet<string> = new Set(['title', 'link', 'description', 'guid', 'pubdate', 'id', 'summary', 'content', 'updated', 'published']);

// Entries with a title or link that feedsmith does not see mean the structure was lost (see callLibrary);
// entries whose children are all unknown to it (only georss, only <expirationDate>) are just empty entries.
function hasReadableEntries(tree: FeedTree): boolean {
  // Only the format's own elements count: an `itunes:link` or `media:title` is not an RSS link or title.
  return tree.entries.some((entry) => entry.children.some((child) => CORE_ENTRY_CHILDREN.has(child.local) && (isRssElement(child) || child.uri === NS.atom || child.uri === NS.atom03)));
}

// The leniency rule (rowanmanning/feed-parser): throw only when nothing usable can be pulled out. The
// malformed document is repaired by a forgiving reader and parsed again; if that yields neither a title
// nor an entry, the original error stands.
function recoverFeed(xml: string, cause: ParseError): ParsedFeed {
  let document: DetectedDocument;
  try {
    document = detectDocument(repairXml(xml));
  } catch {
    // The repaired text is not a feed either: report the original problem, which says more.
    throw cause;
  }
  if (document.format === 'json') throw cause;
  let feed: ParsedFeed;
  try {
    feed = parseXmlFeed(document.format, document.version, document.xml).feed;
  } catch {
    // Still unreadable after repair: the original error describes the document.
    throw cause;
  }
  if (feed.entries.length === 0 && feed.title === undefined && feed.link === undefined) throw cause;
  return { ...feed, recovered: true };
}

/** Returns whether the text starts (after whitespace and a BOM) like a JSON value, not markup. */
function looksLikeJson(text: string): boolean {
  const first = /[^\s\uFEFF]/.exec(text.slice(0, 1024));
  return first !== null && (first[0] === '{' || first[0] === '[');
}

/** Returns `xml` without its DOCTYPE declaration (and internal subset), so no DTD entity is ever defined. */
export function removeDoctype(xml: string): string {
  // Only a DOCTYPE before the root element is a declaration; later the text is content (so the prolog is enough to search).
  const firstElement = xml.search(/<[A-Za-z_]/);
  const start = (parseFastPaths() && firstElement !== -1 ? xml.slice(0, firstElement) : xml).search(/<!DOCTYPE\b/i);
  if (start === -1) return xml;
  if (firstElement !== -1 && firstElement < start) return xml;
  return xml.slice(0, start) + xml.slice(skipDeclaration(xml, start + 9));
}

// Returns undefined when the library found nothing in a document whose root element says it is a feed
// (`<rss version="2.0"><channel/></rss>`): an empty feed is a feed with missing fields, not an error.
// But when the document visibly has entries, "nothing found" means the structure was lost (a stray end tag
// that closed <channel> early), and an empty result would silently hide the source's items.
function callLibrary<T>(formatName: string, parse: () => T, hasEntries: boolean | (() => boolean)): T | undefined {
  try {
    return parse();
  } catch (error) {
    if (error instanceof DetectError || error instanceof LibraryParseError) {
      if (!(typeof hasEntries === 'function' ? hasEntries() : hasEntries)) return undefined;
      throw new ParseError('parse/malformed', `malformed ${formatName}: entries present but no readable channel or feed element`, { cause: error });
    }
    const reason = error instanceof MalformedError && error.cause instanceof Error ? error.cause.message : error instanceof Error ? error.message : String(error);
    // Anything else the library throws (MalformedError, or a bug on odd input) means this document could not be parsed.
    throw new ParseError('parse/malformed', `malformed ${formatName}: ${reason}`, { cause: error });
  }
}

/** Returns an Atom document with its unprefixed <item> elements renamed <entry>, the name feedsmith reads. */
function renameAtomItems(xml: string): string {
  return xml.replace(/<(\/?)item(?=[\s>\/])/g, '<$1entry');
}

function hasXmlEntries(xml: string): boolean {
  return /<(?:[\w.-]+:)?(?:item|entry)[\s/>]/i.test(xml);
}

function emptyFeed(format: ParsedFeed['format'], version: string | undefined): ParsedFeed {
  return version === undefined ? { format, entries: [] } : { format, version, entries: [] };
}
