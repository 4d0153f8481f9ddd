import { DetectError, MalformedError, ParseError as LibraryParseError, parseAtomFeed, parseJsonFeed, parseRdfFeed, parseRssFeed } from 'feedsmith';
import { ParseError } from '../lib/errors.js';
import type { ParsedFeed } from '../model.js';
import { detectDocument } from './detect-document.js';
import { mapAtomFeed } from './map-atom-feed.js';
import { mapJsonFeed } from './map-json-feed.js';
import { mapRdfFeed } from './map-rdf-feed.js';
import { mapRssFeed } from './map-rss-feed.js';
import { stripInvalidXmlChars } from './strip-invalid-xml-chars.js';

// The only file that calls the feed library; the map-*-feed.ts adapters only read its output types.
// Format detection is ours (root element / JSON `version`), not feedsmith's regex sniffing, so an HTML
// page that mentions `<rss` is still "not a feed" and swapping the library does not change detection.
//
// feedsmith (fast-xml-parser 5 underneath) already tolerates some breakage, which we keep: a document truncated
// after a complete element, unquoted attributes (silently dropped), junk after the root, a bare `&`, and
// mismatched or stray closing tags. The last is not repair: any end tag closes the innermost open element, so
// `<item><title>a</title></b><link>…` moves the link to the channel and can drop later items without an error.
// It rejects a `<` in text and a document truncated inside an element.

/** Returns the feed in `text` (RSS 0.9x/2.0, RSS 1.0 RDF, Atom 1.0/0.3 or JSON Feed 1.0/1.1) as a ParsedFeed; throws ParseError `parse/empty`, `parse/not-a-feed` or `parse/malformed`. */
export function parseFeed(text: string): ParsedFeed {
  const document = detectDocument(stripInvalidXmlChars(text));
  switch (document.format) {
    case 'rss': {
      const feed = callLibrary('RSS', () => parseRssFeed(document.xml), hasXmlEntries(document.xml));
      return feed === undefined ? emptyFeed('rss', document.version) : mapRssFeed(feed, document.version);
    }
    case 'rdf': {
      const feed = callLibrary('RSS 1.0 (RDF)', () => parseRdfFeed(document.xml), hasXmlEntries(document.xml));
      return feed === undefined ? emptyFeed('rdf', document.version) : mapRdfFeed(feed, document.version);
    }
    case 'atom': {
      const feed = callLibrary('Atom', () => parseAtomFeed(document.xml), hasXmlEntries(document.xml));
      return feed === undefined ? emptyFeed('atom', document.version) : mapAtomFeed(feed, document.version);
    }
    case 'json': {
      const items = document.json['items'];
      const feed = callLibrary('JSON Feed', () => parseJsonFeed(document.json), Array.isArray(items) && items.length > 0);
      return feed === undefined ? emptyFeed('json', document.version) : mapJsonFeed(feed, document.version);
    }
  }
}

// Returns undefined when the library found nothing in a document whose root element says it is a feed
// (`<rss version="2.0"><channel/></rss>`): an empty feed is a feed with missing fields, not an error.
// But when the document visibly has entries, "nothing found" means the structure was lost (a stray end tag
// that closed <channel> early), and an empty result would silently hide the source's items.
function callLibrary<T>(formatName: string, parse: () => T, hasEntries: boolean): T | undefined {
  try {
    return parse();
  } catch (error) {
    if (error instanceof DetectError || error instanceof LibraryParseError) {
      if (!hasEntries) return undefined;
      throw new ParseError('parse/malformed', `malformed ${formatName}: entries present but no readable channel or feed element`, { cause: error });
    }
    const reason = error instanceof MalformedError && error.cause instanceof Error ? error.cause.message : error instanceof Error ? error.message : String(error);
    // Anything else the library throws (MalformedError, or a bug on odd input) means this document could not be parsed.
    throw new ParseError('parse/malformed', `malformed ${formatName}: ${reason}`, { cause: error });
  }
}

function hasXmlEntries(xml: string): boolean {
  return /<(?:[\w.-]+:)?(?:item|entry)[\s/>]/i.test(xml);
}

function emptyFeed(format: ParsedFeed['format'], version: string | undefined): ParsedFeed {
  return version === undefined ? { format, entries: [] } : { format, version, entries: [] };
}
