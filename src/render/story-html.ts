// Pieces shared by the Atom, JSON Feed and HTML page renderers, so every output names the same outlets, links and dates
// (tests/unit/render/render-json-feed.test.ts compares them). A story may hold hundreds of articles from dozens of
// outlets (issue #12): the outputs show it outlet by outlet (selectOutlets), as README "The merged feed" says.
import { escapeHtml } from '../lib/escape-html.js';
import { stripInvalidXmlChars } from '../lib/strip-invalid-xml-chars.js';
import type { StoryView, ViewItem } from '../model.js';

/**
 * How many outlets a story's content lists before "+N more outlets" (the Atom related links still name every outlet).
 */
export const SHOWN_OUTLETS = 12;

/**
 * Up to this many outlets, each row of a story's content carries its article's summary; a bigger story gets one line
 * per outlet.
 */
const SUMMARIZED_OUTLETS = 5;

/** One outlet's part in a story. */
export interface Outlet {
  sourceId: string;
  sourceName: string;
  /**
   * The article that stands for the outlet: the representative when it is this outlet's, else its earliest (with a
   * link, if any has one).
   */
  best: ViewItem;
  /** How many of the story's articles are this outlet's (≥ 1). */
  articleCount: number;
}

/**
 * Returns the story's outlets, one each, in display order: the representative's outlet first, then by when each outlet
 * first reported (its best article's date; undated last), then by name and source id.
 */
export function selectOutlets(view: StoryView): readonly Outlet[] {
  // Every renderer and helper asks for a story's outlets (Atom, JSON Feed, the page, updated, summary, authors,
  // categories: 7+ calls a story a run), and the sorts below parse dates and URLs; a view is read-only for the
  // renderers, so its outlets are worked out once (issue #16: a third of a warm run was these sorts).
  const known = outletsOf.get(view);
  if (known) return known;
  const outlets = Object.freeze(orderOutlets(view));
  outletsOf.set(view, outlets);
  return outlets;
}

const outletsOf = new WeakMap<StoryView, readonly Outlet[]>();

function orderOutlets(view: StoryView): Outlet[] {
  const bySource = new Map<string, ViewItem[]>();
  for (const item of view.items) {
    const articles = bySource.get(item.sourceId);
    if (articles) articles.push(item);
    else bySource.set(item.sourceId, [item]);
  }
  const outlets: Outlet[] = [];
  for (const [sourceId, articles] of bySource) {
    // The earliest article is the outlet's first report: follow-ups do not change it, so neither the outlet's link
    // nor the entry's updated date moves with them. One with a link wins over one without (the outlet's related
    // link needs it); ties fall to the item id rather than member order, so grouping the same articles again
    // cannot swap them.
    const best = articles.find((item) => item.id === view.representative.id) ?? earliestLinked(articles);
    if (best) outlets.push({ sourceId, sourceName: best.sourceName, best, articleCount: articles.length });
  }
  const repSource = view.representative.sourceId;
  const dateOf = new Map(outlets.map((outlet) => [outlet, dateKey(outlet.best)]));
  return outlets.sort(
    (a, b) =>
      Number(b.sourceId === repSource) - Number(a.sourceId === repSource) ||
      compareText(dateOf.get(a)!, dateOf.get(b)!) ||
      compareText(a.best.id, b.best.id) ||
      compareText(a.sourceName, b.sourceName) ||
      compareText(a.sourceId, b.sourceId),
  );
}

/** The outlet's earliest article, one with a link before one without, then by date (undated last) and id. */
function earliestLinked(articles: readonly ViewItem[]): ViewItem | undefined {
  const keyed = articles.map((item) => ({ item, linked: findHttpUrl(item.url) !== null, date: dateKey(item) }));
  keyed.sort(
    (a, b) => Number(b.linked) - Number(a.linked) || compareText(a.date, b.date) || compareText(a.item.id, b.item.id),
  );
  return keyed[0]?.item;
}

/** An item's date as a sort key: normalised ISO, undated last. */
function dateKey(item: ViewItem): string {
  return parseIso(item.date) ?? '\uffff';
}

/**
 * Returns the story's updated date as ISO: when it last changed in a way a reader sees (RFC 4287 §4.2.15 leaves
 * "significant" to the publisher), i.e. the newest date, or own update, of an outlet's best article. A follow-up
 * from an outlet already listed leaves it as it is; a new outlet, a new representative or an edited best article
 * moves it. Falls back to the story's own updated, then published date; undefined when none parses.
 */
export function findStoryUpdated(view: StoryView): string | undefined {
  let latest: string | undefined;
  for (const { best } of selectOutlets(view)) {
    for (const date of [parseIso(best.date), parseIso(best.updated)])
      if (date && (!latest || date > latest)) latest = date;
  }
  return latest ?? parseIso(view.story.updated) ?? parseIso(view.story.published);
}

