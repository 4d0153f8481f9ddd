import { escapeHtml } from '../lib/escape-html.js';
import { stripInvalidXmlChars } from '../lib/strip-invalid-xml-chars.js';
import type { FeedMeta, StoryView } from '../model.js';
import {
  countOf,
  displayDate,
  findHttpUrl,
  findLatestUpdated,
  findStoryCategories,
  findStoryUpdated,
  oneLine,
  orUntitled,
  selectOutlets,
  SHOWN_OUTLETS,
  storyAnchorId,
  type Outlet,
} from './story-html.js';

/** Where the page links its feeds; relative by default so the page works wherever output/ is served. */
export interface HtmlPageLinks {
  atomHref: string;
  jsonFeedHref: string;
  statusHref: string;
}

const DEFAULT_LINKS: HtmlPageLinks = { atomHref: 'feed.atom', jsonFeedHref: 'feed.json', statusHref: 'status.json' };
const SUMMARY_CHARS = 220;

// Inline and small: the page is one static file with no JavaScript and no other request.
const STYLE = `
:root { color-scheme: light dark; --fg: #1b1f24; --muted: #5b6570; --line: #d9dee4; --bg: #fbfbfa; --card: #fff; --accent: #b4361a; --pill: #f3e4df; }
@media (prefers-color-scheme: dark) { :root { --fg: #e6e8eb; --muted: #9aa4ae; --line: #2f353c; --bg: #15181b; --card: #1c2024; --accent: #f08a6c; --pill: #3a2721; } }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--fg); font: 17px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif; overflow-wrap: anywhere; }
a { color: inherit; text-decoration-color: var(--line); text-underline-offset: 0.15em; }
a:hover, a:focus { color: var(--accent); text-decoration-color: currentColor; }
.wrap { max-width: 46rem; margin: 0 auto; padding: 0 1rem; }
header.site { border-bottom: 1px solid var(--line); padding: 1.5rem 0 1rem; margin-bottom: 0.5rem; }
header.site h1 { font-size: 1.5rem; line-height: 1.25; margin: 0 0 0.25rem; }
.subtitle { margin: 0 0 0.75rem; color: var(--muted); }
.subscribe { margin: 0; font-size: 0.9rem; color: var(--muted); }
.subscribe a { font-weight: 600; color: var(--accent); }
.subscribe code { display: inline-block; margin-top: 0.25rem; padding: 0.1rem 0.4rem; border: 1px solid var(--line); border-radius: 4px; background: var(--card); font-size: 0.85rem; color: var(--fg); }
.overview { font-size: 0.85rem; color: var(--muted); margin: 1rem 0 0.5rem; }
.story { background: var(--card); border: 1px solid var(--line); border-radius: 10px; padding: 1rem 1.1rem 0.9rem; margin: 0 0 1rem; }
.story h2 { font-size: 1.2rem; line-height: 1.3; margin: 0 0 0.3rem; }
.story h2 a { text-decoration: none; }
.meta { margin: 0 0 0.5rem; font-size: 0.85rem; color: var(--muted); }
.count { display: inline-block; padding: 0 0.5rem; border-radius: 999px; border: 1px solid var(--line); color: var(--muted); }
.count.many { border-color: transparent; background: var(--pill); color: var(--accent); font-weight: 600; }
.summary { margin: 0 0 0.6rem; }
.sources { list-style: none; margin: 0; padding: 0.5rem 0 0; border-top: 1px dashed var(--line); font-size: 0.9rem; }
.sources li { margin: 0.3rem 0; }
.outlet { font-weight: 600; }
.sources time, .sources .articles { color: var(--muted); font-size: 0.8rem; white-space: nowrap; }
.total { color: var(--muted); font-size: 0.85rem; white-space: nowrap; }
.categories { color: var(--muted); font-size: 0.85rem; }
details.more { margin: 0.4rem 0 0; font-size: 0.9rem; }
details.more summary { cursor: pointer; color: var(--accent); font-weight: 600; }
details.more .sources { border-top: none; padding-top: 0.2rem; }
@media (max-width: 30rem) { body { font-size: 16px; } .wrap { padding: 0 0.6rem; } .story { padding: 0.8rem 0.85rem 0.7rem; border-radius: 8px; } header.site h1 { font-size: 1.35rem; } }
footer { border-top: 1px solid var(--line); margin-top: 1.5rem; padding: 1rem 0 2rem; font-size: 0.8rem; color: var(--muted); }
`.trim();

/**
 * Returns the static HTML page (no JavaScript): one section per story in the given order, with its headline, time,
 * a short summary, each outlet's best article linked (SHOWN_OUTLETS, the rest behind a <details>), the outlet and
 * article counts, plus feed autodiscovery links.
 * Byte-identical for identical input; `now` is shown only when there are no stories to date the page by.
 */
