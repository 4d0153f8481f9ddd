import type { RdfFeed } from 'feedsmith';
import type { ParsedEntry, ParsedFeed, ParsedLink, ParsedPerson } from '../model.js';
import { findAlternateLink, mapAtomLinks, mapAtomPerson } from './map-atom-feed.js';
import { resolveBase } from './resolve-base.js';
import { uniquePersons, uniqueStrings } from './unique.js';

/** Returns the ParsedFeed for a feedsmith RSS 1.0 / 0.90 (RDF) feed. */
export function mapRdfFeed(feed: RdfFeed.Feed<string>, version: string | undefined): ParsedFeed {
  const base = feed.xml?.base;
  const language = feed.dc?.languages?.[0] ?? feed.xml?.lang;
  const atomLinks = (feed.atom?.links ?? []).flatMap(mapAtomLinks);
  const feedAuthors = uniquePersons((feed.dc?.creators ?? []).map((name) => ({ name })));
  const parsed: ParsedFeed = {
    format: 'rdf',
    entries: (feed.items ?? []).map((item) => mapItem(item, { base, language, authors: feedAuthors })),
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
  return parsed;
}

interface RdfContext {
  base: string | undefined;
  language: string | undefined;
  authors: ParsedPerson[];
}

function mapItem(item: RdfFeed.Item<string>, context: RdfContext): ParsedEntry {
  const links: ParsedLink[] = [];
  if (item.link !== undefined) links.push({ href: item.link, rel: 'alternate' });
  links.push(...(item.atom?.links ?? []).flatMap(mapAtomLinks));
  const ownAuthors = uniquePersons([...(item.dc?.creators ?? []).map((name) => ({ name })), ...(item.atom?.authors ?? []).map(mapAtomPerson)]);
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
  if (item.content?.encoded !== undefined) parsed.content = { value: item.content.encoded, type: 'html' };
  const language = item.xml?.lang ?? item.dc?.languages?.[0] ?? context.language;
  if (language !== undefined) parsed.language = language;
  const base = resolveBase(item.xml?.base, context.base);
  if (base !== undefined) parsed.base = base;
  return parsed;
}
