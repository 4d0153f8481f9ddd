import { Parser } from 'htmlparser2';
import { parseFastPaths } from './fast-paths.js';
import { scanXmlTree } from './scan-xml-tree.js';
import { WELL_KNOWN_PREFIXES, elementName, elementScope } from './xml-namespaces.js';
import type { XmlElement } from './xml-element.js';

export type { XmlElement } from './xml-element.js';

// A second, forgiving look at the document for what feedsmith does not give: elements it does not know
// (RSS `<author>` / `dc:author` on the channel, `expirationDate`), attributes it drops (a blank `xml:lang=""`,
// xml:lang on `content:encoded`), and entries it drops because none of their children is known to it.
// htmlparser2 in XML mode: no DTD, no external entities, unknown entities stay as written. A document with
// plain syntax (nearly every feed) is read by scan-xml-tree.ts instead, which builds the same tree faster.


export const NS = {
  atom: 'http://www.w3.org/2005/Atom',
  atom03: 'http://purl.org/atom/ns#',
  dc: 'http://purl.org/dc/elements/1.1/',
  dcterms: 'http://purl.org/dc/terms/',
  content: 'http://purl.org/rss/1.0/modules/content/',
  rss10: 'http://purl.org/rss/1.0/',
  xhtml: 'http://www.w3.org/1999/xhtml',
} as const;

/** Namespaces whose elements feedparser reads as plain RSS (RSS 2.0 "with a default namespace" and RSS 0.9x). */
const RSS_NAMESPACES: ReadonlySet<string> = new Set(['', 'http://backend.userland.com/rss2', 'http://backend.userland.com/rss', NS.rss10, 'http://my.netscape.com/rdf/simple/0.9/', 'http://channel.netscape.com/rdf/simple/0.9/']);

/** Returns the root element of `xml`, or undefined when there is none. Never throws on malformed input. */
export function readXmlTree(xml: string): XmlElement | undefined {
  return readXmlDocument(xml).root;
}

/** The document tree, and what scan-xml-tree.ts saw of namespace prefixes (undefined when htmlparser2 read it). */
interface XmlDocument {
  root: XmlElement | undefined;
  prefixes: FeedTree['prefixes'];
}

function readXmlDocument(xml: string): XmlDocument {
  const scanned = parseFastPaths() ? scanXmlTree(xml) : undefined;
  if (scanned === undefined) return { root: readXmlTreeWithParser(xml), prefixes: undefined };
  return { root: scanned.root, prefixes: scanned.tagPrefixes === undefined ? undefined : { used: scanned.tagPrefixes, declared: scanned.declaredPrefixes } };
}

/** Returns the root element of `xml` as htmlparser2 reads it (the reference for scan-xml-tree.ts, and the reader of documents it gives up on). */
export function readXmlTreeWithParser(xml: string): XmlElement | undefined {
  const documentNode: XmlElement = { uri: '', local: '#document', attributes: {}, children: [], text: '', contentStart: 0, contentEnd: xml.length };
  const stack: XmlElement[] = [documentNode];
  const scopes: Readonly<Record<string, string>>[] = [WELL_KNOWN_PREFIXES];
  const parser: Parser = new Parser(
    {
      onopentag(name, attributes) {
        const scope = elementScope(scopes[scopes.length - 1]!, attributes);
        scopes.push(scope);
        const contentStart = parser.endIndex + 1;
        const element: XmlElement = { ...elementName(name, scope), attributes, children: [], text: '', contentStart, contentEnd: contentStart };
        stack[stack.length - 1]?.children.push(element);
        stack.push(element);
      },
      ontext(text) {
        const current = stack[stack.length - 1];
        if (current !== undefined && stack.length > 1) current.text += text;
      },
      onclosetag() {
        if (stack.length > 1) {
          const element = stack.pop();
          if (element !== undefined) element.contentEnd = Math.max(element.contentStart, parser.startIndex);
          scopes.pop();
        }
      },
    },
    { xmlMode: true, decodeEntities: true, recognizeCDATA: true },
  );
  parser.write(xml);
  parser.end();
  return documentNode.children[0];
}

/** The channel (or Atom feed) element and its entries, as the tree shows them. */
export interface FeedTree {
  /** The document text the offsets refer to. */
  source: string;
  channel: XmlElement | undefined;
  entries: XmlElement[];
  /**
   * The namespace prefixes element names use (a superset of those hasUndeclaredPrefix finds) and the prefixes
   * `xmlns:` attributes declare (a subset of those it finds); absent when the document was not scanned.
   */
  prefixes?: { used: ReadonlySet<string>; declared: ReadonlySet<string> };
}

/** Returns the channel and entry elements of an RSS, RDF or Atom document. */
export function findFeedTree(xml: string, format: 'rss' | 'rdf' | 'atom'): FeedTree {
  const { root, prefixes } = readXmlDocument(xml);
  const tree = findFeedElements(xml, format, root);
  if (prefixes !== undefined) tree.prefixes = prefixes;
  return tree;
}

function findFeedElements(xml: string, format: 'rss' | 'rdf' | 'atom', root: XmlElement | undefined): FeedTree {
  if (root === undefined) return { source: xml, channel: undefined, entries: [] };
  if (format === 'atom') {
    const entries = root.children.filter((child) => child.local === 'entry');
    // An Atom feed whose entries are written <item> (RSS habit; feedparser reads both): those are its entries.
    return { source: xml, channel: root, entries: entries.length > 0 ? entries : root.children.filter((child) => child.local === 'item' && (child.uri === NS.atom || child.uri === NS.atom03)) };
  }
  const channel = root.children.find((child) => child.local === 'channel' && isRssElement(child));
  // RSS 2.0 puts items in the channel, RSS 1.0 and 0.9 next to it; some feeds do either.
  const entries = [...(channel?.children ?? []), ...root.children].filter((child) => child.local === 'item' && isRssElement(child));
  return { source: xml, channel: channel ?? root, entries };
}

/** Returns true for an element in no namespace or an RSS namespace. */
export function isRssElement(element: XmlElement): boolean {
  return RSS_NAMESPACES.has(element.uri);
}

/** Returns the first child with this namespace and local name. */
export function findChild(element: XmlElement | undefined, uri: string, local: string): XmlElement | undefined {
  return element?.children.find((child) => child.local === local && child.uri === uri);
}

/** Returns the trimmed text of every child with this namespace and local name, blanks left out. */
export function childTexts(element: XmlElement | undefined, uri: string, local: string): string[] {
  return (element?.children ?? []).filter((child) => child.local === local && child.uri === uri).map((child) => child.text.trim()).filter((text) => text !== '');
}

/** Returns the xml:lang declared on this element ('' when declared blank, which cancels the inherited language). */
export function declaredLanguage(element: XmlElement | undefined): string | undefined {
  return element?.attributes['xml:lang']?.trim();
}
