import type { RssFeed } from 'feedsmith';
import type { ParsedCategory, ParsedEntry, ParsedFeed, ParsedLink, ParsedPerson } from '../model.js';
import { findAlternateLink, mapAtomLinks, mapAtomPerson } from './map-atom-feed.js';
import { resolveBase } from './resolve-base.js';
import { uniquePersons, uniqueStrings } from './unique.js';

// What feedsmith does with RSS text (checked on 3.0.1, see tests/unit/parse/feedsmith-behaviour.test.ts):
// - every text value is entity-decoded once with the HTML entity table (`&amp;` → `&`, and `&nbsp;`/`&eacute;`,
//   which XML does not define, decode too); unknown entities (`&bogus;`) stay as written; values are trimmed;
// - a bare `&` is tolerated and kept; CDATA is unwrapped verbatim (not decoded);
// - comments are stripped from text *including inside CDATA* (`<![CDATA[a <!-- x --> b]]>` → `a  b`);
// - child markup inside title/description (`Foo <b>bar</b>`) is kept as raw markup;
// - namespaces are matched by URI, so `<foo:creator xmlns:foo="…dc/elements/1.1/">` is dc:creator; undeclared
//   `dc:`/`content:` prefixes are read by their literal prefix; unknown namespaces are dropped;
// - only the first `<link>` of an item is kept; xml:lang/xml:base are read on `<rss>` and `<item>`, not on `<channel>`.

/** Returns the ParsedFeed for a feedsmith RSS 0.9x/2.0 feed. */
export function mapRssFeed(feed: RssFeed.Feed<string>, version: string | undefined): ParsedFeed {
  const base = feed.xml?.base;
  const language = feed.language ?? feed.dc?.languages?.[0] ?? feed.xml?.lang;
  const atomLinks = (feed.atom?.links ?? []).flatMap(mapAtomLinks);
  // Feed-level people stand in for items that name nobody (the usual single-author blog or podcast).
  const feedAuthors = uniquePersons([
    ...(feed.dc?.creators ?? []).map(named),
    feed.itunes?.author === undefined ? undefined : named(feed.itunes.author),
    feed.managingEditor === undefined ? undefined : mapRssPerson(feed.managingEditor),
    ...(feed.atom?.authors ?? []).map(mapAtomPerson),
  ]);
  const parsed: ParsedFeed = {
    format: 'rss',
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
  const selfUrl = atomLinks.find((candidate) => candidate.rel === 'self')?.href;
  if (selfUrl !== undefined) parsed.selfUrl = selfUrl;
  if (language !== undefined) parsed.language = language;
  const updated = feed.lastBuildDate ?? feed.pubDate ?? feed.dc?.dates?.[0] ?? feed.atom?.updated;
  if (updated !== undefined) parsed.updated = updated;
  if (base !== undefined) parsed.base = base;
  return parsed;
}

/** Returns an RSS person (`email (Name)`, parsed by feedsmith into name/email/link) as a ParsedPerson. */
export function mapRssPerson(person: RssFeed.Person): ParsedPerson {
  const parsed: ParsedPerson = {};
  if (person.name !== undefined) parsed.name = person.name;
  if (person.email !== undefined) parsed.email = person.email;
  if (person.link !== undefined) parsed.uri = person.link;
  return parsed;
}

interface RssContext {
  base: string | undefined;
  language: string | undefined;
  authors: ParsedPerson[];
}

function mapItem(item: RssFeed.Item<string>, context: RssContext): ParsedEntry {
  const links: ParsedLink[] = [];
  if (item.link !== undefined) links.push({ href: item.link, rel: 'alternate' });
  links.push(...(item.atom?.links ?? []).flatMap(mapAtomLinks));
  // RSS 2.0 spec, <guid>: isPermaLink defaults to true and then the guid is the item's URL.
  const guid = item.guid?.value;
  if (
    guid !== undefined &&
    item.guid?.isPermaLink !== false &&
    /^https?:\/\//i.test(guid) &&
    !links.some((link) => link.rel === 'alternate')
  ) {
    links.push({ href: guid, rel: 'alternate' });
  }
  // RFC 4685 §4: the Atom equivalent of RSS <comments> is a "replies" link.
  if (item.comments !== undefined) links.push({ href: item.comments, rel: 'replies', type: 'text/html' });
  for (const enclosure of item.enclosures ?? []) {
    if (enclosure.url === undefined) continue;
    const link: ParsedLink = { href: enclosure.url, rel: 'enclosure' };
    if (enclosure.type !== undefined) link.type = enclosure.type;
    if (enclosure.length !== undefined) link.length = enclosure.length;
    links.push(link);
  }
  // RSS 2.0 <source url="…">Title</source>: the channel the item came from, Atom's "via".
  if (item.source?.url !== undefined) {
    const link: ParsedLink = { href: item.source.url, rel: 'via' };
    if (item.source.title !== undefined) link.title = item.source.title;
    links.push(link);
  }

  const ownAuthors = uniquePersons([
    ...(item.authors ?? []).map(mapRssPerson),
    ...(item.dc?.creators ?? []).map(named),
    item.itunes?.author === undefined ? undefined : named(item.itunes.author),
    ...(item.atom?.authors ?? []).map(mapAtomPerson),
  ]);
  const parsed: ParsedEntry = {
    links,
    authors: ownAuthors.length > 0 ? ownAuthors : context.authors.map((person) => ({ ...person })),
    categories: uniqueStrings([...(item.categories ?? []).map((category) => category.name), ...(item.dc?.subjects ?? [])]),
  };
  const tags: ParsedCategory[] = [
    ...(item.categories ?? []).flatMap((category) => (category.name === undefined ? [] : [category.domain === undefined ? { term: category.name } : { term: category.name, scheme: category.domain }])),
    ...(item.dc?.subjects ?? []).map((term) => ({ term })),
  ];
  if (tags.length > 0) parsed.tags = tags;
  if (guid !== undefined) parsed.id = guid;
  if (item.guid?.isPermaLink !== undefined) parsed.guidIsPermaLink = item.guid.isPermaLink;
  // RSS titles are often escaped markup (`AT&amp;amp;T`, `&lt;em&gt;`), so they are HTML, not plain text.
  const title = item.title ?? item.dc?.titles?.[0];
  if (title !== undefined) parsed.title = { value: title, type: 'html' };
  const published = item.pubDate ?? item.dc?.dates?.[0] ?? item.dcterms?.issued?.[0] ?? item.dcterms?.created?.[0] ?? item.atom?.published;
  if (published !== undefined) parsed.published = published;
  const updated = item.atom?.updated ?? item.dcterms?.modified?.[0];
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

function named(name: string): ParsedPerson {
  return { name };
}
