import { generateAtomFeed, type AtomFeed } from 'feedsmith';
import type { FeedMeta, Item, StoryView } from '../model.js';
import { escapeHtml } from '../lib/escape-html.js';
import { stripInvalidXmlChars } from '../lib/strip-invalid-xml-chars.js';

type AtomEntry = AtomFeed.Entry<Date, true>;
type AtomLink = AtomFeed.Link<Date, true>;
type AtomPerson = AtomFeed.Person<true>;
type AtomCategory = AtomFeed.Category<true>;

// feedsmith 3.0.1 (common/utils generateXml) turns every `&apos;` of its output into `'`, including a literal
// `&apos;` inside a CDATA section, which silently changes text such as a double-escaped title "It&apos;s".
// U+FFFE can never survive stripInvalidXmlChars, so it is a safe guard to split that sequence and remove afterwards.
const apostropheGuard = '\uFFFE';

// feedsmith wraps any text containing < > & in CDATA and, because its builder pretty-prints, puts the section on
// its own indented line: `<id>\n    <![CDATA[a&b]]>\n  </id>`. That whitespace is part of the element's value
// (RFC 4287 §4.2.6 compares ids character by character), so such text nodes are rewritten as escaped text.
// A CDATA section cannot contain `]]>` (feedsmith splits it across sections), hence the tempered token.
const cdataTextNode = />\n[ \t]*((?:<!\[CDATA\[(?:(?!\]\]>)[\s\S])*\]\]>)+)\n[ \t]*<\//g;
const cdataSection = /<!\[CDATA\[((?:(?!\]\]>)[\s\S])*)\]\]>/g;

/** Returns the merged Atom 1.0 feed (UTF-8 XML text with prolog): one entry per story, in the given order. */
export function renderAtom(stories: StoryView[], meta: FeedMeta, now: Date): string {
  // The feed's updated is derived from the stories, so re-rendering unchanged stories is byte-identical;
  // `now` only stands in when there is nothing to derive it from.
  const feedUpdated = latestDate(stories.map((view) => findStoryUpdated(view))) ?? now;

  const links: AtomLink[] = [{ href: meta.selfUrl, rel: 'self', type: 'application/atom+xml' }];
  if (meta.siteUrl) links.push({ href: meta.siteUrl, rel: 'alternate', type: 'text/html' });

  const feed: AtomFeed.Feed<Date, true> = {
    id: meta.id,
    title: { value: meta.title, type: 'text' },
    ...(meta.subtitle ? { subtitle: { value: meta.subtitle, type: 'text' } } : {}),
    updated: feedUpdated,
    links,
    generator: { text: meta.generator.name, version: meta.generator.version, uri: meta.generator.uri },
    authors: [{ name: meta.author }],
    entries: stories.map((view) => renderEntry(view, feedUpdated)),
  };

  const xml = generateAtomFeed(cleanStrings(feed), { strict: true });
  return inlineCdata(xml.replaceAll(apostropheGuard, ''));
}

/** Returns the Atom entry of one story. */
function renderEntry(view: StoryView, feedUpdated: Date): AtomEntry {
  const { story, items, representative } = view;
  const outlets = distinctOutlets(items);

  const links: AtomLink[] = [];
  const alternate = findHttpUrl(representative.url);
  if (alternate) links.push({ href: alternate, rel: 'alternate', type: 'text/html' });
  for (const item of items) {
    const href = findHttpUrl(item.url);
    if (href) links.push({ href, rel: 'related', type: 'text/html', title: oneLine(`${item.sourceName}: ${item.title}`) });
  }

  const summary = outlets.length > 1
    ? `Reported by ${outlets.length} outlets: ${outlets.join(', ')}.`
    : representative.summary;
  const published = parseDate(story.published);

  return {
    id: story.id,
    title: { value: orUntitled(representative.title), type: 'text' },
    links,
    ...(published ? { published } : {}),
    updated: findStoryUpdated(view) ?? feedUpdated,
    authors: findAuthors(items, outlets),
    categories: distinct(items.flatMap((item) => item.categories)).map((term): AtomCategory => ({ term })),
    summary: { value: summary, type: 'text' },
    content: { value: renderItemsHtml(items), type: 'html' },
  };
}

