// OPML 2.0 subscription lists in and out, over feedsmith's OPML parser and generator.

import { generateOpml, parseOpml } from 'feedsmith';
import { ParseError, StoryfeedError } from '../lib/errors.js';
import type { Source } from '../model.js';

/** A feed listed in an OPML file. */
export interface OpmlFeed {
  /** The outline's title, else its text. */
  title: string;
  xmlUrl: string;
  htmlUrl?: string;
  /** Titles of the enclosing outlines (folders), outermost first. */
  folders: string[];
}

/** What an OPML file lists: usable feeds, and outlines whose xmlUrl cannot be used, with why. */
export interface OpmlSubscriptions {
  feeds: OpmlFeed[];
  invalid: { title: string; xmlUrl: string; reason: string }[];
}

type Outline = { text?: string; title?: string; xmlUrl?: string; htmlUrl?: string; category?: string; outlines?: Outline[] };

/** How nested folders are joined into one category name, and split back. */
export const FOLDER_SEPARATOR = ' / ';

/** Returns the category a feed's folders make ("News / Tech"), or undefined outside any folder. */
export function categoryOf(folders: readonly string[]): string | undefined {
  return folders.length > 0 ? folders.join(FOLDER_SEPARATOR) : undefined;
}

/** Returns the feeds of an OPML document, nested outlines flattened in document order; throws ParseError `parse/not-opml`. */
export function parseOpmlSubscriptions(text: string): OpmlSubscriptions {
  let doc: { body?: { outlines?: Outline[] } };
  try {
    doc = parseOpml(text) as typeof doc;
  } catch (error) {
    throw new ParseError('parse/not-opml', `not an OPML document (${(error as Error).message})`, { cause: error });
  }
  const result: OpmlSubscriptions = { feeds: [], invalid: [] };
  const walk = (outlines: Outline[] | undefined, folders: string[]) => {
    for (const outline of outlines ?? []) {
      const title = (outline.title ?? outline.text ?? '').replace(/\s+/g, ' ').trim();
      if (outline.xmlUrl !== undefined) {
        const xmlUrl = outline.xmlUrl.trim();
        const reason = httpUrlProblem(xmlUrl);
        if (reason) result.invalid.push({ title, xmlUrl, reason });
        else result.feeds.push({ title, xmlUrl, ...(outline.htmlUrl ? { htmlUrl: outline.htmlUrl.trim() } : {}), folders: folders.length > 0 ? folders : categoryFolders(outline.category) });
      }
      if (outline.outlines) walk(outline.outlines, title ? [...folders, title] : folders);
    }
  };
  walk(doc.body?.outlines, []);
  return result;
}

/** OPML 2.0 §2.5 `category`: comma-separated slash-delimited paths ("/Tech/Linux"); the first one, as folders. */
function categoryFolders(category: string | undefined): string[] {
  const first = category?.split(',')[0]?.trim();
  if (!first || !first.startsWith('/')) return []; // a bare word is a tag, not a folder path
  return first.split('/').map((f) => f.trim()).filter((f) => f !== '');
}

type OutOutline = { text: string; title: string; type?: string; xmlUrl?: string; htmlUrl?: string; outlines?: OutOutline[] };

/**
 * Returns an OPML 2.0 document listing the http(s) sources (local files have no URL to share), each in the
 * folders its category names (split on " / "), with its site's htmlUrl, in config order: a folder stands
 * where its first source does. parseOpmlSubscriptions reads back what this writes.
 */
export function renderOpml(sources: readonly Pick<Source, 'name' | 'url' | 'category' | 'siteUrl'>[], meta: { title: string; now: Date }): string {
  const outlines: OutOutline[] = [];
  const folderIndex = new Map<string, OutOutline>();
  const folderFor = (path: string[]): OutOutline[] => {
    let list = outlines;
    path.forEach((name, i) => {
      const key = path.slice(0, i + 1).join('\u0000');
      let folder = folderIndex.get(key);
      if (!folder) {
        folder = { text: name, title: name, outlines: [] };
        folderIndex.set(key, folder);
        list.push(folder);
      }
      list = folder.outlines!;
    });
    return list;
  };
  for (const s of sources) {
    if (!/^https?:\/\//i.test(s.url)) continue;
    const path = s.category ? s.category.split(FOLDER_SEPARATOR).map((f) => f.trim()).filter((f) => f !== '') : [];
    folderFor(path).push({ text: s.name, title: s.name, type: 'rss', xmlUrl: s.url, ...(s.siteUrl ? { htmlUrl: s.siteUrl } : {}) });
  }
  try {
    return generateOpml({ head: { title: meta.title, dateCreated: meta.now }, body: { outlines } });
  } catch (error) {
    // feedsmith refuses a body without outlines (OPML 2.0 requires one); callers check for that first.
    throw new StoryfeedError('render', 'render/opml', `cannot write OPML (${(error as Error).message})`, { cause: error });
  }
}

function httpUrlProblem(value: string): string | undefined {
  if (value === '') return 'empty xmlUrl';
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'not an absolute URL';
  }
  return url.protocol === 'http:' || url.protocol === 'https:' ? undefined : `unsupported protocol ${url.protocol}`;
}
