import { stemmer } from 'stemmer';
import { eng } from 'stopword';
import type { Item } from '../model.js';

// Turning an item's text into the evidence the clusterer compares: stemmed content terms per field,
// proper-noun-like words and numbers (entity candidates), and long word shingles (shared quotes,
// syndicated copies). Everything here is per item and pure; corpus statistics live in corpus.ts.

const STOP = new Set([
  ...eng,
  // news boilerplate that says nothing about which story it is
  'said',
  'says',
  'say',
  'new',
  'news',
  'also',
  'one',
  'two',
  'would',
  'could',
  'first',
  'last',
  'year',
  'years',
  'week',
  'time',
  'like',
  'just',
  'get',
  'got',
  'make',
  'made',
  'read',
  'more',
  'via',
  'watch',
  'video',
  'photo',
  'image',
  'click',
  'here',
  'share',
  'tweet',
  'comment',
  'comments',
  'subscribe',
  'newsletter',
  'mr',
  'mrs',
  'ms',
  'monday',
  'tuesday',
  'wednesday',
  'thursday',
  'friday',
  'saturday',
  'sunday',
  'today',
  'yesterday',
  'tomorrow',
]);

const UPPER = /^\p{Lu}/u;
const DIGIT = /\p{N}/u;
/** A word is a letter or digit followed by letters, digits and apostrophes (as /[\p{L}\p{N}][\p{L}\p{N}'’]*\/u). */
const WORD_CHAR = /^[\p{L}\p{N}]$/u;

/** The body words considered for terms (the lead carries the story; the tail drifts). */
export const BODY_TERM_WORDS = 400;

/** One word of a text: lower-cased form, whether it was capitalised, whether it opened a sentence. */
export interface Token {
  word: string;
  capital: boolean;
  initial: boolean;
}

// Whether each UTF-16 code unit is a letter or digit (\p{L} or \p{N}): 0 not known yet, 1 yes, 2 no.
// Filled on first sight (the regex runs once per distinct character, not once per word).
const unitClass = new Uint8Array(65_536);
for (let c = 0; c < 128; c++)
  unitClass[c] = (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) ? 1 : 2;
const astralClass = new Map<number, boolean>();

