// Feed HTML made safe to embed. The allow-lists are feedparser's (sanitizer.py of feedparser 6: its
// acceptable_elements, acceptable_attributes, CSS filter and URI schemes), because its test corpus encodes
// that reference behaviour; storyfeed only stores and shows this HTML (`storyfeed parse`), it never copies it
// into the merged feeds. Stricter than feedparser on purpose, each named where it is done:
// - no <form>, <svg>, <math> (feedparser keeps forms, and SVG/MathML with their namespace);
// - every URL-valued attribute (not only href) must resolve to an allowed scheme, else it is removed;
//   data: is allowed only for images (`<img src="data:image/…">`).
import sanitizeHtml from 'sanitize-html';
import type { ParsedText } from '../model.js';
import { unwrapCdata } from './html-to-text.js';
import { textToHtml } from './text-to-html.js';

/** feedparser's acceptable_elements, without form (an active element: it submits to any URL). */
const ALLOWED_TAGS: string[] = [
  'a', 'abbr', 'acronym', 'address', 'area', 'article', 'aside', 'audio', 'b', 'big', 'blockquote', 'br', 'button',
  'canvas', 'caption', 'center', 'cite', 'code', 'col', 'colgroup', 'command', 'datagrid', 'datalist', 'dd', 'del',
  'details', 'dfn', 'dialog', 'dir', 'div', 'dl', 'dt', 'em', 'event-source', 'fieldset', 'figcaption', 'figure',
  'font', 'footer', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'header', 'hr', 'i', 'img', 'input', 'ins', 'kbd',
  'keygen', 'label', 'legend', 'li', 'm', 'map', 'menu', 'meter', 'multicol', 'nav', 'nextid', 'noscript', 'ol',
  'optgroup', 'option', 'output', 'p', 'pre', 'progress', 'q', 's', 'samp', 'section', 'select', 'small', 'sound',
  'source', 'spacer', 'span', 'strike', 'strong', 'sub', 'sup', 'table', 'tbody', 'td', 'textarea', 'tfoot', 'th',
  'thead', 'time', 'tr', 'tt', 'u', 'ul', 'var', 'video',
];

/** feedparser's acceptable_attributes (any element). `style` is filtered by sanitizeStyle. */
const ALLOWED_ATTRIBUTES: string[] = [
  'abbr', 'accept', 'accept-charset', 'accesskey', 'action', 'align', 'alt', 'autocomplete', 'autofocus', 'axis',
  'background', 'balance', 'bgcolor', 'bgproperties', 'border', 'bordercolor', 'bordercolordark', 'bordercolorlight',
  'bottompadding', 'cellpadding', 'cellspacing', 'ch', 'challenge', 'char', 'charoff', 'charset', 'checked', 'choff',
  'cite', 'class', 'clear', 'color', 'cols', 'colspan', 'compact', 'contenteditable', 'controls', 'coords', 'data',
  'datafld', 'datapagesize', 'datasrc', 'datetime', 'default', 'delay', 'dir', 'disabled', 'draggable', 'dynsrc',
  'enctype', 'end', 'face', 'for', 'form', 'frame', 'galleryimg', 'gutter', 'headers', 'height', 'hidden',
  'hidefocus', 'high', 'href', 'hreflang', 'hspace', 'icon', 'id', 'inputmode', 'ismap', 'keytype', 'label', 'lang',
  'leftspacing', 'list', 'longdesc', 'loop', 'loopcount', 'loopend', 'loopstart', 'low', 'lowsrc', 'max',
  'maxlength', 'media', 'method', 'min', 'multiple', 'name', 'nohref', 'noshade', 'nowrap', 'open', 'optimum',
  'pattern', 'ping', 'point-size', 'poster', 'pqg', 'preload', 'prompt', 'radiogroup', 'readonly', 'rel',
  'repeat-max', 'repeat-min', 'replace', 'required', 'rev', 'rightspacing', 'rows', 'rowspan', 'rules', 'scope',
  'selected', 'shape', 'size', 'span', 'src', 'start', 'step', 'style', 'summary', 'suppress', 'tabindex', 'target',
  'template', 'title', 'toppadding', 'type', 'unselectable', 'urn', 'usemap', 'valign', 'value', 'variable',
  'volume', 'vrml', 'vspace', 'width', 'wrap', 'xml:lang',
];

