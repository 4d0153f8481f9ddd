import { ParseError } from '../lib/errors.js';

/** The format of a document as told by its root element (XML) or its `version` key (JSON), plus what to parse. */
export type DetectedDocument =
  | { format: 'rss' | 'rdf' | 'atom'; version?: string; xml: string }
  | { format: 'json'; version?: string; json: Record<string, unknown> };

interface RootElement {
  name: string;
  attributes: Record<string, string>;
}

const ATOM_10_NS = 'http://www.w3.org/2005/Atom';
const ATOM_03_NS = 'http://purl.org/atom/ns#';
const RSS_10_NS = 'purl.org/rss/1.0';
const RSS_090_NS = 'netscape.com/rdf/simple/0.9';
const JSON_FEED_VERSION = /jsonfeed\.org\/version\/(\d+(?:\.\d+)*)/i;
const HTML_HINT = /<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>]/i;
const FEED_ROOT_HINT = /<\?xml\s|<(?:\w+:)?(?:rss|feed|rdf)[\s>]/i;

/**
 * Returns the feed format of `text` (already stripped of invalid characters) from its root element or
 * JSON shape; throws ParseError `parse/empty`, `parse/not-a-feed` or (for JSON that does not parse) `parse/malformed`.
 */
export function detectDocument(text: string): DetectedDocument {
  // A document with whitespace before `<?xml` is not well-formed (XML 1.0 §2.8), but it is common and harmless.
  const trimmed = text.trimStart();
  if (trimmed === '') throw new ParseError('parse/empty', 'the document is empty');
  const first = trimmed[0];
  if (first === '{' || first === '[') return detectJson(trimmed);
  if (first === '<') return detectXml(trimmed);
  const head = trimmed.slice(0, 4096);
  if (HTML_HINT.test(head)) throw new ParseError('parse/not-a-feed', 'not a feed: looks like an HTML page');
  // Text before the prolog (a PHP warning, a stray byte) breaks XML but the feed is still there.
  if (FEED_ROOT_HINT.test(head))
    throw new ParseError('parse/malformed', 'malformed feed: text before the XML root element');
  throw new ParseError(
    'parse/not-a-feed',
    `not a feed: looks like plain text (starts with ${JSON.stringify(trimmed.slice(0, 40))})`,
  );
}

function detectJson(text: string): DetectedDocument {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ParseError(
      'parse/malformed',
      `malformed JSON: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new ParseError('parse/not-a-feed', 'not a feed: looks like JSON but not a JSON Feed (not an object)');
  }
  const record = json as Record<string, unknown>;
  const version = record.version;
  if (typeof version === 'string') {
    const match = JSON_FEED_VERSION.exec(version);
    if (match?.[1] === undefined) {
      throw new ParseError(
        'parse/not-a-feed',
        `not a feed: looks like JSON but not a JSON Feed (version ${JSON.stringify(version)})`,
      );
    }
    return { format: 'json', version: match[1].includes('.') ? match[1] : `${match[1]}.0`, json: record };
  }
  // Same rule as feedsmith's detector for version-less JSON Feeds: a title and an items array.
  if (typeof record.title === 'string' && Array.isArray(record.items)) return { format: 'json', json: record };
  throw new ParseError(
    'parse/not-a-feed',
    'not a feed: looks like JSON but not a JSON Feed (no jsonfeed.org version, no title and items)',
  );
}

function detectXml(xml: string): DetectedDocument {
  const root = findRootElement(xml);
  if (root === undefined) throw new ParseError('parse/malformed', 'malformed XML: no root element');
  const localName = root.name.slice(root.name.indexOf(':') + 1).toLowerCase();
  const namespaces = Object.entries(root.attributes)
    .filter(([name]) => name === 'xmlns' || name.startsWith('xmlns:'))
    .map(([, value]) => value);
  switch (localName) {
    case 'rss': {
      const version = root.attributes.version?.trim();
      return version ? { format: 'rss', version, xml } : { format: 'rss', xml };
    }
    case 'rdf': {
      if (namespaces.some((uri) => uri.includes(RSS_10_NS))) return { format: 'rdf', version: '1.0', xml };
      if (namespaces.some((uri) => uri.includes(RSS_090_NS))) return { format: 'rdf', version: '0.9', xml };
      return { format: 'rdf', xml };
    }
    case 'feed': {
      if (root.attributes.version?.trim() === '0.3' || namespaces.includes(ATOM_03_NS))
        return { format: 'atom', version: '0.3', xml };
      if (namespaces.some((uri) => uri.replace(/\/$/, '') === ATOM_10_NS))
        return { format: 'atom', version: '1.0', xml };
      return { format: 'atom', xml };
    }
    case 'html':
    case 'head':
    case 'body':
      throw new ParseError('parse/not-a-feed', 'not a feed: looks like an HTML page');
    case 'opml':
      throw new ParseError('parse/not-a-feed', 'not a feed: looks like an OPML subscription list');
    default:
      throw new ParseError(
        'parse/not-a-feed',
        `not a feed: XML document with root element <${root.name}>, not rss, rdf:RDF or feed`,
      );
  }
}

// Skips the prolog (XML declaration, processing instructions, comments, DOCTYPE) and reads the first start tag.
function findRootElement(xml: string): RootElement | undefined {
  let index = 0;
  for (;;) {
    const start = xml.indexOf('<', index);
    if (start === -1) return undefined;
    if (xml.startsWith('<?', start)) {
      const end = xml.indexOf('?>', start + 2);
      if (end === -1) return undefined;
      index = end + 2;
    } else if (xml.startsWith('<!--', start)) {
      const end = xml.indexOf('-->', start + 4);
      if (end === -1) return undefined;
      index = end + 3;
    } else if (xml.startsWith('<!', start)) {
      // Even a DOCTYPE naming html is skipped: the root element decides (a feed behind a stray XHTML DOCTYPE is a
      // feed).
      index = skipDeclaration(xml, start + 2);
    } else {
      return readStartTag(xml, start);
    }
  }
}

// A DOCTYPE may carry an internal subset (`[ <!ENTITY …> ]`) and quoted strings containing `>`.
/**
 * Returns the index just past the declaration starting at or before `from` (a DOCTYPE's internal subset and quoted `>`
 * included).
 */
export function skipDeclaration(xml: string, from: number): number {
  let depth = 0;
  let quote: string | undefined;
  for (let index = from; index < xml.length; index++) {
    const char = xml[index];
    if (quote !== undefined) {
      if (char === quote) quote = undefined;
    } else if (char === '"' || char === "'") quote = char;
    else if (char === '[') depth++;
    else if (char === ']') depth--;
    else if (char === '>' && depth <= 0) return index + 1;
  }
  return xml.length;
}

function readStartTag(xml: string, start: number): RootElement | undefined {
  const name = /^<([^\s/>]+)/.exec(xml.slice(start, start + 200))?.[1];
  if (name === undefined) return undefined;
  let end = start + 1 + name.length;
  let quote: string | undefined;
  for (; end < xml.length; end++) {
    const char = xml[end];
    if (quote !== undefined) {
      if (char === quote) quote = undefined;
    } else if (char === '"' || char === "'") quote = char;
    else if (char === '>') break;
  }
  const attributes: Record<string, string> = {};
  const attributePattern = /([^\s=/>]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))/g;
  for (const match of xml.slice(start + 1 + name.length, end).matchAll(attributePattern)) {
    const attributeName = match[1];
    if (attributeName !== undefined) attributes[attributeName] = match[2] ?? match[3] ?? match[4] ?? '';
  }
  return { name, attributes };
}
