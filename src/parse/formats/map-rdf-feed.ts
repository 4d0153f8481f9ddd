import type { RdfFeed } from 'feedsmith';
import type { ParsedEntry, ParsedFeed, ParsedLink, ParsedPerson } from '../../model.js';
import { findAlternateLink, mapAtomLinks, mapAtomPerson } from './map-atom-feed.js';
import { parsePersonText } from './person-text.js';
import { NS, childTexts, declaredLanguage, findChild, type FeedTree, type XmlElement } from '../xml/read-xml-tree.js';
import { resolveBase } from './resolve-base.js';
import { uniquePersons, uniqueStrings } from './unique.js';

/** Returns the ParsedFeed for a feedsmith RSS 1.0 / 0.90 (RDF) feed. */
export function mapRdfFeed(feed: RdfFeed.Feed<string>, version: string | undefined, tree: FeedTree = { source: '', channel: undefined, entries: [] }): ParsedFeed {
  const base = feed.xml?.base;
  const language = feed.dc?.languages?.[0] ?? feed.xml?.lang;
  const atomLinks = (feed.atom?.links ?? []).flatMap(mapAtomLinks);
  const feedAuthors = uniquePersons([...(feed.dc?.creators ?? []), ...childTexts(tree.channel, NS.dc, 'author')].map(parsePersonText));
  // feedsmith drops an item none of whose children it knows: keep it, empty (see map-rss-feed.ts).
  const items = feed.items !== undefined && feed.items.length > 0 ? feed.items : tree.entries.map((): RdfFeed.Item<string> => ({}));
  const elements = items.length === tree.entries.length ? tree.entries : [];
  const parsed: ParsedFeed = {
    format: 'rdf',
    entries: items.map((item, index) => mapItem(item, { base, language, authors: feedAuthors }, elements[index])),
  };
  if (version !== undefined) parsed.version = version;
  const title = feed.title ?? feed.dc?.titles?.[0];
  if (title !== undefined) {
    parsed.title = title;
    parsed.titleText = { value: title, type: 'html' };
  }
  if (feedAuthors.length > 0) parsed.authors = feedAuthors;
  const link = feed.link ?? findAlternateLink(atomLinks);
  if (link !== undefined) parsed.link = link;
  // channel/@rdf:about is "most commonly" the home page or the feed (RSS 1.0 §5.3.1), too vague for selfUrl.
  const selfUrl = atomLinks.find((candidate) => candidate.rel === 'self')?.href;
  if (selfUrl !== undefined) parsed.selfUrl = selfUrl;
  if (language !== undefined) parsed.language = language;
  const updated = feed.dc?.dates?.[0] ?? feed.dcterms?.modified?.[0] ?? feed.atom?.updated;
  if (updated !== undefined) parsed.updated = updated;
  if (base !== undefined) parsed.base = base;
  const subtitle = feed.description ?? feed.dc?.descriptions?.[0];
  if (subtitle !== undefined) parsed.subtitle = { value: subtitle, type: 'html' };
  const rights = feed.dc?.rights?.[0];
  if (rights !== undefined) parsed.rights = { value: rights, type: 'html' };
  if (feed.image?.url !== undefined) parsed.image = feed.image.url;
  const links = [...(feed.link === undefined ? [] : [{ href: feed.link, rel: 'alternate' }]), ...atomLinks];
  if (links.length > 0) parsed.links = links;
  const contributors = uniquePersons((feed.dc?.contributors ?? []).map(parsePersonText));
  if (contributors.length > 0) parsed.contributors = contributors;
  return parsed;
}

interface RdfContext {
  base: string | undefined;
  language: string | undefined;
  authors: ParsedPerson[];
}

function mapItem(item: RdfFeed.Item<string>, context: RdfContext, element: XmlElement | undefined): ParsedEntry {
  const links: ParsedLink[] = [];
  if (item.link !== undefined) links.push({ href: item.link, rel: 'alternate' });
  for (const link of (item.atom?.links ?? []).flatMap(mapAtomLinks)) links.push(link);
  const ownAuthors = uniquePersons([...[...(item.dc?.creators ?? []), ...childTexts(element, NS.dc, 'author')].map(parsePersonText), ...(item.atom?.authors ?? []).map(mapAtomPerson)]);
  const parsed: ParsedEntry = {
    links,
    authors: ownAuthors.length > 0 ? ownAuthors : context.authors.map((person) => ({ ...person })),
    categories: uniqueStrings(item.dc?.subjects ?? []),
  };
  // RSS 1.0 §5.5: item/@rdf:about is the item's URI (usually equal to its link) and its identity.
  if (item.rdf?.about !== undefined) parsed.id = item.rdf.about;
  const title = item.title ?? item.dc?.titles?.[0];
  if (title !== undefined) parsed.title = { value: title, type: 'html' };
  const published = item.dc?.dates?.[0] ?? item.dcterms?.issued?.[0] ?? item.dcterms?.created?.[0] ?? item.atom?.published;
  if (published !== undefined) parsed.published = published;
  const updated = item.dcterms?.modified?.[0] ?? item.atom?.updated;
  if (updated !== undefined) parsed.updated = updated;
  const summary = item.description ?? item.dc?.descriptions?.[0];
  if (summary !== undefined) parsed.summary = { value: summary, type: 'html' };
  if (item.content?.encoded !== undefined) {
    parsed.content = { value: item.content.encoded, type: 'html' };
    const contentLanguage = declaredLanguage(findChild(element, NS.content, 'encoded'));
    if (contentLanguage !== undefined) parsed.content.language = contentLanguage;
  }
  const contributors = uniquePersons((item.dc?.contributors ?? []).map(parsePersonText));
  if (contributors.length > 0) parsed.contributors = contributors;
  const itemLanguage = declaredLanguage(element);
  const language = item.xml?.lang ?? item.dc?.languages?.[0] ?? (itemLanguage === '' ? undefined : context.language);
  if (language !== undefined) parsed.language = language;
  const base = resolveBase(item.xml?.base, context.base);
  if (base !== undefined) parsed.base = base;
  return parsed;
}
