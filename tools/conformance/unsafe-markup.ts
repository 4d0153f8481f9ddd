// The safety rule of the sanitize corpus, checked independently of sanitize-content.ts: nothing that can run
// script, restyle the page or load active content may survive into an item's HTML or text.
import { Parser } from 'htmlparser2';
import type { FeedReport } from '../../src/cli/commands/parse-command.js';

// Inline <svg> and <math> may stay (feedparser keeps them), but not what inside them can load or run something:
// <foreignObject> (HTML in SVG), <use> of anything but a same-document fragment, <image>/<feImage> (SVG's own
// loaders), <handler>/<listener> (SVG Tiny 1.2 script), and animations that set a URL, a handler or a style.
const ACTIVE_ELEMENTS = new Set(['script', 'style', 'iframe', 'frame', 'frameset', 'object', 'embed', 'applet', 'link', 'meta', 'base', 'form', 'foreignobject', 'image', 'feimage', 'handler', 'listener']);
const SVG_ANIMATIONS = new Set(['animate', 'animatecolor', 'animatemotion', 'animatetransform', 'set']);
const URL_ATTRIBUTES = new Set(['href', 'src', 'cite', 'action', 'formaction', 'background', 'poster', 'data', 'codebase', 'longdesc', 'usemap', 'dynsrc', 'lowsrc', 'xlink:href']);
const DANGEROUS_CSS = /expression\s*\(|url\s*\(|behavio(u)?r\s*:|-moz-binding|javascript:|@import/i;
const SAFE_CSS = /^(\s*[a-z][a-z-]*\s*:(?:[#%.,!\w\s-]|'[\w\s]+'|"[\w\s]+"|\([\d%,.\s]+\))+;)*\s*$/i;

/** Returns a description of every piece of unsafe markup in the report's items (empty when all are safe). */
export function findUnsafeMarkup(report: FeedReport): string[] {
  const problems: string[] = [];
  report.items.forEach((item, index) => {
    for (const problem of unsafeHtml(item.contentHtml)) problems.push(`entries[${index}].contentHtml: ${problem}`);
    for (const [field, text] of [['title', item.title], ['summary', item.summary]] as const) {
      if (/<\s*(script|style)\b/i.test(text) || /<[^>]*\son\w+\s*=/i.test(text)) problems.push(`entries[${index}].${field}: markup in plain text`);
    }
  });
  return problems;
}

/** Returns the unsafe elements, attributes and URLs in an HTML fragment. */
export function unsafeHtml(html: string): string[] {
  const problems: string[] = [];
  const parser = new Parser(
    {
      onopentag(name, attributes) {
        if (ACTIVE_ELEMENTS.has(name)) problems.push(`<${name}>`);
        if (name === 'use' && Object.entries(attributes).some(([attribute, value]) => /^(?:xlink:)?href$/.test(attribute) && !value.trim().startsWith('#'))) problems.push('<use> of another document');
        const animated = attributes['attributename']?.trim().toLowerCase() ?? '';
        if (SVG_ANIMATIONS.has(name) && (/^on|href$|^style$|^xmlns|^xml:/.test(animated) || animated === '')) problems.push(`<${name}> of ${animated || 'an unnamed attribute'}`);
        for (const [attribute, value] of Object.entries(attributes)) {
          if (/^on/i.test(attribute)) problems.push(`${name}[${attribute}] event handler`);
          if (attribute === 'style' && DANGEROUS_CSS.test(value)) problems.push(`${name}[style] ${value}`);
          // A kept style may only be plain `property: value;` declarations (no escapes, comments, quotes or functions).
          if (attribute === 'style' && !SAFE_CSS.test(value)) problems.push(`${name}[style] not plain declarations: ${value.slice(0, 60)}`);
          if (URL_ATTRIBUTES.has(attribute) || attribute === 'srcset') {
            // Browsers ignore control characters and whitespace inside a scheme (`jav&#x09;ascript:`).
            const scheme = value.replace(/[\u0000-\u0020]/g, '').toLowerCase();
            const dataImage = name === 'img' && attribute === 'src' && /^data:image\//.test(scheme);
            if (/^(javascript|vbscript|livescript|mocha):/.test(scheme) || (/^data:/.test(scheme) && !dataImage)) problems.push(`${name}[${attribute}]=${value.slice(0, 60)}`);
          }
        }
      },
    },
    { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true },
  );
  parser.write(html);
  parser.end();
  return problems;
}
