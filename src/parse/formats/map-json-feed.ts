import type { JsonFeed } from 'feedsmith';
import type { ParsedEntry, ParsedFeed, ParsedLink, ParsedPerson } from '../../model.js';
import { uniquePersons, uniqueStrings } from './unique.js';

// feedsmith reads JSON Feed keys case-insensitively, turns numeric ids into strings, and folds the
// JSON Feed 1.0 `author` object into `authors` (1.1). It does not return `version`; detectDocument reads it.

/** Returns the ParsedFeed for a feedsmith JSON Feed 1.0 / 1.1. */
export function mapJsonFeed(feed: JsonFeed.Feed<string>, version: string | undefined): ParsedFeed {
  // JSON Feed 1.1 §items.authors: an item without authors has the feed's.
  const feedAuthors = uniquePersons((feed.authors ?? []).map(mapJsonAuthor));
  const parsed: ParsedFeed = {
    format: 'json',
    entries: (feed.items ?? []).map((item) => mapItem(item, { language: feed.language, authors: feedAuthors })),
  };
  if (version !== undefined) parsed.version = version;
  if (feed.title !== undefined) {
    parsed.title = feed.title;
    parsed.titleText = { value: feed.title, type: 'text' };
  }
  if (feedAuthors.length > 0) parsed.authors = feedAuthors;
  if (feed.home_page_url !== undefined) parsed.link = feed.home_page_url;
  if (feed.feed_url !== undefined) parsed.selfUrl = feed.feed_url;
  if (feed.language !== undefined) parsed.language = feed.language;
  return parsed;
}

interface JsonContext {
  language: string | undefined;
  authors: ParsedPerson[];
}

function mapItem(item: JsonFeed.Item<string>, context: JsonContext): ParsedEntry {
  const links: ParsedLink[] = [];
  if (item.url !== undefined) links.push({ href: item.url, rel: 'alternate' });
  // JSON Feed §items.external_url: the page the item is about (a link blog), Atom's "related".
  if (item.external_url !== undefined) links.push({ href: item.external_url, rel: 'related' });
  for (const attachment of item.attachments ?? []) {
    if (attachment.url === undefined) continue;
    const link: ParsedLink = { href: attachment.url, rel: 'enclosure' };
    if (attachment.mime_type !== undefined) link.type = attachment.mime_type;
    if (attachment.title !== undefined) link.title = attachment.title;
    if (attachment.size_in_bytes !== undefined) link.length = attachment.size_in_bytes;
    links.push(link);
  }
  const ownAuthors = uniquePersons((item.authors ?? []).map(mapJsonAuthor));
  const parsed: ParsedEntry = {
    links,
    authors: ownAuthors.length > 0 ? ownAuthors : context.authors.map((person) => ({ ...person })),
    categories: uniqueStrings(item.tags ?? []),
  };
  if (item.id !== undefined) parsed.id = item.id;
  if (item.title !== undefined) parsed.title = { value: item.title, type: 'text' };
  if (item.date_published !== undefined) parsed.published = item.date_published;
  if (item.date_modified !== undefined) parsed.updated = item.date_modified;
  // JSON Feed §items.summary is plain text; content_html wins over content_text when both are present.
  if (item.summary !== undefined) parsed.summary = { value: item.summary, type: 'text' };
  if (item.content_html !== undefined) parsed.content = { value: item.content_html, type: 'html' };
  else if (item.content_text !== undefined) parsed.content = { value: item.content_text, type: 'text' };
  const language = item.language ?? context.language;
  if (language !== undefined) parsed.language = language;
  return parsed;
}

function mapJsonAuthor(author: JsonFeed.Author): ParsedPerson {
  const parsed: ParsedPerson = {};
  if (author.name !== undefined) parsed.name = author.name;
  // JSON Feed 1.1 §authors: `url` may be a mailto: link, which is an email address, not a page.
  if (author.url !== undefined && /^mailto:/i.test(author.url)) parsed.email = author.url.slice('mailto:'.length).split('?')[0] ?? '';
  else if (author.url !== undefined) parsed.uri = author.url;
  return parsed;
}
