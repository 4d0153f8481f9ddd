import type { AtomFeed } from 'feedsmith';
import type { ParsedCategory, ParsedEntry, ParsedFeed, ParsedGenerator, ParsedLink, ParsedPerson, ParsedSource, ParsedText } from '../../model.js';
import { decodeBase64Text } from '../xml/legacy-constructs.js';
import { findInlinePrefixes, unprefixInlineMarkup } from '../xml/inline-namespaces.js';
import { NS, declaredLanguage, type FeedTree, type XmlElement } from '../xml/read-xml-tree.js';
import { resolveBase } from './resolve-base.js';
import { textType } from './text-type.js';
import { uniquePersons, uniqueStrings } from './unique.js';

type AtomLinkLike = { href?: string; rel?: string; type?: string; title?: string; length?: number; hreflang?: string };
type AtomPersonLike = { name?: string; email?: string; uri?: string };
type AtomTextLike = { value?: string; type?: string; xml?: { base?: string; lang?: string } };

// What feedsmith gives for Atom (3.0.1): text constructs with their `type` attribute as written, values
// entity-decoded once (so `type="text"` is plain text and `type="html"` is markup), xhtml with the wrapping
// <div> (and any xhtml: prefix) removed; Atom 0.3 folded into 1.0 names (`issued`, then `created` → published,
// `modified` → updated) with its MIME `type`s passed through (mapped by textType); xml:lang/xml:base of the
// feed, each entry and each text construct. It does not give: Atom 0.3 `mode` (so `mode="base64"` arrives
// undecoded), xml:base on <link>/<author>.

/** Returns the ParsedFeed for a feedsmith Atom 1.0 / 0.3 feed. */
export function mapAtomFeed(feed: AtomFeed.Feed<string>, version: string | undefined, tree: FeedTree = { source: '', channel: undefined, entries: [] }): ParsedFeed {
  const base = feed.xml?.base;
  const rootLanguage = declaredLanguage(tree.channel);
  const language = feed.xml?.lang ?? feed.dc?.languages?.[0];
  const feedAuthors = mapAtomPersons(feed.authors, tree.channel, 'author');
  const links = (feed.links ?? []).flatMap(mapAtomLinks);
  // feedsmith drops an entry none of whose children it knows (only georss, only an unknown element): keep it, empty.
  const entries = feed.entries !== undefined && feed.entries.length > 0 ? feed.entries : tree.entries.map((): AtomFeed.Entry<string> => ({}) as AtomFeed.Entry<string>);
  const elements = entries.length === tree.entries.length ? tree.entries : [];
  const parsed: ParsedFeed = {
    format: 'atom',
    entries: entries.map((entry, index) =>
      mapEntry(entry, { base, language: rootLanguage === '' ? undefined : language, authors: feedAuthors, source: tree.source, atom03: tree.channel?.uri === NS.atom03 }, elements[index]),
    ),
  };
  unprefixXhtml(parsed.entries.flatMap((entry) => [entry.title, entry.summary, entry.content]), findInlinePrefixes(tree.source));
  if (version !== undefined) parsed.version = version;
  if (feed.title?.value !== undefined) parsed.title = feed.title.value;
  const titleText = withBlankLanguage(mapAtomText(feed.title, base), atomChild(tree.channel, 'title'));
  if (titleText !== undefined) parsed.titleText = titleText;
  if (feedAuthors.length > 0) parsed.authors = uniquePersons(feedAuthors);
  const link = findAlternateLink(links);
  if (link !== undefined) parsed.link = link;
  if (links.length > 0) parsed.links = links;
  const selfUrl = links.find((candidate) => candidate.rel === 'self')?.href;
  if (selfUrl !== undefined) parsed.selfUrl = selfUrl;
  if (language !== undefined && rootLanguage !== '') parsed.language = language;
  if (feed.updated !== undefined) parsed.updated = feed.updated;
  if (base !== undefined) parsed.base = base;
  if (feed.id !== undefined) parsed.id = feed.id;
  // Atom 0.3 `tagline` and `copyright` arrive as subtitle and rights.
  const subtitle = withBlankLanguage(mapAtomText(feed.subtitle, base), atomChild(tree.channel, 'subtitle') ?? atomChild(tree.channel, 'tagline'));
  if (subtitle !== undefined) parsed.subtitle = subtitle;
  // feedsmith folds Atom 0.3 `tagline` into subtitle but not `copyright` into rights: read that from the tree.
  const copyright = atomChild(tree.channel, 'copyright');
  const rights = withBlankLanguage(mapAtomText(feed.rights, base) ?? readAtom03Text(copyright, tree.source, base), atomChild(tree.channel, 'rights') ?? copyright);
  if (rights !== undefined) parsed.rights = rights;
  const generator = mapGenerator(feed.generator);
  if (generator !== undefined) parsed.generator = generator;
  if (feed.logo !== undefined) parsed.image = feed.logo;
  if (feed.icon !== undefined) parsed.icon = feed.icon;
  const contributors = mapAtomPersons(feed.contributors, tree.channel, 'contributor');
  if (contributors.length > 0) parsed.contributors = contributors;
  const tags = (feed.categories ?? []).flatMap(mapAtomCategory);
  if (tags.length > 0) parsed.tags = tags;
  return parsed;
}

