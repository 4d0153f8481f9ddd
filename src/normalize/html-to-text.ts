// Plain text out of feed markup, for titles, summaries and the clustering stage.
import { decodeHTML } from 'entities/decode';
import { Parser } from 'htmlparser2';
import { DOCUMENT_LIMITS } from '../config/document-limits.js';
import type { ParsedText } from '../model.js';

/** Elements whose content is never readable text (code, styling, fallbacks, templates). */
export const SKIPPED_TEXT_ELEMENTS: ReadonlySet<string> = new Set([
  'script',
  'style',
  'template',
  'noscript',
  'svg',
  'math',
  'head',
  'iframe',
  'object',
  'applet',
  'embed',
  'select',
  'textarea',
]);

/** Elements that start a new line: their boundaries must separate words ("<p>a</p><p>b</p>" → "a b"). */
export const BLOCK_TEXT_ELEMENTS: ReadonlySet<string> = new Set([
  'address',
  'article',
  'aside',
  'blockquote',
  'br',
  'caption',
  'dd',
  'details',
  'div',
  'dl',
  'dt',
  'figcaption',
  'figure',
  'footer',
  'form',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'header',
  'hr',
  'li',
  'main',
  'nav',
  'ol',
  'p',
  'pre',
  'section',
  'summary',
  'table',
  'tbody',
  'td',
  'tfoot',
  'th',
  'thead',
  'tr',
  'ul',
  'img',
  'body',
  'html',
]);

/** Returns `text` with every whitespace run (including NBSP and line breaks) collapsed to one space, trimmed. */
export function collapseWhitespace(text: string): string {
  // Only runs of two or more, or a lone whitespace other than a space: a lone space (most of them) stays as it is.
  return text.replace(/\s{2,}|[^\S ]/g, ' ').trim();
}

/** Returns `text` with HTML character references decoded (`&amp;` → `&`, `&#8217;` → `’`) and nothing else changed. */
export function decodeEntities(text: string): string {
  // `entities` is htmlparser2's own decoder, in the mode its tokenizer uses for text (legacy references such as
  // `&amp` without a semicolon are read, as browsers do).
  return text.includes('&') ? decodeHTML(text) : text;
}

/** Returns `html` with CDATA wrappers removed but their content kept, to be parsed as markup. */
export function unwrapCdata(html: string): string {
  // Feeds that escape a CDATA section (`&lt;![CDATA[&lt;p&gt;…]]&gt;`) hand us `<![CDATA[<p>…]]>` as HTML;
  // an HTML parser would take it for a bogus comment and drop the whole article.
  return html.replace(/<!\[CDATA\[([\s\S]*?)\]\]>/g, '$1');
}

/** Thrown from the parser's callbacks to stop reading markup nested past the limit. */
const TOO_DEEP = Symbol('too deep');

/**
 * Returns the readable text of an HTML fragment: tags dropped, entities decoded, whitespace collapsed. Markup nested
 * deeper than `maxDepth` (escaped in a feed, so the document's own depth check never saw it) is not parsed: htmlparser2
 * takes time quadratic in the depth (issue #15); its tags are then dropped by one linear pass instead.
 */
export function htmlToText(html: string, maxDepth: number = DOCUMENT_LIMITS.maxDepth): string {
  const chunks: string[] = [];
  let skipDepth = 0;
  let depth = 0; // htmlparser2's open elements: it reports a close for each open, implied ones (void elements) too
  // Inside <xmp> (raw text: nothing is decoded) or <title> (decoded as htmlparser2's tokenizer does it there).
  let special: 'xmp' | 'title' | null = null;
  // Text given at the end (an unfinished `<…` construct the tokenizer hands back as text): never decoded by it.
  let trailing = false;
  const parser = new Parser(
    {
      onopentag(name) {
        if (++depth > maxDepth) throw TOO_DEEP;
        if (name === 'xmp' || name === 'title') special = name;
        if (SKIPPED_TEXT_ELEMENTS.has(name)) skipDepth++;
        else if (BLOCK_TEXT_ELEMENTS.has(name)) chunks.push('\n');
      },
      onclosetag(name) {
        depth--;
        if (name === special) special = null;
        if (SKIPPED_TEXT_ELEMENTS.has(name)) skipDepth = Math.max(0, skipDepth - 1);
        else if (BLOCK_TEXT_ELEMENTS.has(name)) chunks.push('\n');
      },
      ontext(text) {
        if (skipDepth === 0) {
          if (special === 'title') chunks.push(decodeTitleText(text));
          else chunks.push(special === 'xmp' || trailing ? text : decodeEntities(text));
        }
      },
    },
    // References are decoded per text run (decodeEntities) rather than by the tokenizer: the same decoder and mode,
    // but the tokenizer then skips to the next `<` instead of stepping through every character (−25 % of this
    // function's time on the race corpus; BENCHMARKS.md, session 8).
    { decodeEntities: false, lowerCaseTags: true },
  );
  const markup = unwrapCdata(html);
  try {
    parser.write(markup);
    trailing = true;
    parser.end();
  } catch (error) {
    if (error !== TOO_DEEP) throw error;
    // Every tag becomes a space (so words on both sides stay apart), then references are decoded.
    return collapseWhitespace(decodeEntities(dropTags(markup)));
  }
  return collapseWhitespace(chunks.join(''));
}

/**
 * Returns the text of a <title> element decoded as htmlparser2's tokenizer decodes it when it reads one: a `&` that
 * comes while it matches the end tag (`<`, `</`, `</t`… then a character that ends the match) is not decoded.
 */
function decodeTitleText(text: string): string {
  const END = '</title';
  const parts: string[] = [];
  let from = 0;
  let matched = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    // The whole name without `>` or a space after it (else the text would have ended here): matching restarts.
    if (matched === END.length) matched = 0;
    if ((c | 0x20) === END.charCodeAt(matched)) matched++;
    else if (matched === 0) continue;
    else {
      if (c === 38) {
        parts.push(decodeEntities(text.slice(from, i)), '&');
        from = i + 1;
      }
      matched = c === 60 ? 1 : 0;
    }
  }
  parts.push(decodeEntities(text.slice(from)));
  return parts.join('');
}

/**
 * Returns `markup` with each `<…>` replaced by a space, in one pass (a regex would rescan after every unclosed `<`).
 */
function dropTags(markup: string): string {
  const parts: string[] = [];
  let position = 0;
  for (;;) {
    const lt = markup.indexOf('<', position);
    const gt = lt === -1 ? -1 : markup.indexOf('>', lt + 1);
    if (gt === -1) {
      parts.push(markup.slice(position));
      return parts.join(' ');
    }
    parts.push(markup.slice(position, lt));
    position = gt + 1;
  }
}

/**
 * Returns the plain text of a feed text construct: markup is stripped for html/xhtml, a text construct only has
 * entities decoded.
 */
export function textFromParsed(text: ParsedText | undefined): string {
  if (text === undefined) return '';
  // A `text` construct is plain already; "<b>" in it is literal. Entities are still decoded because
  // feeds often escape twice (`AT&amp;amp;T` in the XML, `AT&amp;T` after it).
  // A base64 payload has no XML escaping layer, so nothing in it was escaped twice.
  if (text.type === 'text') return collapseWhitespace(text.verbatim === true ? text.value : decodeEntities(text.value));
  return htmlToText(text.value);
}
