import type { RssFeed } from 'feedsmith';
import type { ParsedCategory, ParsedEntry, ParsedFeed, ParsedLink, ParsedPerson } from '../../model.js';
import { findAlternateLink, mapAtomLinks, mapAtomPerson } from './map-atom-feed.js';
import { parsePersonText } from './person-text.js';
import { findItunesImage, findMediaTitle, itunesTags, mediaTags } from './podcast-media.js';
import { NS, childTexts, declaredLanguage, isRssElement, type FeedTree, type XmlElement } from '../xml/read-xml-tree.js';
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

/** Returns the ParsedFeed for a feedsmith RSS 0.9x/2.0 feed; `tree` (read-xml-tree.ts) adds what feedsmith does not read. */
export function mapRssFeed(feed: RssFeed.Feed<string>, version: string | undefined, tree: FeedTree = { source: '', channel: undefined, entries: [] }): ParsedFeed {
  const base = feed.xml?.base;
  const channelLanguage = declaredLanguage(tree.channel);
  const language = feed.language ?? feed.dc?.languages?.[0] ?? feed.xml?.lang ?? (channelLanguage === '' ? undefined : channelLanguage);
  const atomLinks = (feed.atom?.links ?? []).flatMap(mapAtomLinks);
  // Feed-level people stand in for items that name nobody (the usual single-author blog or podcast).
  // `<author>` and dc:author on the channel are not in any spec but common; feedparser reads them too.
  const feedAuthors = uniquePersons([
    ...(feed.dc?.creators ?? []).map(parsePersonText),
    ...rssChildTexts(tree.channel, 'author').map(parsePersonText),
    ...childTexts(tree.channel, NS.dc, 'author').map(parsePersonText),
    feed.itunes?.author === undefined ? undefined : named(feed.itunes.author),
    feed.managingEditor === undefined ? undefined : mapRssPerson(feed.managingEditor),
    ...(feed.atom?.authors ?? []).map(mapAtomPerson),
  ]);
  // feedsmith drops an item none of whose children it knows (only `<expirationDate>`, only georss): keep it, empty.
  const items = feed.items !== undefined && feed.items.length > 0 ? feed.items : tree.entries.map((): RssFeed.Item<string> => ({}));
  // The tree's items line up with feedsmith's only when none was dropped.
  const elements = items.length === tree.entries.length ? tree.entries : [];
  const parsed: ParsedFeed = {
    format: 'rss',
    entries: items.map((item, index) => mapItem(item, { base, language, authors: feedAuthors }, elements[index])),
  };
  if (version !== undefined) parsed.version = version;
  const title = feed.title ?? feed.dc?.titles?.[0];
  if (title !== undefined) {
    parsed.title = title;
    parsed.titleText = { value: title, type: 'html' };
    const titleLanguage = declaredLanguage(rssChild(tree.channel, 'title'));
    if (titleLanguage !== undefined) parsed.titleText.language = titleLanguage;
  }
  if (feedAuthors.length > 0) parsed.authors = feedAuthors;
  const link = feed.link ?? findAlternateLink(atomLinks);
  if (link !== undefined) parsed.link = link;
  const links = [...(feed.link === undefined ? [] : [{ href: feed.link, rel: 'alternate' }]), ...atomLinks];
  if (links.length > 0) parsed.links = links;
  const selfUrl = atomLinks.find((candidate) => candidate.rel === 'self')?.href;
  if (selfUrl !== undefined) parsed.selfUrl = selfUrl;
  if (language !== undefined) parsed.language = language;
  const updated = feed.lastBuildDate ?? feed.pubDate ?? feed.dc?.dates?.[0] ?? feed.dcterms?.modified?.[0] ?? feed.atom?.updated;
  if (updated !== undefined) parsed.updated = updated;
  if (base !== undefined) parsed.base = base;
  // An empty <description/> is still a (blank) description; podcast feeds often give only the iTunes ones.
  const subtitle = feed.description ?? feed.dc?.descriptions?.[0] ?? feed.itunes?.subtitle ?? feed.itunes?.summary ?? (rssChild(tree.channel, 'description') === undefined ? undefined : '');
  if (subtitle !== undefined) parsed.subtitle = { value: subtitle, type: 'html' };
  const rights = feed.copyright ?? feed.dc?.rights?.[0];
  if (rights !== undefined) parsed.rights = { value: rights, type: 'html' };
  if (feed.generator !== undefined) parsed.generator = { name: feed.generator };
  const image = feed.image?.url ?? findItunesImage(tree.channel) ?? feed.itunes?.image;
  if (image !== undefined) parsed.image = image;
  const contributors = uniquePersons((feed.dc?.contributors ?? []).map(parsePersonText));
  if (contributors.length > 0) parsed.contributors = contributors;
  const tags: ParsedCategory[] = [
    ...(feed.categories ?? []).flatMap((category) => (category.name === undefined ? [] : [category.domain === undefined ? { term: category.name } : { term: category.name, scheme: category.domain }])),
    ...(feed.dc?.subjects ?? []).map((term) => ({ term })),
    ...itunesTags(tree.channel),
    ...mediaTags(tree.channel),
  ];
  if (tags.length > 0) parsed.tags = tags;
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

function mapItem(item: RssFeed.Item<string>, context: RssContext, element: XmlElement | undefined): ParsedEntry {
  const links: ParsedLink[] = [];
  if (item.link !== undefined) links.push({ href: item.link, rel: 'alternate' });
  for (const link of (item.atom?.links ?? []).flatMap(mapAtomLinks)) links.push(link);
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
    ...(item.dc?.creators ?? []).map(parsePersonText),
    ...childTexts(element, NS.dc, 'author').map(parsePersonText),
    item.itunes?.author === undefined ? undefined : named(item.itunes.author),
    ...(item.atom?.authors ?? []).map(mapAtomPerson),
  ]);
  const parsed: ParsedEntry = {
    links,
    authors: ownAuthors.length > 0 ? ownAuthors : context.authors.map((person) => ({ ...person })),
    categories: uniqueStrings([...(item.categories ?? []).map((category) => category.name), ...(item.dc?.subjects ?? [])]),
  };
  const extraTags = [...itunesTags(element), ...mediaTags(element)];
  const tags: ParsedCategory[] = [
    ...(item.categories ?? []).flatMap((category) => (category.name === undefined ? [] : [category.domain === undefined ? { term: category.name } : { term: category.name, scheme: category.domain }])),
    ...(item.dc?.subjects ?? []).map((term) => ({ term })),
    ...extraTags,
  ];
  if (tags.length > 0) parsed.tags = tags;
  if (extraTags.length > 0) parsed.categories = uniqueStrings([...parsed.categories, ...extraTags.map((tag) => tag.label ?? tag.term)]);
  const image = findItunesImage(element);
  if (image !== undefined) parsed.image = image;
  if (guid !== undefined) parsed.id = guid;
  if (item.guid?.isPermaLink !== undefined) parsed.guidIsPermaLink = item.guid.isPermaLink;
  // RSS titles are often escaped markup (`AT&amp;amp;T`, `&lt;em&gt;`), so they are HTML, not plain text.
  const title = item.title ?? item.dc?.titles?.[0];
  // media:title names the item's media; video and podcast feeds often give no other title.
  const mediaTitle = findMediaTitle(element);
  if (title !== undefined) parsed.title = { value: title, type: 'html' };
  else if (mediaTitle !== undefined) parsed.title = mediaTitle;
  const published = item.pubDate ?? item.dc?.dates?.[0] ?? item.dcterms?.issued?.[0] ?? item.dcterms?.created?.[0] ?? item.atom?.published;
  if (published !== undefined) parsed.published = published;
  const updated = item.atom?.updated ?? item.dcterms?.modified?.[0];
  if (updated !== undefined) parsed.updated = updated;
  const summary = item.description ?? item.dc?.descriptions?.[0] ?? item.itunes?.summary;
  if (summary !== undefined) parsed.summary = { value: summary, type: 'html' };
  if (item.content?.encoded !== undefined) {
    parsed.content = { value: item.content.encoded, type: 'html' };
    // xml:lang on the body element itself (content:encoded, or the <body>/<fullitem> lifted into it).
    const body = element?.children.find((child) => (child.local === 'encoded' && child.uri === NS.content) || child.local === 'body' || child.local === 'fullitem');
    const contentLanguage = declaredLanguage(body);
    if (contentLanguage !== undefined) parsed.content.language = contentLanguage;
  }
  const contributors = uniquePersons((item.dc?.contributors ?? []).map(parsePersonText));
  if (contributors.length > 0) parsed.contributors = contributors;
  if (item.source?.url !== undefined || item.source?.title !== undefined) {
    parsed.source = {};
    if (item.source.title !== undefined) parsed.source.title = item.source.title;
    if (item.source.url !== undefined) parsed.source.url = item.source.url;
  }
  // A blank xml:lang="" on the item (which feedsmith drops) says "no language", cancelling the channel's.
  const itemLanguage = declaredLanguage(element);
  const language = item.xml?.lang ?? item.dc?.languages?.[0] ?? (itemLanguage === '' ? undefined : context.language);
  if (language !== undefined) parsed.language = language;
  const base = resolveBase(item.xml?.base, context.base);
  if (base !== undefined) parsed.base = base;
  return parsed;
}

function named(name: string): ParsedPerson {
  return { name };
}

function rssChild(element: XmlElement | undefined, local: string): XmlElement | undefined {
  return element?.children.find((child) => child.local === local && isRssElement(child));
}

function rssChildTexts(element: XmlElement | undefined, local: string): string[] {
  return (element?.children ?? []).filter((child) => child.local === local && isRssElement(child)).map((child) => child.text.trim()).filter((text) => text !== '');
}
