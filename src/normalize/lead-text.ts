// The lead of an article's plain text: what a run keeps of it (docs/store.md, "Only the lead of the text").
import { BODY_TERM_WORDS } from '../cluster/text-features.js';

/**
 * Words of an article's text a run keeps: the body words the clusterer reads (BODY_TERM_WORDS, counted as its
 * tokeniser scanWords counts them). No output shows article text (render/ builds entries from titles and
 * summaries), so the words after these are read by nothing.
 */
export const LEAD_WORDS = BODY_TERM_WORDS;

/**
 * Fewest words a lead may keep: a cut lead is then at least 301 characters long (words are apart by at least one
 * character), longer than the summary (300 characters) and a fallback title, which normalisation takes from the text's
 * start, so they come out the same from the lead as from the whole text.
 */
export const MIN_LEAD_WORDS = 151;

// Words are those of the clusterer's scanWords (cluster/text-features.ts): a letter or digit (\p{L}, \p{N}; a
// surrogate pair counts as one character), then letters, digits and apostrophes (' and ’). This scanner only finds
// where words start and end (no hashing), so cutting a text costs a fraction of tokenising it;
// tests/unit/normalize/lead-text.test.ts checks it against scanWords.
const WORD_CHAR = /^[\p{L}\p{N}]$/u;
// Per UTF-16 code unit: 0 not known yet, 1 a letter or digit, 2 not; filled on first sight.
const unitClass = new Uint8Array(65_536);
for (let c = 0; c < 128; c++) unitClass[c] = (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) ? 1 : 2;
const astralClass = new Map<number, boolean>();

/** Code units of the letter or digit at `i` (2 for an astral one), or 0 when there is none. */
function wordCharAt(text: string, i: number): number {
  const c = text.charCodeAt(i);
  if (c < 128) return unitClass[c] === 1 ? 1 : 0;
  if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
    const d = text.charCodeAt(i + 1);
    if (d >= 0xdc00 && d <= 0xdfff) {
      const cp = (c - 0xd800) * 0x400 + (d - 0xdc00) + 0x10000;
      let yes = astralClass.get(cp);
      if (yes === undefined) astralClass.set(cp, (yes = WORD_CHAR.test(String.fromCodePoint(cp))));
      return yes ? 2 : 0;
    }
  }
  let k = unitClass[c]!;
  if (k === 0) unitClass[c] = k = WORD_CHAR.test(String.fromCharCode(c)) ? 1 : 2;
  return k === 1 ? 1 : 0;
}

/** Whether the code unit at `i` carries a word on (after its first character): a letter, a digit or an apostrophe. */
function continuesWord(text: string, i: number): number {
  const c = text.charCodeAt(i);
  if (c === 39 || c === 0x2019) return 1;
  return wordCharAt(text, i);
}

/** Words counted over a text read in pieces (an HTML parser's text chunks), as scanWords would count their concatenation. */
export class WordCounter {
  count = 0;
  private inWord = false;

  /** Counts the words of the next piece of text. */
  add(text: string): void {
    const n = text.length;
    let i = 0;
    while (i < n) {
      if (this.inWord) {
        const l = continuesWord(text, i);
        if (l > 0) {
          i += l;
          continue;
        }
        this.inWord = false;
      }
      const w = wordCharAt(text, i);
      if (w > 0) {
        this.count++;
        this.inWord = true;
        i += w;
      } else i++;
    }
  }

  /** A break between pieces that no word spans (a block element's boundary). */
  separate(): void {
    this.inWord = false;
  }
}

/**
 * Returns `text` cut right after its `words`-th word, or `text` itself when it has no more words than that. The
 * clusterer reads the same words from either, with the same sentence starts: it never looks past its `words`-th word.
 */
export function leadText(text: string, words: number = LEAD_WORDS): string {
  const end = leadEnd(text, words);
  return end < 0 ? text : text.slice(0, end);
}

/** Returns where the `words`-th word of `text` ends when a further word follows it, else -1 (nothing to cut). */
export function leadEnd(text: string, words: number): number {
  const n = text.length;
  let count = 0;
  let end = -1;
  let i = 0;
  while (i < n) {
    const w = wordCharAt(text, i);
    if (w === 0) {
      i++;
      continue;
    }
    if (count === words) return end;
    count++;
    i += w;
    for (let l = continuesWordAt(text, i, n); l > 0; l = continuesWordAt(text, i, n)) i += l;
    end = i;
  }
  return -1;
}

function continuesWordAt(text: string, i: number, n: number): number {
  return i < n ? continuesWord(text, i) : 0;
}
