// Text-level rewrites, before the feed library sees the document, for old constructs it does not know:
// - Atom 0.3 `mode="base64"` text constructs (feedsmith does not read `mode`, so the base64 text would be
//   shown as is): decoded in place and written as escaped text;
// - RSS written with a prefix bound to an RSS namespace (`<r:rss xmlns:r="http://backend.userland.com/rss2">`,
//   UserLand's namespaced RSS 2.0), which feedsmith reads only unprefixed: the prefix is removed;
// - RSS item bodies given as `<body>` / `<xhtml:body>` (inline XHTML) or `<fullitem>` (escaped HTML), which
//   feedparser maps to the item's content: rewritten as `content:encoded`, which feedsmith reads.

import { parseFastPaths } from './fast-paths.js';

const CONTENT_NS = 'http://purl.org/rss/1.0/modules/content/';

/** Atom 0.3 text constructs that may carry `mode`. */
const BASE64_CONSTRUCT = /<((?:[\w.-]+:)?(?:title|subtitle|tagline|summary|content|info|rights|copyright))(\s[^>]*?)\bmode\s*=\s*(["'])base64\3([^>]*)>([\s\S]*?)<\/\1\s*>/g;

/** Returns `xml` with every Atom 0.3 `mode="base64"` text construct decoded (as escaped text, mode="escaped"). */
export function decodeBase64Constructs(xml: string): string {
  // (A search for the word alone first: it is much faster than the regex, which needs it.)
  if ((parseFastPaths() && !xml.includes('base64')) || !/\bmode\s*=\s*["']base64/.test(xml)) return xml;
  return xml.replace(BASE64_CONSTRUCT, (whole, name: string, before: string, _quote: string, after: string, text: string) => {
    const decoded = decodeBase64Text(text);
    if (decoded === undefined) return whole;
    return `<${name}${before}mode="escaped"${after}>${escapeXmlText(decoded)}</${name}>`;
  });
}

/** Returns the UTF-8 text in a base64 string, or undefined when it is not base64 or not UTF-8 text. */
export function decodeBase64Text(text: string): string | undefined {
  const compact = text.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(compact) || compact.length % 4 === 1) return undefined;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(Buffer.from(compact, 'base64'));
  } catch {
    // Binary data (an image in an atom:content): nothing we can show as text.
    return undefined;
  }
}

/** An RSS item body feedparser knows: `<body>` / `<xhtml:body>` (markup inside) or `<fullitem>` (escaped markup). */
const ITEM_BODY = /<((?:[\w.-]+:)?body|fullitem)(\s[^>]*)?>([\s\S]*?)<\/\1\s*>/g;

/** Returns `xml` with each item's `<body>`, `<xhtml:body>` or `<fullitem>` rewritten as `content:encoded` (when the item has none). */
export function liftItemBodies(xml: string): string {
  if (!(parseFastPaths() ? hasItemBody(xml) : ITEM_BODY_START.test(xml))) return xml;
  return xml.replace(/(<item[\s>][\s\S]*?<\/item\s*>)/g, (item: string) => {
    if (/<(?:[\w.-]+:)?encoded[\s>]/.test(item)) return item;
    let lifted = false;
    return item.replace(ITEM_BODY, (_whole, name: string, _attributes: string | undefined, inner: string) => {
      if (lifted) return '';
      lifted = true;
      // <fullitem> holds escaped HTML already; a body holds the markup itself, kept verbatim in CDATA.
      const value = name === 'fullitem' ? inner : `<![CDATA[${stripXhtmlNamespace(inner).replace(/\]\]>/g, ']]]]><![CDATA[>')}]]>`;
      return `<storyfeed-body:encoded xmlns:storyfeed-body="${CONTENT_NS}">${value}</storyfeed-body:encoded>`;
    });
  });
}

/** The start of an item body anywhere in the document (CDATA included, as the rewrite below does not look at CDATA either). */
const ITEM_BODY_START = /<(?:[\w.-]+:)?body[\s>]|<fullitem[\s>]/;

/** Returns ITEM_BODY_START.test(xml), found from each `body` in the text (a common word in news, but much rarer than a `<`). */
function hasItemBody(xml: string): boolean {
  // (`fullit` is found much faster than longer patterns, for which V8 switches to a slower search.)
  if (xml.includes('fullit') && /<fullitem[\s>]/.test(xml)) return true;
  for (let at = xml.indexOf('body'); at !== -1; at = xml.indexOf('body', at + 4)) {
    const after = xml.charAt(at + 4);
    if (after !== '>' && !/^\s$/.test(after)) continue;
    // `<body` or `<prefix:body`, the prefix one or more of [\w.-].
    if (xml.charAt(at - 1) === '<') return true;
    if (xml.charAt(at - 1) !== ':') continue;
    let start = at - 2;
    while (start >= 0 && /^[\w.-]$/.test(xml.charAt(start))) start--;
    if (start < at - 2 && xml.charAt(start) === '<') return true;
  }
  return false;
}

// Inline XHTML inside a body may repeat the namespace declaration or a prefix; HTML needs neither.
function stripXhtmlNamespace(markup: string): string {
  return markup.replace(/\sxmlns(?::\w+)?\s*=\s*(["'])http:\/\/www\.w3\.org\/1999\/xhtml\1/g, '').replace(/<(\/?)xhtml:/g, '<$1');
}

function escapeXmlText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Namespaces of RSS itself (UserLand's RSS 2.0 and 0.9x namespaces). */
const RSS_NAMESPACES: ReadonlySet<string> = new Set(['http://backend.userland.com/rss2', 'http://backend.userland.com/rss']);

/** Returns `xml` with the prefix of a prefixed RSS root (`<r:rss>` bound to an RSS namespace) removed from every element name. */
export function unprefixRss(xml: string): string {
  if (parseFastPaths() && !xml.includes(':rss')) return xml;
  const root = /<([\w.-]+):rss[\s>]/.exec(xml);
  const prefix = root?.[1];
  if (prefix === undefined) return xml;
  const escaped = prefix.replace(/[.-]/g, '\\$&');
  const declared = new RegExp(`\\sxmlns:${escaped}\\s*=\\s*["']([^"']*)["']`).exec(xml)?.[1]?.trim();
  if (declared === undefined || !RSS_NAMESPACES.has(declared)) return xml;
  return xml.replace(new RegExp(`<(/?)${escaped}:`, 'g'), '<$1');
}
