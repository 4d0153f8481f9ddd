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

type Outline = { text?: string; title?: string; xmlUrl?: string; htmlUrl?: string; outlines?: Outline[] };

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
        else result.feeds.push({ title, xmlUrl, ...(outline.htmlUrl ? { htmlUrl: outline.htmlUrl } : {}), folders });
      }
      if (outline.outlines) walk(outline.outlines, title ? [...folders, title] : folders);
    }
  };
  walk(doc.body?.outlines, []);
  return result;
}

/** Returns an OPML 2.0 document listing the http(s) sources (local files have no URL to share). */
export function renderOpml(sources: readonly Pick<Source, 'name' | 'url'>[], meta: { title: string; now: Date }): string {
  const outlines = sources
    .filter((s) => /^https?:\/\//i.test(s.url))
    .map((s) => ({ text: s.name, title: s.name, type: 'rss', xmlUrl: s.url }));
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
