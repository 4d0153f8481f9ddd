// Shortening plain text for summaries and fallback titles without cutting words in half.

const ELLIPSIS = '…';

/**
 * Returns `text` (whitespace-collapsed) cut at a word boundary to at most `maxChars` characters, ending in "…" when
 * cut.
 */
export function truncateText(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text;
  const limit = Math.max(0, maxChars - ELLIPSIS.length);
  let cut: number;
  if (/\s/.test(text.charAt(limit))) {
    cut = limit;
  } else {
    const space = text.lastIndexOf(' ', limit);
    // Text without spaces (CJK, a long URL) would lose everything: cut mid-word instead.
    cut = space > limit / 2 ? space : limit;
  }
  // Never split a surrogate pair (an emoji would become a replacement character).
  if (cut > 0 && isHighSurrogate(text.charCodeAt(cut - 1))) cut--;
  return `${trimTrailing(text.slice(0, cut))}${ELLIPSIS}`;
}

/** Returns the first `count` words of whitespace-collapsed `text` (at most `maxChars`), ending in "…" when cut. */
export function firstWords(text: string, count: number, maxChars = 100): string {
  const words = text.split(' ').filter((word) => word !== '');
  const head = words.length <= count ? words.join(' ') : `${trimTrailing(words.slice(0, count).join(' '))}${ELLIPSIS}`;
  return truncateText(head, maxChars);
}

/** Returns `text` without trailing spaces and clause punctuation, so "word," + "…" does not read "word,…". */
function trimTrailing(text: string): string {
  return text.replace(/[\s,;:\-–—]+$/u, '');
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}