// Inline markup bound to the XHTML/SVG/MathML namespace by a prefix declared outside the construct (inline-namespaces.ts).
function unprefixXhtml(texts: (ParsedText | undefined)[], prefixes: string[]): void {
  if (prefixes.length === 0) return;
  for (const text of texts) if (text?.type === 'xhtml') text.value = unprefixInlineMarkup(text.value, prefixes);
}

function mapGenerator(generator: { text?: string; uri?: string; version?: string } | undefined): ParsedGenerator | undefined {
  if (generator === undefined) return undefined;
  const parsed: ParsedGenerator = {};
  if (generator.text !== undefined) parsed.name = generator.text;
  if (generator.uri !== undefined) parsed.uri = generator.uri;
  if (generator.version !== undefined) parsed.version = generator.version;
  return Object.keys(parsed).length > 0 ? parsed : undefined;
}

// Atom 0.3 people give their home page as <url> (and some feeds as <homepage>), which feedsmith does not read.
function mapAtomPersons(persons: AtomPersonLike[] | undefined, parent: XmlElement | undefined, local: 'author' | 'contributor'): ParsedPerson[] {
  const elements = (parent?.children ?? []).filter((child) => child.local === local && isAtomElement(child));
  const list = persons ?? [];
  return list.map((person, index) => {
    const parsed = mapAtomPerson(person);
    if (parsed.uri === undefined && list.length === elements.length) {
      const uri = (elements[index]?.children ?? []).find((child) => (child.local === 'url' || child.local === 'homepage') && isAtomElement(child))?.text.trim();
      if (uri) parsed.uri = uri;
    }
    return parsed;
  });
}

function isAtomElement(element: XmlElement): boolean {
  return element.uri === NS.atom || element.uri === NS.atom03 || element.uri === '';
}

function atomChild(element: XmlElement | undefined, local: string): XmlElement | undefined {
  return element?.children.find((child) => child.local === local && isAtomElement(child));
}

// feedsmith drops a blank xml:lang="", which means "no language" (XML 1.0 §2.12) rather than "inherit";
// and it never sees Atom 0.3 `mode="base64"` (decoded before it, legacy-constructs.ts), whose text is exact.
function withBlankLanguage(text: ParsedText | undefined, element: XmlElement | undefined): ParsedText | undefined {
  if (text !== undefined && text.language === undefined && declaredLanguage(element) === '') text.language = '';
  if (text !== undefined && text.type === 'text' && element?.attributes['mode']?.trim().toLowerCase() === 'base64') text.verbatim = true;
  return text;
}

/** Returns the links of an Atom `<link>` (none when it has no href), keeping rel, type, title and length. */
export function mapAtomLinks(link: AtomLinkLike): ParsedLink[] {
  if (link.href === undefined) return [];
  const parsed: ParsedLink = { href: link.href };
  if (link.rel !== undefined) parsed.rel = link.rel;
  if (link.type !== undefined) parsed.type = link.type;
  if (link.title !== undefined) parsed.title = link.title;
  if (link.length !== undefined) parsed.length = link.length;
  if (link.hreflang !== undefined) parsed.hreflang = link.hreflang;
  return [parsed];
}

