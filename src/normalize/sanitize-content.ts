// Feed HTML made safe to embed: an allow-list of formatting markup, no active content, absolute URLs only.
import sanitizeHtml from 'sanitize-html';
import type { ParsedText } from '../model.js';
import { unwrapCdata } from './html-to-text.js';
import { textToHtml } from './text-to-html.js';

const ALLOWED_TAGS: string[] = [
  'p', 'br', 'hr', 'div', 'span', 'section', 'article', 'aside', 'header', 'footer', 'address',
  'a', 'img', 'figure', 'figcaption',
  'h1', 'h2', 'h3', 'h4', 'h5', 'h6',
  'ul', 'ol', 'li', 'dl', 'dt', 'dd',
  'blockquote', 'q', 'cite', 'pre', 'code', 'kbd', 'samp', 'var',
  'em', 'strong', 'b', 'i', 'u', 's', 'del', 'ins', 'mark', 'small', 'sub', 'sup', 'abbr', 'time', 'wbr',
  'details', 'summary',
  'table', 'caption', 'colgroup', 'col', 'thead', 'tbody', 'tfoot', 'tr', 'th', 'td',
];

const ALLOWED_ATTRIBUTES: Record<string, string[]> = {
  a: ['href', 'title', 'hreflang'],
  img: ['src', 'alt', 'title', 'width', 'height'],
  blockquote: ['cite'],
  q: ['cite'],
  del: ['cite', 'datetime'],
  ins: ['cite', 'datetime'],
  abbr: ['title'],
  time: ['datetime'],
  ol: ['start', 'reversed', 'type'],
  li: ['value'],
  th: ['colspan', 'rowspan', 'scope', 'headers'],
  td: ['colspan', 'rowspan', 'headers'],
  col: ['span'],
  colgroup: ['span'],
};

/** Elements dropped together with their text (sanitize-html keeps the text of other disallowed tags). */
const NON_TEXT_TAGS: string[] = ['script', 'style', 'textarea', 'option', 'noscript', 'template', 'title', 'head', 'svg', 'math', 'iframe', 'object'];

/** Attributes holding a URL that must be absolute, per element. */
const URL_ATTRIBUTES: Record<string, string> = { a: 'href', img: 'src', blockquote: 'cite', q: 'cite', del: 'cite', ins: 'cite' };

/** Returns sanitised HTML: allow-listed formatting only, no scripts/styles/handlers, URLs absolute http(s) (mailto on links, data:image on images). */
export function sanitizeContent(html: string, baseUrl?: string): string {
  const transform = (tagName: string, attribs: sanitizeHtml.Attributes): sanitizeHtml.Tag => {
    const attribute = URL_ATTRIBUTES[tagName];
    const value = attribute === undefined ? undefined : attribs[attribute];
    if (attribute === undefined || value === undefined) return { tagName, attribs };
    const resolved = resolveContentUrl(value, tagName, baseUrl);
    const next = { ...attribs };
    if (resolved === null) delete next[attribute];
    else next[attribute] = resolved;
    return { tagName, attribs: next };
  };
  const transformTags = Object.fromEntries(Object.keys(URL_ATTRIBUTES).map((tag) => [tag, transform]));
  return sanitizeHtml(unwrapCdata(html), {
    allowedTags: ALLOWED_TAGS,
    allowedAttributes: ALLOWED_ATTRIBUTES,
    allowedSchemes: ['http', 'https', 'mailto'],
    allowedSchemesByTag: { img: ['http', 'https', 'data'] },
    allowProtocolRelative: false,
    nonTextTags: NON_TEXT_TAGS,
    disallowedTagsMode: 'discard',
    parseStyleAttributes: false,
    transformTags,
    // An image whose source was unsafe or unresolvable is just a broken box: drop it.
    exclusiveFilter: (frame) => frame.tag === 'img' && !frame.attribs['src'],
  }).trim();
}

/** Returns sanitised HTML for a feed text construct: a `text` construct is escaped first, markup is sanitised. */
export function sanitizeParsed(text: ParsedText | undefined, baseUrl?: string): string {
  if (text === undefined) return '';
  if (text.type === 'text') return sanitizeContent(textToHtml(text.value), baseUrl);
  return sanitizeContent(text.value, baseUrl);
}

/** Returns an absolute, allowed URL for an attribute value, or null when it is unsafe or cannot be resolved. */
function resolveContentUrl(value: string, tagName: string, baseUrl: string | undefined): string | null {
  const trimmed = value.trim();
  if (tagName === 'img' && /^data:/i.test(trimmed)) {
    // data: only for raster/vector images (an <img> never runs script, even from SVG).
    return /^data:image\/[a-z0-9.+-]+[;,]/i.test(trimmed) ? trimmed : null;
  }
  let url: URL;
  try {
    url = baseUrl === undefined ? new URL(trimmed) : new URL(trimmed, baseUrl);
  } catch {
    // Relative with no usable base, or malformed: a relative URL would point at our own server.
    return null;
  }
  const allowed = tagName === 'a' ? ['http:', 'https:', 'mailto:'] : ['http:', 'https:'];
  return allowed.includes(url.protocol) ? url.href : null;
}