/** feedparser's ACCEPTABLE_URI_SCHEMES. */
const ALLOWED_SCHEMES: string[] = [
  'file', 'ftp', 'gopher', 'h323', 'hdl', 'http', 'https', 'imap', 'magnet', 'mailto', 'mms', 'news', 'nntp',
  'prospero', 'rsync', 'rtsp', 'rtspu', 'sftp', 'shttp', 'sip', 'sips', 'snews', 'svn', 'svn+ssh', 'telnet', 'wais',
  'aim', 'callto', 'cvs', 'facetime', 'feed', 'git', 'gtalk', 'irc', 'ircs', 'irc6', 'itms', 'msnim', 'skype', 'ssh',
  'smb', 'ymsg',
];

/** Allowed attributes whose value is a URL: each is resolved and scheme-checked (feedparser only checks href). */
const URL_ATTRIBUTES: ReadonlySet<string> = new Set(['href', 'src', 'cite', 'action', 'background', 'data', 'dynsrc', 'longdesc', 'lowsrc', 'poster', 'usemap']);

/** feedparser's unacceptable_elements_with_end_tag: dropped together with their text (other disallowed tags keep it). */
const NON_TEXT_TAGS: string[] = ['script', 'style', 'applet'];

/** feedparser's elements_no_end_tag, written `<br />`. */
const SELF_CLOSING: string[] = ['area', 'base', 'basefont', 'br', 'col', 'command', 'embed', 'frame', 'hr', 'img', 'input', 'isindex', 'keygen', 'link', 'meta', 'param', 'source', 'track', 'wbr'];

/** feedparser's acceptable_css_properties. */
const CSS_PROPERTIES: ReadonlySet<string> = new Set([
  'azimuth', 'background-color', 'border-bottom-color', 'border-collapse', 'border-color', 'border-left-color',
  'border-right-color', 'border-top-color', 'clear', 'color', 'cursor', 'direction', 'display', 'elevation', 'float',
  'font', 'font-family', 'font-size', 'font-style', 'font-variant', 'font-weight', 'height', 'letter-spacing',
  'line-height', 'overflow', 'pause', 'pause-after', 'pause-before', 'pitch', 'pitch-range', 'richness', 'speak',
  'speak-header', 'speak-numeral', 'speak-punctuation', 'speech-rate', 'stress', 'text-align', 'text-decoration',
  'text-indent', 'unicode-bidi', 'vertical-align', 'voice-family', 'volume', 'white-space', 'width',
]);

/** feedparser's acceptable_css_keywords, for background-*, border-*, margin-*, padding-* values. */
const CSS_KEYWORDS: ReadonlySet<string> = new Set([
  '!important', 'aqua', 'auto', 'black', 'block', 'blue', 'bold', 'both', 'bottom', 'brown', 'center', 'collapse',
  'dashed', 'dotted', 'fuchsia', 'gray', 'green', 'italic', 'left', 'lime', 'maroon', 'medium', 'navy', 'none',
  'normal', 'nowrap', 'olive', 'pointer', 'purple', 'red', 'right', 'silver', 'solid', 'teal', 'top', 'transparent',
  'underline', 'white', 'yellow',
]);

