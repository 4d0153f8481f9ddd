import type { FeedMeta, StoryView } from '../model.js';
import {
  findHttpUrl,
  findLatestUpdated,
  findStoryAuthors,
  findStoryCategories,
  findStorySummary,
  findStoryUpdated,
  orUntitled,
  parseIso,
  renderStoryContentHtml,
  selectOutlets,
} from './story-html.js';

const JSON_FEED_VERSION = 'https://jsonfeed.org/version/1.1';

/** One outlet's article of a story, in the `_storyfeed` extension of an item. */
interface JsonFeedArticle {
  source_id: string;
  source_name: string;
  title: string;
  url: string | null;
  date_published: string | null;
  summary: string;
}

/** One outlet of a story with its best article (the one the Atom entry's related link points to), in display order. */
interface JsonFeedOutlet {
  source_id: string;
  source_name: string;
  article_count: number;
  title: string;
  url: string | null;
  date_published: string | null;
}

/** A JSON Feed 1.1 item (one story), with the `_storyfeed` extension (JSON Feed 1.1 §"Extensions"). */
interface JsonFeedItem {
  id: string;
  url?: string;
  title: string;
  summary: string;
  content_html: string;
  date_published?: string;
  date_modified?: string;
  authors: { name: string }[];
  tags?: string[];
  _storyfeed: { outlet_count: number; article_count: number; outlets: JsonFeedOutlet[]; articles: JsonFeedArticle[] };
}

/** The JSON Feed 1.1 document storyfeed writes. */
export interface JsonFeedDocument {
  version: string;
  title: string;
  home_page_url?: string;
  feed_url: string;
  description?: string;
  authors: { name: string }[];
  _storyfeed: {
    about: string;
    feed_id: string;
    updated: string;
    generator: { name: string; version: string; uri: string };
  };
  items: JsonFeedItem[];
}

/**
 * Returns the merged feed as JSON Feed 1.1 text (one item per story, in the given order), byte-identical for identical
 * input. `meta.selfUrl` is the JSON Feed's own URL; item ids equal the Atom entry ids.
 */
export function renderJsonFeed(stories: StoryView[], meta: FeedMeta, now: Date): string {
  // Derived from the stories, as in the Atom feed, so re-rendering unchanged stories gives the same bytes;
  // `now` only stands in when there is nothing to derive it from.
  const updated = findLatestUpdated(stories) ?? now.toISOString();
  // Key order is fixed by construction, and JSON.stringify keeps insertion order: the output is deterministic.
  const feed: JsonFeedDocument = {
    version: JSON_FEED_VERSION,
    title: meta.title,
    ...(meta.siteUrl ? { home_page_url: meta.siteUrl } : {}),
    feed_url: meta.selfUrl,
    ...(meta.subtitle ? { description: meta.subtitle } : {}),
    authors: [{ name: meta.author }],
    // JSON Feed 1.1: an extension object should carry an `about` URL explaining it.
    _storyfeed: { about: meta.generator.uri, feed_id: meta.id, updated, generator: { ...meta.generator } },
    items: stories.map((view) => renderItem(view, meta.siteUrl)),
  };
  return `${JSON.stringify(feed, null, 2)}\n`;
}

/** Returns the JSON Feed item of one story; `pageUrl` is where the HTML page lists every outlet. */
function renderItem(view: StoryView, pageUrl: string | undefined): JsonFeedItem {
  const { story, items, representative } = view;
  const url = findHttpUrl(representative.url);
  const published = parseIso(story.published);
  const modified = findStoryUpdated(view);
  const tags = findStoryCategories(view);
  const outlets = selectOutlets(view);
  return {
    id: story.id,
    ...(url ? { url } : {}),
    title: orUntitled(representative.title),
    summary: findStorySummary(view),
    content_html: renderStoryContentHtml(view, pageUrl),
    ...(published ? { date_published: published } : {}),
    ...(modified ? { date_modified: modified } : {}),
    authors: findStoryAuthors(view).map((name) => ({ name })),
    ...(tags.length > 0 ? { tags } : {}),
    _storyfeed: {
      outlet_count: outlets.length,
      article_count: items.length,
      outlets: outlets.map(({ sourceId, sourceName, articleCount, best }) => ({
        source_id: sourceId,
        source_name: sourceName,
        article_count: articleCount,
        title: orUntitled(best.title),
        url: findHttpUrl(best.url),
        date_published: parseIso(best.date) ?? null,
      })),
      // Every article, for programs; people read the outlets (content_html caps them).
      articles: items.map((item) => ({
        source_id: item.sourceId,
        source_name: item.sourceName,
        title: orUntitled(item.title),
        url: findHttpUrl(item.url),
        date_published: parseIso(item.date) ?? null,
        summary: item.summary,
      })),
    },
  };
}
