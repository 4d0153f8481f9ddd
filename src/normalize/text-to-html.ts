import { escapeHtml } from '../lib/escape-html.js';

export { escapeHtml };

// Plain text (a `text` construct, JSON Feed content_text) turned into markup that means the same thing.

/** Returns plain text as HTML: escaped, blank-line-separated paragraphs in `<p>`, single newlines as `<br>`. */
export function textToHtml(text: string): string {
  return text
    .split(/\r?\n[^\S\r\n]*\r?\n/)
    .map((paragraph) => paragraph.trim())
    .filter((paragraph) => paragraph !== '')
    .map((paragraph) => `<p>${escapeHtml(paragraph).replace(/[^\S\r\n]*\r?\n\s*/g, '<br>')}</p>`)
    .join('');
}
