import type { AtomFeed } from 'feedsmith';
import type { ParsedCategory, ParsedEntry, ParsedFeed, ParsedLink, ParsedPerson, ParsedText } from '../model.js';
import { decodeBase64Text } from './legacy-constructs.js';
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
export function mapAtomFeed(feed: AtomFeed.Feed<string>, version: string | undefined): ParsedFeed {
  const base = feed.xml?.base;
  const language = feed.xml?.lang ?? feed.dc?.languages?.[0];
  const feedAuthors = (feed.authors ?? []).map(mapAtomPerson);
  const links = (feed.links ?? []).flatMap(mapAtomLinks);
  const parsed: ParsedFeed = {
    format: 'atom',
    entries: (feed.entries ?? []).map((entry) => mapEntry(entry, { base, language, authors: feedAuthors })),
  };
  if (version !== undefined) parsed.version = version;
  if (feed.title?.value !== undefined) parsed.title = feed.title.value;
  const titleText = mapAtomText(feed.title, base);
  if (titleText !== undefined) parsed.titleText = titleText;
  if (feedAuthors.length > 0) parsed.authors = uniquePersons(feedAuthors);
  const link = findAlternateLink(links);
  if (link !== undefined) parsed.link = link;
  const selfUrl = links.find((candidate) => candidate.rel === 'self')?.href;
  if (selfUrl !== undefined) parsed.selfUrl = selfUrl;
  if (language !== undefined) parsed.language = language;
  if (feed.updated !== undefined) parsed.updated = feed.updated;
  if (base !== undefined) parsed.base = base;
  return parsed;
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
    parsed = { value: decoded, type: 'text' };
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
}

function mapEntry(entry: AtomFeed.Entry<string>, context: AtomContext): ParsedEntry {
  // RFC 4287 §4.2.1: an entry without authors takes those of its atom:source, then those of the feed.
  const ownAuthors = [...(entry.authors ?? []), ...(entry.authors === undefined ? (entry.source?.authors ?? []) : [])].map(mapAtomPerson);
  const parsed: ParsedEntry = {
    links: (entry.links ?? []).flatMap(mapAtomLinks),
    authors: uniquePersons(ownAuthors.length > 0 ? ownAuthors : context.authors),
    categories: uniqueStrings([...(entry.categories ?? []).map((category) => category.label ?? category.term), ...(entry.dc?.subjects ?? [])]),
  };
  const tags = [...(entry.categories ?? []).flatMap(mapAtomCategory), ...(entry.dc?.subjects ?? []).map((term) => ({ term }))];
  if (tags.length > 0) parsed.tags = tags;
  if (entry.id !== undefined) parsed.id = entry.id;
  const entryBase = resolveBase(entry.xml?.base, context.base);
  const title = mapAtomText(entry.title, entryBase);
  if (title !== undefined) parsed.title = title;
  if (entry.published !== undefined) parsed.published = entry.published;
  if (entry.updated !== undefined) parsed.updated = entry.updated;
  const summary = mapAtomText(entry.summary, entryBase);
  if (summary !== undefined) parsed.summary = summary;
  // RFC 4287 §4.1.3.2: content with `src` is out of line and has no value; the entry's summary stands in.
  const content = mapAtomText(entry.content, entryBase);
  if (content !== undefined) parsed.content = content;
  // xml:lang and xml:base are inherited by nested elements (XML 1.0 §2.12, XML Base §4.2).
  const language = entry.xml?.lang ?? entry.dc?.languages?.[0] ?? context.language;
  if (language !== undefined) parsed.language = language;
  if (entryBase !== undefined) parsed.base = entryBase;
  return parsed;
}