/** Returns an Atom person (name, email, uri) as a ParsedPerson. */
export function mapAtomPerson(person: AtomPersonLike): ParsedPerson {
  const parsed: ParsedPerson = {};
  if (person.name !== undefined) parsed.name = person.name;
  if (person.email !== undefined) parsed.email = person.email;
  if (person.uri !== undefined) parsed.uri = person.uri;
  return parsed;
}

/** Returns an Atom `<category>` with its term (none when it has no term). */
export function mapAtomCategory(category: { term?: string; scheme?: string; label?: string }): ParsedCategory[] {
  if (category.term === undefined) return [];
  const parsed: ParsedCategory = { term: category.term };
  if (category.scheme !== undefined) parsed.scheme = category.scheme;
  if (category.label !== undefined) parsed.label = category.label;
  return [parsed];
}

/** Returns an Atom text construct as ParsedText, or undefined when it is empty or not textual. */
export function mapAtomText(text: AtomTextLike | undefined, outerBase?: string): ParsedText | undefined {
  if (text?.value === undefined) return undefined;
  let parsed: ParsedText;
  const type = textType(text.type);
  if (type !== undefined) {
    parsed = { value: text.value, type };
  } else {
    // RFC 4287 §4.1.3.3: any other media type is base64-encoded; shown as plain text when it decodes to UTF-8 text.
    const decoded = decodeBase64Text(text.value);
    if (decoded === undefined) return undefined;
    parsed = { value: decoded, type: 'text', verbatim: true };
  }
  // xml:base and xml:lang may be declared on the construct itself (XML Base §4.2, XML 1.0 §2.12).
  const base = text.xml?.base === undefined ? undefined : resolveBase(text.xml.base, outerBase);
  if (base !== undefined) parsed.base = base;
  if (text.xml?.lang !== undefined) parsed.language = text.xml.lang;
  return parsed;
}

/** Returns the home-page link among `links`: RFC 4287 §4.2.7.2, a missing rel means "alternate"; HTML preferred. */
export function findAlternateLink(links: ParsedLink[]): string | undefined {
  const alternates = links.filter((link) => link.rel === undefined || link.rel === 'alternate');
  return (alternates.find((link) => link.type === undefined || link.type.includes('html')) ?? alternates[0])?.href;
}

interface AtomContext {
  base: string | undefined;
  language: string | undefined;
  authors: ParsedPerson[];
  /** The document text the tree's offsets refer to. */
  source: string;
  /** The document is Atom 0.3, whose inline markup has no wrapper <div>. */
  atom03: boolean;
}

function mapEntry(entry: AtomFeed.Entry<string>, context: AtomContext, element: XmlElement | undefined): ParsedEntry {
  // RFC 4287 §4.2.1: an entry without authors takes those of its atom:source, then those of the feed.
  const ownAuthors = [...mapAtomPersons(entry.authors, element, 'author'), ...(entry.authors === undefined ? (entry.source?.authors ?? []).map(mapAtomPerson) : [])];
  const parsed: ParsedEntry = {
    links: (entry.links ?? []).flatMap(mapAtomLinks),
    authors: uniquePersons(ownAuthors.length > 0 ? ownAuthors : context.authors),
    categories: uniqueStrings([...(entry.categories ?? []).map((category) => category.label ?? category.term), ...(entry.dc?.subjects ?? [])]),
  };
  const tags = [...(entry.categories ?? []).flatMap(mapAtomCategory), ...(entry.dc?.subjects ?? []).map((term) => ({ term }))];
  if (tags.length > 0) parsed.tags = tags;
  if (entry.id !== undefined) parsed.id = entry.id;
  const entryBase = resolveBase(entry.xml?.base, context.base);
  const title = withBlankLanguage(mapAtomText(entry.title, entryBase), atomChild(element, 'title'));
  if (title !== undefined) parsed.title = title;
  if (entry.published !== undefined) parsed.published = entry.published;
  if (entry.updated !== undefined) parsed.updated = entry.updated;
  const summary = withBlankLanguage(readAtom03Markup(atomChild(element, 'summary'), context, entryBase) ?? mapAtomText(entry.summary, entryBase), atomChild(element, 'summary'));
  if (summary !== undefined) parsed.summary = summary;
  // RFC 4287 §4.1.3.2: content with `src` is out of line and has no value; the entry's summary stands in.
  const content = withBlankLanguage(readAtom03Markup(atomChild(element, 'content'), context, entryBase) ?? mapAtomText(entry.content, entryBase), atomChild(element, 'content'));
  if (content !== undefined) parsed.content = content;
  const contributors = mapAtomPersons(entry.contributors, element, 'contributor');
  if (contributors.length > 0) parsed.contributors = contributors;
  const source = mapSource(entry.source);
  if (source !== undefined) parsed.source = source;
  // xml:lang and xml:base are inherited by nested elements (XML 1.0 §2.12, XML Base §4.2); a blank xml:lang cancels.
  const language = entry.xml?.lang ?? entry.dc?.languages?.[0] ?? (declaredLanguage(element) === '' ? undefined : context.language);
  if (language !== undefined) parsed.language = language;
  if (entryBase !== undefined) parsed.base = entryBase;
  return parsed;
}

