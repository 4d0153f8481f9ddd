// Pieces shared by the JSON Feed and HTML page renderers. They mirror render-atom.ts on purpose, so every output
// names the same outlets, links and dates (tests/unit/render/render-json-feed.test.ts compares them).
import { escapeHtml } from '../lib/escape-html.js';
import { stripInvalidXmlChars } from '../lib/strip-invalid-xml-chars.js';
import type { Item, StoryView } from '../model.js';

/** Returns an HTML list of every member article: outlet, linked headline, date and short summary (as in the Atom content). */
export function renderStoryItemsHtml(items: Item[]): string {
  // Built from the items' plain-text fields only; contentHtml is never copied into the merged outputs.
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
  // Control characters are as invalid in HTML as in XML; stripping after escaping equals stripping each field first.
  return stripInvalidXmlChars(`<ul>\n${rows.join('\n')}\n</ul>`);
}

/** Returns the names of the distinct outlets (by source id) in member order. */
export function distinctOutlets(items: Item[]): string[] {
  const seen = new Map<string, string>();
  for (const item of items) if (!seen.has(item.sourceId)) seen.set(item.sourceId, item.sourceName);
  return [...seen.values()];
}

/** Returns the story summary: the outlets when several reported it, else the representative's summary. */
export function findStorySummary(view: StoryView): string {
  const outlets = distinctOutlets(view.items);
  return outlets.length > 1 ? `Reported by ${outlets.length} outlets: ${outlets.join(', ')}.` : view.representative.summary;
}

/** Returns the story's updated date as ISO, falling back to its published date; undefined when neither parses. */
export function findStoryUpdated(view: StoryView): string | undefined {
  return parseIso(view.story.updated) ?? parseIso(view.story.published);
}

/** Returns the latest story updated date as ISO, or undefined for no stories. */
export function findLatestUpdated(views: StoryView[]): string | undefined {
  let latest: string | undefined;
  for (const view of views) {
    const updated = findStoryUpdated(view);
    if (updated && (!latest || updated > latest)) latest = updated;
  }
  return latest;
}

/** Returns the date normalised to ISO 8601 UTC with milliseconds, or undefined when missing or unparseable. */
export function parseIso(iso: string | null | undefined): string | undefined {
  if (!iso) return undefined;
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

/** Returns `YYYY-MM-DD HH:MM UTC` for an ISO date, or the input when it does not parse. */
export function displayDate(iso: string): string {
  const parsed = parseIso(iso);
  return parsed ? `${parsed.slice(0, 16).replace('T', ' ')} UTC` : iso;
}

/** Returns the URL when it is absolute http(s), else null (no javascript:/data: hrefs in the merged outputs). */
export function findHttpUrl(url: string | null): string | null {
  return url && /^https?:\/\//i.test(url.trim()) ? url.trim() : null;
}

/** Returns the title, or "(untitled)" when nothing printable is left. */
export function orUntitled(title: string): string {
  return stripInvalidXmlChars(title).trim() ? title : '(untitled)';
}

/** Returns the non-empty values, whitespace-collapsed and de-duplicated, in first-seen order. */
export function distinct(values: string[]): string[] {
  const seen = new Set<string>();
  for (const value of values) {
    const normalized = oneLine(stripInvalidXmlChars(value));
    if (normalized) seen.add(normalized);
  }
  return [...seen];
}

/** Returns the story's people: the members' authors, else (so every story names someone) the outlets. */
export function findStoryAuthors(items: Item[]): string[] {
  const authors = distinct(items.flatMap((item) => item.authors));
  return authors.length > 0 ? authors : distinctOutlets(items);
}

/** Returns the text on one line. */
export function oneLine(value: string): string {
  return value.replace(/\s+/g, ' ').trim();
}