/** Returns an HTML list of every member article: outlet, linked headline, date and short summary. */
function renderItemsHtml(items: Item[]): string {
  // Built from the items' plain-text fields only; contentHtml is never copied into the merged feed.
  const rows = items.map((item) => {
    const href = findHttpUrl(item.url);
    const title = escapeHtml(orUntitled(item.title));
    const headline = href ? `<a href="${escapeHtml(href)}">${title}</a>` : title;
    const date = item.date
      ? ` <small>(<time datetime="${escapeHtml(item.date)}">${escapeHtml(displayDate(item.date))}</time>)</small>`
      : '';
    const summary = item.summary.trim() ? `<p>${escapeHtml(item.summary)}</p>` : '';
    return `<li><p><strong>${escapeHtml(item.sourceName)}</strong>: ${headline}${date}</p>${summary}</li>`;
  });
  return `<ul>\n${rows.join('\n')}\n</ul>`;
}

/** Returns the entry authors: the members' authors, else (so every entry names someone) the outlets. */
function findAuthors(items: Item[], outlets: string[]): AtomPerson[] {
  const authors = distinct(items.flatMap((item) => item.authors));
  return (authors.length > 0 ? authors : outlets).map((name) => ({ name }));
}

/** Returns the names of the distinct outlets (by source id) in member order. */
function distinctOutlets(items: Item[]): string[] {
  const seen = new Map<string, string>();
  for (const item of items) if (!seen.has(item.sourceId)) seen.set(item.sourceId, item.sourceName);
  return [...seen.values()];
}

/** Returns the non-empty values, whitespace-collapsed and de-duplicated, in first-seen order. */
function distinct(values: string[]): string[] {
  const seen = new Set<string>();
  for (const value of values) {
    const normalized = oneLine(stripInvalidXmlChars(value));
    if (normalized) seen.add(normalized);
  }
  return [...seen];
}

/** Returns the story's updated date, falling back to its published date. */
function findStoryUpdated(view: StoryView): Date | undefined {
  return parseDate(view.story.updated) ?? parseDate(view.story.published);
}

/** Returns the latest of the dates, or undefined when there are none. */
function latestDate(dates: Array<Date | undefined>): Date | undefined {
  let latest: Date | undefined;
  for (const date of dates) if (date && (!latest || date.getTime() > latest.getTime())) latest = date;
  return latest;
}

/** Returns the parsed date, or undefined when missing or unparseable. */
function parseDate(iso: string | null | undefined): Date | undefined {
  if (!iso) return undefined;
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/** Returns `YYYY-MM-DD HH:MM UTC` for an ISO date, or the input when it does not parse. */
function displayDate(iso: string): string {
  const date = parseDate(iso);
  return date ? `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC` : iso;
}

/** Returns the URL when it is absolute http(s), else null (no javascript:/data: hrefs in the merged feed). */
function findHttpUrl(url: string | null): string | null {
  return url && /^https?:\/\//i.test(url.trim()) ? url.trim() : null;
}

/** Returns the title, or "(untitled)" when nothing printable is left (feedsmith drops empty elements). */
function orUntitled(title: string): string {
  return stripInvalidXmlChars(title).trim() ? title : '(untitled)';
}

/** Returns the text on one line: XML §3.3.3 would turn tabs and newlines in attribute values into spaces anyway. */
function oneLine(value: string): string {
  return value.replace(/\s+/g, ' ').trim();
}

/** Returns a deep copy with every string stripped of XML-invalid characters and `&apos;` guarded. */
function cleanStrings<T>(value: T): T {
  return cleanValue(value) as T;
}

/** Returns the value with every nested string cleaned; Dates and other objects than plain ones and arrays are kept. */
function cleanValue(value: unknown): unknown {
  if (typeof value === 'string') return stripInvalidXmlChars(value).replaceAll('&apos;', `&${apostropheGuard}apos;`);
  if (Array.isArray(value)) return value.map(cleanValue);
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([key, nested]) => [key, cleanValue(nested)]));
  }
  return value;
}

/** Returns the XML with every pretty-printed CDATA text node rewritten as escaped text without the added whitespace. */
function inlineCdata(xml: string): string {
  return xml.replace(cdataTextNode, (_match, sections: string) => {
    const text = sections.replace(cdataSection, '$1');
    return `>${text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')}</`;
  });
}
