// iTunes (podcast) and Media RSS elements that feedsmith does not give us, read from the document tree:
// itunes:image with `url` instead of `href`, itunes:link rel="image", item-level itunes:category,
// itunes:keywords, media:category and media:title. iTunes elements are matched under both namespace spellings
// Apple has published (…/dtds/podcast-1.0.dtd and …/DTDs/Podcast-1.0.dtd); Media RSS with and without its
// trailing slash (both are common in the wild).
import type { ParsedCategory, ParsedText } from '../../model.js';
import type { XmlElement } from '../xml/read-xml-tree.js';

/** The scheme feedparser gives iTunes categories and keywords. */
export const ITUNES_SCHEME = 'http://www.itunes.com/';
/** Media RSS 1.5 §media:category: the default scheme. */
const MEDIA_CATEGORY_SCHEME = 'http://search.yahoo.com/mrss/category_schema';

function isItunes(element: XmlElement): boolean {
  return /^https?:\/\/www\.itunes\.com\/dtds\/podcast-1\.0\.dtd$/i.test(element.uri);
}

function isMedia(element: XmlElement): boolean {
  return /^http:\/\/search\.yahoo\.com\/mrss\/?$/.test(element.uri);
}

/** Returns the image URL an iTunes element gives: itunes:image `href` (or `url`), else itunes:link rel="image". */
export function findItunesImage(element: XmlElement | undefined): string | undefined {
  for (const child of element?.children ?? []) {
    if (!isItunes(child)) continue;
    const href = child.local === 'image' ? (child.attributes['href'] ?? child.attributes['url']) : child.local === 'link' && child.attributes['rel']?.trim().toLowerCase() === 'image' ? child.attributes['href'] : undefined;
    if (href !== undefined && href.trim() !== '') return href.trim();
  }
  return undefined;
}

/** Returns the itunes:category tags (nested ones flattened, parent first) and itunes:keywords of an element. */
export function itunesTags(element: XmlElement | undefined): ParsedCategory[] {
  const tags: ParsedCategory[] = [];
  const visit = (parent: XmlElement): void => {
    for (const child of parent.children) {
      if (!isItunes(child) || child.local !== 'category') continue;
      const text = child.attributes['text']?.trim();
      if (text) tags.push({ term: text, scheme: ITUNES_SCHEME });
      visit(child);
    }
  };
  if (element !== undefined) visit(element);
  for (const child of element?.children ?? []) {
    if (!isItunes(child) || child.local !== 'keywords') continue;
    for (const keyword of child.text.split(',')) if (keyword.trim() !== '') tags.push({ term: keyword.trim(), scheme: ITUNES_SCHEME });
  }
  return tags;
}

/** Returns the media:category tags of an element (term, scheme defaulting to Media RSS's, label). */
export function mediaTags(element: XmlElement | undefined): ParsedCategory[] {
  return (element?.children ?? []).flatMap((child) => {
    if (!isMedia(child) || child.local !== 'category') return [];
    const term = child.text.trim();
    if (term === '') return [];
    const tag: ParsedCategory = { term, scheme: child.attributes['scheme']?.trim() || MEDIA_CATEGORY_SCHEME };
    const label = child.attributes['label']?.trim();
    if (label) tag.label = label;
    return [tag];
  });
}

/** Returns an element's media:title as a text construct (Media RSS: `type="plain"`, the default, or `"html"`). */
export function findMediaTitle(element: XmlElement | undefined): ParsedText | undefined {
  const title = element?.children.find((child) => isMedia(child) && child.local === 'title');
  if (title === undefined || title.text.trim() === '') return undefined;
  return { value: title.text.trim(), type: title.attributes['type']?.trim().toLowerCase() === 'html' ? 'html' : 'text' };
}