/** Code units of the letter or digit at `i` (2 for an astral code point), or 0 when there is none. */
function wordCharAt(text: string, i: number, n: number): number {
  const c = text.charCodeAt(i);
  if (c >= 0xd800 && c <= 0xdbff && i + 1 < n) {
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

/** Whether a code unit ends a sentence (. ! ? : ; " “ ” | newline, em and en dash). */
function isSentenceEnd(c: number): boolean {
  return (
    c === 46 ||
    c === 33 ||
    c === 63 ||
    c === 58 ||
    c === 59 ||
    c === 34 ||
    c === 0x201c ||
    c === 0x201d ||
    c === 124 ||
    c === 10 ||
    c === 0x2014 ||
    c === 0x2013
  );
}

/**
 * Calls `visit(start, end, initial, hash1, hash2)` for each word of a text (text.slice(start, end) is the
 * word as written; hash1 and hash2 two 32-bit hashes of its code units), at most `limit` counted words;
 * `visit` returns false for a word that does not count.
 * A word is sentence-initial when nothing but spaces/quotes/brackets separate it from a sentence end
 * (or it is the first word). One pass over the character codes: tokenising is the clusterer's main cost.
 */
export function scanWords(
  text: string,
  limit: number,
  visit: (start: number, end: number, initial: boolean, hash1: number, hash2: number) => boolean,
): void {
  const n = text.length;
  let count = 0;
  let prevEnd = 0;
  let i = 0;
  while (i < n) {
    const c0 = text.charCodeAt(i);
    const w = c0 < 128 ? (unitClass[c0] === 1 ? 1 : 0) : wordCharAt(text, i, n);
    if (w === 0) {
      i++;
      continue;
    }
    if (count >= limit) break;
    const start = i;
    // The hashes of the word's code units, apostrophes included, as the scan goes.
    let h1 = Math.imul(0x811c9dc5 ^ c0, 0x01000193);
    let h2 = Math.imul(0x01000193 ^ c0, 0x5bd1e995) ^ (0x01000193 >>> 13);
    if (w === 2) {
      const c1 = text.charCodeAt(i + 1);
      h1 = Math.imul(h1 ^ c1, 0x01000193);
      h2 = Math.imul(h2 ^ c1, 0x5bd1e995) ^ (h2 >>> 13);
    }
    i += w;
    while (i < n) {
      const c = text.charCodeAt(i);
      let l: number;
      if (c < 128) l = unitClass[c] === 1 || c === 39 ? 1 : 0;
      else l = c === 0x2019 ? 1 : wordCharAt(text, i, n);
      if (l === 0) break;
      h1 = Math.imul(h1 ^ c, 0x01000193);
      h2 = Math.imul(h2 ^ c, 0x5bd1e995) ^ (h2 >>> 13);
      if (l === 2) {
        const d = text.charCodeAt(i + 1);
        h1 = Math.imul(h1 ^ d, 0x01000193);
        h2 = Math.imul(h2 ^ d, 0x5bd1e995) ^ (h2 >>> 13);
      }
      i += l;
    }
    let initial = count === 0;
    if (!initial) {
      for (let j = start - 1; j >= prevEnd; j--) {
        const ch = text.charCodeAt(j);
        if (ch === 32 || ch === 9 || ch === 39 || ch === 0x2018 || ch === 40) continue;
        initial = isSentenceEnd(ch);
        break;
      }
    }
    prevEnd = i;
    if (visit(start, i, initial, h1, h2)) count++;
  }
}

/** Returns a written word lower-cased, apostrophes removed, a possessive 's dropped. */
export function normalWord(raw: string): string {
  const word = raw.toLowerCase();
  // Most words have no apostrophe: skip the two replaces for them.
  if (word.indexOf("'") < 0 && word.indexOf('’') < 0) return word;
  return word.replace(/['’]s$/u, '').replace(/['’]/gu, '');
}

/** Returns the tokens of a text (apostrophes removed, possessive 's dropped), at most `limit`. */
export function tokenize(text: string, limit = Infinity): Token[] {
  const out: Token[] = [];
  scanWords(text, limit, (start, end, initial) => {
    const raw = text.slice(start, end);
    const word = normalWord(raw);
    if (word.length === 0) return false;
    out.push({ word, capital: isUpperInitial(raw), initial });
    return true;
  });
  return out;
}

/** Whether a word opens with an upper-case letter (ASCII fast path, else Unicode \p{Lu}). */
export function isUpperInitial(raw: string): boolean {
  const c = raw.charCodeAt(0);
  if (c < 128) return c >= 65 && c <= 90;
  return UPPER.test(raw);
}

const stemCache = new Map<string, string | null>();

/** Returns the stemmed content term of a word, or null for a stop word / 1-letter word. */
export function termOf(word: string): string | null {
  let t = stemCache.get(word);
  if (t === undefined) {
    t = word.length < 2 || STOP.has(word) ? null : DIGIT.test(word) ? word : stemmer(word);
    // Bounded: a long-running daemon must not grow this forever.
    if (stemCache.size > 200_000) stemCache.clear();
    stemCache.set(word, t);
  }
  return t;
}

/** Whether a word can name something (a candidate entity): not a stop word, at least 2 characters. */
export function isNameable(word: string): boolean {
  return word.length >= 2 && !STOP.has(word);
}

/** Whether a word is a number-like token (counts, sums, dates: "62", "2015"). */
export function isNumberLike(word: string): boolean {
  return word.length >= 2 && DIGIT.test(word);
}

/** The tokenised fields of an item, the only text the clusterer looks at. */
export interface ItemText {
  title: Token[];
  summary: Token[];
  body: Token[];
}

/** Returns the tokenised headline, summary and body lead of an item. */
export function itemText(item: Pick<Item, 'title' | 'summary' | 'contentText'>): ItemText {
  // Only the lead is tokenised: nothing past BODY_TERM_WORDS is looked at (shingles() tokenises its own text).
  return {
    title: tokenize(item.title),
    summary: tokenize(item.summary),
    body: tokenize(item.contentText, BODY_TERM_WORDS),
  };
}

const WEEKDAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'];

/**
 * Returns the weekdays a text names (bit k: WEEKDAYS[k]). Stop words as terms, but two reports of
 * one event usually name the same day ("on Tuesday"), and reports of different events often do not.
 */
export function weekdayMask(text: ItemText): number {
  let mask = 0;
  for (const tokens of [text.title, text.summary, text.body]) for (const tok of tokens) mask |= weekdayBit(tok.word);
  return mask;
}

/** Returns a normalised word's weekday bit (bit k: WEEKDAYS[k]), or 0 when it names no weekday. */
export function weekdayBit(word: string): number {
  const k = word.length >= 6 && word.endsWith('day') ? WEEKDAYS.indexOf(word) : -1;
  return k >= 0 ? 1 << k : 0;
}

/** Field weights of the term vector: the headline says most about the story, the lead next. */
export const FIELD_WEIGHTS = { title: 3, summary: 1.5, body: 1 } as const;

/** Term counts of an item: the headline weighs 3, the summary 1.5, the first 400 words of the body 1. */
export function itemTermCounts(item: Pick<Item, 'title' | 'summary' | 'contentText'>): Map<string, number> {
  return termCounts(itemText(item));
}

/** Weighted stemmed-term counts of tokenised item text. */
function termCounts(text: ItemText): Map<string, number> {
  const counts = new Map<string, number>();
  const add = (tokens: Token[], weight: number) => {
    for (const tok of tokens) {
      const t = termOf(tok.word);
      if (t !== null) counts.set(t, (counts.get(t) ?? 0) + weight);
    }
  };
  add(text.title, FIELD_WEIGHTS.title);
  add(text.summary, FIELD_WEIGHTS.summary);
  add(text.body, FIELD_WEIGHTS.body);
  return counts;
}