// feedsmith unwraps a leading <div> of inline XHTML in Atom 0.3 too, where it is part of the content.
function readAtom03Markup(element: XmlElement | undefined, context: AtomContext, entryBase: string | undefined): ParsedText | undefined {
  if (!context.atom03 || element === undefined || element.children.length === 0) return undefined;
  if (textType(element.attributes['type']) !== 'xhtml' || (element.attributes['mode']?.trim().toLowerCase() ?? 'xml') !== 'xml') return undefined;
  return readAtom03Text(element, context.source, entryBase, true);
}

function mapSource(source: AtomFeed.Entry<string>['source']): ParsedSource | undefined {
  if (source === undefined) return undefined;
  const parsed: ParsedSource = {};
  if (source.id !== undefined) parsed.id = source.id;
  // A base64 (non-text media type) title is decoded like any other text construct.
  const title = mapAtomText(source.title);
  if (title !== undefined) parsed.title = title.value;
  const links = (source.links ?? []).flatMap(mapAtomLinks);
  const link = findAlternateLink(links);
  if (link !== undefined) parsed.link = link;
  const url = links.find((candidate) => candidate.rel === 'self')?.href;
  if (url !== undefined) parsed.url = url;
  return Object.keys(parsed).length > 0 ? parsed : undefined;
}

/**
 * Returns an Atom 0.3 text construct read from the tree: `mode="escaped"` holds escaped markup, `mode="base64"`
 * base64 text, `mode="xml"` (the default) inline markup — kept as markup even when `type` is text/plain.
 * `keepDiv`: Atom 0.3 has no wrapper-div convention (RFC 4287 §4.1.3.1 is Atom 1.0), so a <div> is content.
 */
export function readAtom03Text(element: XmlElement | undefined, source: string, outerBase: string | undefined, keepDiv = false): ParsedText | undefined {
  if (element === undefined) return undefined;
  const type = textType(element.attributes['type']);
  const mode = element.attributes['mode']?.trim().toLowerCase();
  let parsed: ParsedText;
  if (mode === 'base64') {
    const decoded = decodeBase64Text(element.text);
    if (decoded === undefined) return undefined;
    parsed = type === 'text' || type === undefined ? { value: decoded.trim(), type: 'text', verbatim: true } : { value: decoded.trim(), type };
  } else {
    if (type === undefined) return undefined;
    let value: string;
    if (mode === 'escaped' || element.children.length === 0) value = element.text.trim();
    else {
      const inner = source.slice(element.contentStart, element.contentEnd);
      // An Atom 1.0 xhtml construct is wrapped in a <div> that is not part of the content (as feedsmith does).
      const div = !keepDiv && element.children.length === 1 && element.children[0]?.local === 'div' ? element.children[0] : undefined;
      value = (div === undefined ? inner : source.slice(div.contentStart, div.contentEnd)).trim();
    }
    parsed = { value, type };
  }
  const base = element.attributes['xml:base'];
  if (base !== undefined) {
    const resolved = resolveBase(base, outerBase);
    if (resolved !== undefined) parsed.base = resolved;
  }
  const language = declaredLanguage(element);
  if (language) parsed.language = language;
  return parsed;
}