/** feedparser's valid_css_values: hex colours, rgb(), short sizes. */
const CSS_VALUE = /^(#[0-9a-f]+|rgb\(\d+%?,\d*%?,?\d*%?\)?|\d{0,2}\.?\d{0,2}(cm|em|ex|in|mm|pc|pt|px|%|,|\))?)$/;
/** feedparser's gauntlet: only these characters and shapes may appear in a style at all (no `\`, `/*`, `(` but digit lists…). */
const CSS_GAUNTLET = /^([:,;#%.\sa-zA-Z0-9!]|\w-\w|'[\s\w]+'|"[\s\w]+"|\([\d,\s]+\))*$/;
/** Longest style attribute looked at; longer ones are dropped (bounds the gauntlet's backtracking). */
const MAX_STYLE_CHARS = 4096;

/** Returns the declarations of a `style` attribute that feedparser's CSS filter keeps, as `prop: value;` joined by spaces ('' when none). */
export function sanitizeStyle(style: string): string {
  if (style.length > MAX_STYLE_CHARS) return '';
  const withoutUrls = style.replace(/url\s*\(\s*[^\s)]+?\s*\)\s*/g, ' ');
  if (!CSS_GAUNTLET.test(withoutUrls)) return '';
  if (withoutUrls.replace(/\s*[-\w]+\s*:\s*[^:;]*;?/g, '').trim() !== '') return '';
  const clean: string[] = [];
  for (const [, property = '', value = ''] of withoutUrls.matchAll(/([-\w]+)\s*:\s*([^:;]*)/g)) {
    if (value === '') continue;
    const name = property.toLowerCase();
    if (CSS_PROPERTIES.has(name)) {
      clean.push(`${property}: ${value};`);
    } else if (['background', 'border', 'margin', 'padding'].includes(name.split('-')[0] ?? '')) {
      const keywords = value.split(/\s+/).filter((keyword) => keyword !== '');
      if (keywords.every((keyword) => CSS_KEYWORDS.has(keyword) || CSS_VALUE.test(keyword))) clean.push(`${property}: ${value};`);
    }
  }
  return clean.join(' ');
}

/** Returns sanitised HTML: feedparser's allow-lists, no scripts/styles/handlers, URLs absolute with an allowed scheme (data: only on images). */
export function sanitizeContent(html: string, baseUrl?: string): string {
  // The attribute objects of images whose src was removed (sanitize-html keeps the object transformTags returns).
  const brokenImages = new WeakSet<sanitizeHtml.Attributes>();
  const transform = (tagName: string, attribs: sanitizeHtml.Attributes): sanitizeHtml.Tag => {
    // feedparser's normalize_attrs: names lower-cased, sorted, rel/type values lower-cased.
    const next: sanitizeHtml.Attributes = {};
    for (const name of Object.keys(attribs).sort()) {
      const value = attribs[name] ?? '';
      if (name === 'style') {
        const style = sanitizeStyle(value);
        if (style !== '') next[name] = style;
      } else if (URL_ATTRIBUTES.has(name) && value.trim() !== '') {
        const resolved = resolveContentUrl(value, tagName, name, baseUrl);
        if (resolved !== null) next[name] = resolved;
        // An image whose source was unsafe or unresolvable is just a broken box: dropped by exclusiveFilter.
        else if (tagName === 'img' && name === 'src') brokenImages.add(next);
      } else {
        next[name] = name === 'rel' || name === 'type' ? value.toLowerCase() : value;
      }
    }
    return { tagName, attribs: next };
  };
  // allowedEmptyAttributes (sanitize-html ≥ 2.12) is missing from @types/sanitize-html.
  const options: sanitizeHtml.IOptions & { allowedEmptyAttributes: string[] } = {
    allowedTags: ALLOWED_TAGS,
    allowedAttributes: { '*': ALLOWED_ATTRIBUTES },
    allowedSchemes: ALLOWED_SCHEMES,
    allowedSchemesByTag: { img: [...ALLOWED_SCHEMES, 'data'] },
    allowedSchemesAppliedToAttributes: [...URL_ATTRIBUTES],
    allowProtocolRelative: false,
    nonTextTags: NON_TEXT_TAGS,
    nonBooleanAttributes: [],
    allowedEmptyAttributes: ALLOWED_ATTRIBUTES,
    selfClosing: SELF_CLOSING,
    disallowedTagsMode: 'discard',
    // The style attribute is filtered by sanitizeStyle in transformTags, feedparser's way.
    parseStyleAttributes: false,
    transformTags: { '*': transform },
    exclusiveFilter: (frame) => frame.tag === 'img' && brokenImages.has(frame.attribs),
  };
  return sanitizeHtml(unwrapCdata(html), options).trim();
}

/** Returns sanitised HTML for a feed text construct: a `text` construct is escaped first, markup is sanitised. */
export function sanitizeParsed(text: ParsedText | undefined, baseUrl?: string): string {
  if (text === undefined) return '';
  if (text.type === 'text') return sanitizeContent(textToHtml(text.value), baseUrl);
  return sanitizeContent(text.value, baseUrl);
}

/** Returns an absolute URL with an allowed scheme for an attribute value, or null when it is unsafe or cannot be resolved. */
function resolveContentUrl(value: string, tagName: string, attribute: string, baseUrl: string | undefined): string | null {
  const trimmed = value.trim();
  if (/^data:/i.test(trimmed.replace(/[\u0000-\u0020]/g, ''))) {
    // data: only for raster/vector images (an <img> never runs script, even from SVG).
    return tagName === 'img' && attribute === 'src' && /^data:image\/[a-z0-9.+-]+[;,]/i.test(trimmed) ? trimmed : null;
  }
  let url: URL;
  try {
    url = baseUrl === undefined ? new URL(trimmed) : new URL(trimmed, baseUrl);
  } catch {
    // Relative with no usable base, or malformed: a relative URL would point at our own server.
    return null;
  }
  return ALLOWED_SCHEMES.includes(url.protocol.slice(0, -1)) ? url.href : null;
}
