import { generateAtomFeed, type AtomFeed } from 'feedsmith';
import type { FeedMeta, StoryView } from '../model.js';
import { stripInvalidXmlChars } from '../lib/strip-invalid-xml-chars.js';
import {
  findHttpUrl,
  findLatestUpdated,
  findStoryAuthors,
  findStoryCategories,
  findStorySummary,
  findStoryUpdated,
  oneLine,
  orUntitled,
  parseIso,
  renderStoryContentHtml,
  selectOutlets,
} from './story-html.js';

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
  const feedUpdated = toDate(findLatestUpdated(stories)) ?? now;

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
    entries: stories.map((view) => renderEntry(view, feedUpdated, meta.siteUrl)),
  };

  const xml = generateAtomFeed(cleanStrings(feed), { strict: true });
  return inlineCdata(xml.replaceAll(apostropheGuard, ''));
}

/** Returns the Atom entry of one story; `pageUrl` is where the HTML page lists every outlet. */
function renderEntry(view: StoryView, feedUpdated: Date, pageUrl: string | undefined): AtomEntry {
  const { story, representative } = view;

  const links: AtomLink[] = [];
  const alternate = findHttpUrl(representative.url);
  if (alternate) links.push({ href: alternate, rel: 'alternate', type: 'text/html' });
  // One related link per outlet, to its best article: a story of 200 articles from 80 outlets gets 80 (issue #12).
  for (const { sourceName, best } of selectOutlets(view)) {
    const href = findHttpUrl(best.url);
    if (href) links.push({ href, rel: 'related', type: 'text/html', title: oneLine(`${sourceName}: ${best.title}`) });
  }

  const published = toDate(parseIso(story.published));

  return {
    id: story.id,
    title: { value: orUntitled(representative.title), type: 'text' },
    links,
    ...(published ? { published } : {}),
    updated: toDate(findStoryUpdated(view)) ?? feedUpdated,
    authors: findStoryAuthors(view).map((name): AtomPerson => ({ name })),
    categories: findStoryCategories(view).map((term): AtomCategory => ({ term })),
    summary: { value: findStorySummary(view), type: 'text' },
    content: { value: renderStoryContentHtml(view, pageUrl), type: 'html' },
  };
}

/** Returns the parsed date, or undefined when missing or unparseable. */
function toDate(iso: string | undefined): Date | undefined {
  return iso === undefined ? undefined : new Date(iso);
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