export function renderHtmlPage(
  stories: StoryView[],
  meta: FeedMeta,
  now: Date,
  links: Partial<HtmlPageLinks> = {},
): string {
  const { atomHref, jsonFeedHref, statusHref } = { ...DEFAULT_LINKS, ...links };
  const updated = findLatestUpdated(stories) ?? now.toISOString();
  const title = escapeHtml(meta.title);
  const subtitle = meta.subtitle ? `\n<p class="subtitle">${escapeHtml(meta.subtitle)}</p>` : '';
  const count = `${stories.length} ${stories.length === 1 ? 'story' : 'stories'}`;
  const body =
    stories.length > 0
      ? stories.map(renderStory).join('\n')
      : '<p>No stories yet. They appear here after the next run.</p>';

  const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
${meta.subtitle ? `<meta name="description" content="${escapeHtml(meta.subtitle)}">\n` : ''}<meta name="generator" content="${escapeHtml(`${meta.generator.name} ${meta.generator.version}`)}">
<link rel="alternate" type="application/atom+xml" title="${title} (Atom)" href="${escapeHtml(atomHref)}">
<link rel="alternate" type="application/feed+json" title="${title} (JSON Feed)" href="${escapeHtml(jsonFeedHref)}">
<style>
${STYLE}
</style>
</head>
<body>
<div class="wrap">
<header class="site">
<h1>${title}</h1>${subtitle}
<p class="subscribe">Subscribe in your feed reader: <a href="${escapeHtml(atomHref)}" type="application/atom+xml">Atom feed</a> · <a href="${escapeHtml(jsonFeedHref)}" type="application/feed+json">JSON Feed</a><br><code>${escapeHtml(meta.selfUrl)}</code></p>
</header>
<main>
<p class="overview">${count}, newest changed first · last change <time datetime="${escapeHtml(updated)}">${escapeHtml(displayDate(updated))}</time></p>
${body}
</main>
<footer>Merged by <a href="${escapeHtml(meta.generator.uri)}">${escapeHtml(meta.generator.name)}</a> ${escapeHtml(meta.generator.version)} · <a href="${escapeHtml(statusHref)}">source status</a></footer>
</div>
</body>
</html>
`;
  // Control characters are parse errors in HTML too; stripping after escaping equals stripping each field first.
  return stripInvalidXmlChars(html);
}

/** Categories shown on a story's card (the feeds carry all of the listed outlets'). */
const SHOWN_CATEGORIES = 4;

/** Returns the <article> of one story: its first SHOWN_OUTLETS outlets listed, the rest behind a <details>. */
function renderStory(view: StoryView): string {
  const { story, items, representative } = view;
  const href = findHttpUrl(representative.url);
  const headline = escapeHtml(orUntitled(oneLine(representative.title)));
  const heading = href ? `<a href="${escapeHtml(href)}">${headline}</a>` : headline;
  const outlets = selectOutlets(view);
  const updated = findStoryUpdated(view);
  const time = updated ? `<time datetime="${escapeHtml(updated)}">${escapeHtml(displayDate(updated))}</time> · ` : '';
  const total = items.length > outlets.length ? ` <span class="total">${countOf(items.length, 'article')}</span>` : '';
  // The reader's folders (OPML categories) come first in an article's categories; a few are enough to place the story.
  const categoryList = findStoryCategories(view).slice(0, SHOWN_CATEGORIES);
  const categories =
    categoryList.length > 0 ? ` <span class="categories">${categoryList.map(escapeHtml).join(' · ')}</span>` : '';
  const summaryText = shorten(oneLine(representative.summary), SUMMARY_CHARS);
  const summary = summaryText ? `\n<p class="summary">${escapeHtml(summaryText)}</p>` : '';
  // One outlet only: its best article is the representative, whose headline is the story's heading already, so the
  // row links the outlet's name instead.
  const row = (outlet: Outlet) => renderOutletRow(outlet, outlets.length === 1);
  const hidden = outlets.slice(SHOWN_OUTLETS);
  // <details> opens without JavaScript; a big story's page stays short and still links every outlet.
  const more =
    hidden.length > 0
      ? `\n<details class="more"><summary>+${hidden.length} more outlets</summary>\n<ul class="sources">\n${hidden.map(row).join('\n')}\n</ul>\n</details>`
      : '';
  return `<article class="story" id="${escapeHtml(storyAnchorId(story.id))}">
<h2>${heading}</h2>
<p class="meta">${time}<span class="count${outlets.length > 1 ? ' many' : ''}">${countOf(outlets.length, 'outlet')}</span>${total}${categories}</p>${summary}
<ul class="sources">
${outlets.slice(0, SHOWN_OUTLETS).map(row).join('\n')}
</ul>${more}
</article>`;
}

/**
 * Returns the <li> of one outlet: its name, its best article's linked headline (or the name linked), date and article
 * count.
 */
function renderOutletRow({ sourceName, best, articleCount }: Outlet, nameOnly: boolean): string {
  const url = findHttpUrl(best.url);
  const date = best.date
    ? ` <time datetime="${escapeHtml(best.date)}">${escapeHtml(displayDate(best.date))}</time>`
    : '';
  const count = articleCount > 1 ? ` <span class="articles">· ${articleCount} articles</span>` : '';
  const outlet = escapeHtml(sourceName);
  if (nameOnly)
    return `<li><span class="outlet">${url ? `<a href="${escapeHtml(url)}">${outlet}</a>` : outlet}</span>${date}${count}</li>`;
  const text = escapeHtml(orUntitled(oneLine(best.title)));
  const link = url ? `<a href="${escapeHtml(url)}">${text}</a>` : text;
  return `<li><span class="outlet">${outlet}</span>: ${link}${date}${count}</li>`;
}

/** Returns the text cut at a word boundary to at most `max` characters, with "…" when cut. */
function shorten(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max - 1);
  const space = cut.lastIndexOf(' ');
  return `${(space > max / 2 ? cut.slice(0, space) : cut).replace(/[\s,.;:–—-]+$/, '')}…`;
}