/**
 * Returns the story's HTML content (as in the Atom content and JSON Feed content_html): the first SHOWN_OUTLETS
 * outlets, each with its best article's linked headline, date, article count and (up to SUMMARIZED_OUTLETS outlets)
 * short summary, then "+N more outlets" and the totals. `pageUrl`, when given, is where the page lists every
 * outlet (`#story-…` is appended).
 */
export function renderStoryContentHtml(view: StoryView, pageUrl?: string): string {
  // Built from the items' plain-text fields only; contentHtml is never copied into the merged outputs.
  const outlets = selectOutlets(view);
  // A dozen summaries of one event mostly repeat each other: a bigger story leads with the representative's summary
  // and gives each outlet one line.
  const compact = outlets.length > SUMMARIZED_OUTLETS;
  const lead =
    compact && view.representative.summary.trim() ? `<p>${escapeHtml(view.representative.summary)}</p>\n` : '';
  const rows = outlets.slice(0, SHOWN_OUTLETS).map((outlet) => {
    const { best } = outlet;
    const href = findHttpUrl(best.url);
    const title = escapeHtml(orUntitled(best.title));
    const headline = href ? `<a href="${escapeHtml(href)}">${title}</a>` : title;
    const notes = [
      ...(best.date ? [`<time datetime="${escapeHtml(best.date)}">${escapeHtml(displayDate(best.date))}</time>`] : []),
      ...(outlet.articleCount > 1 ? [`${outlet.articleCount} articles`] : []),
    ];
    const small = notes.length > 0 ? ` <small>(${notes.join(' · ')})</small>` : '';
    const summary = best.summary.trim() ? `<p>${escapeHtml(best.summary)}</p>` : '';
    const line = `<strong>${escapeHtml(outlet.sourceName)}</strong>: ${headline}${small}`;
    // A lone line needs no paragraph (newsboat puts a <p> inside an <li> on a line of its own, below the bullet).
    return compact ? `<li>${line}</li>` : `<li><p>${line}</p>${summary}</li>`;
  });
  const hidden = outlets.length - rows.length;
  const totals = `${countOf(view.items.length, 'article')} from ${countOf(outlets.length, 'outlet')} in all`;
  let footer = '';
  if (hidden > 0) {
    const page = pageUrl ? findHttpUrl(pageUrl) : null;
    const more = page
      ? `<a href="${escapeHtml(`${page}#${storyAnchorId(view.story.id)}`)}">+${hidden} more outlets</a>`
      : `+${hidden} more outlets`;
    footer = `\n<p><strong>${more}</strong> · ${totals}.</p>`;
  } else if (view.items.length > outlets.length) {
    footer = `\n<p>${totals}.</p>`;
  }
  // Control characters are as invalid in HTML as in XML; stripping after escaping equals stripping each field first.
  return stripInvalidXmlChars(`${lead}<ul>\n${rows.join('\n')}\n</ul>${footer}`);
}

/** Returns "1 outlet", "3 outlets" and the like. */
export function countOf(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

/** Returns the fragment id of a story on the page: the last segment of its entry id, limited to safe characters. */
export function storyAnchorId(storyId: string): string {
  return `story-${storyId.replace(/^.*:/, '').replace(/[^A-Za-z0-9_-]/g, '-')}`;
}

/**
 * Returns the story summary: the outlets (the first SHOWN_OUTLETS of them) when several reported it, else the
 * representative's summary.
 */
export function findStorySummary(view: StoryView): string {
  const outlets = selectOutlets(view);
  if (outlets.length <= 1) return view.representative.summary;
  const articles = view.items.length > outlets.length ? ` in ${view.items.length} articles` : '';
  const names = outlets.slice(0, SHOWN_OUTLETS).map((outlet) => outlet.sourceName);
  const more = outlets.length > SHOWN_OUTLETS ? ` and ${outlets.length - SHOWN_OUTLETS} more` : '';
  return `Reported by ${outlets.length} outlets${articles}: ${names.join(', ')}${more}.`;
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

/**
 * Returns the story's people: the authors of the shown outlets' best articles, else (so every story names someone)
 * those outlets.
 */
export function findStoryAuthors(view: StoryView): string[] {
  const shown = selectOutlets(view).slice(0, SHOWN_OUTLETS);
  const authors = distinct(shown.flatMap((outlet) => outlet.best.authors));
  return authors.length > 0 ? authors : distinct(shown.map((outlet) => outlet.sourceName));
}

/** Returns the story's categories: those of the shown outlets' best articles, de-duplicated in order. */
export function findStoryCategories(view: StoryView): string[] {
  return distinct(
    selectOutlets(view)
      .slice(0, SHOWN_OUTLETS)
      .flatMap((outlet) => outlet.best.categories),
  );
}

/** Code-unit order, the same on every machine and locale (localeCompare is not). */
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
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
function distinct(values: string[]): string[] {
  const seen = new Set<string>();
  for (const value of values) {
    const normalized = oneLine(stripInvalidXmlChars(value));
    if (normalized) seen.add(normalized);
  }
  return [...seen];
}

/** Returns the text on one line. */
export function oneLine(value: string): string {
  return value.replace(/\s+/g, ' ').trim();
}
