import { stemmer } from 'stemmer';
import { eng } from 'stopword';
import type { Item } from '../model.js';

// Turning an item's text into the evidence the clusterer compares: stemmed content terms per field,
// proper-noun-like words and numbers (entity candidates), and long word shingles (shared quotes,
// syndicated copies). Everything here is per item and pure; corpus statistics live in corpus.ts.

const STOP = new Set([
  ...eng,
  // news boilerplate that says nothing about which story it is
  'said', 'says', 'say', 'new', 'news', 'also', 'one', 'two', 'would', 'could', 'first', 'last', 'year', 'years',
  'week', 'time', 'like', 'just', 'get', 'got', 'make', 'made', 'read', 'more', 'via', 'watch', 'video', 'photo',
  'image', 'click', 'here', 'share', 'tweet', 'comment', 'comments', 'subscribe', 'newsletter', 'mr', 'mrs', 'ms',
  'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday', 'today', 'yesterday', 'tomorrow',
]);

const WORD = /[\p{L}\p{N}][\p{L}\p{N}'’]*/gu;
const UPPER = /^\p{Lu}/u;
const DIGIT = /\p{N}/u;
const SENTENCE_END = /[.!?:;"“”|\n\u2014\u2013]/u;

/** The body words considered for terms (the lead carries the story; the tail drifts). */
export const BODY_TERM_WORDS = 400;
/** The body words considered for shingles. */
export const BODY_SHINGLE_WORDS = 2000;
/** Words per shingle: long enough that a shared run is a shared quote or a syndicated copy. */
export const SHINGLE_SIZE = 8;

/** One word of a text: lower-cased form, whether it was capitalised, whether it opened a sentence. */
export interface Token {
  word: string;
  capital: boolean;
  initial: boolean;
}

/** Returns the tokens of a text (apostrophes removed, possessive 's dropped), at most `limit`. */
export function tokenize(text: string, limit = Infinity): Token[] {
  const out: Token[] = [];
  let prevEnd = 0;
  for (const m of text.matchAll(WORD)) {
    if (out.length >= limit) break;
    const raw = m[0];
    const start = m.index;
    // Sentence-initial when nothing but spaces/quotes separate it from a sentence end (or the text start).
    let initial = out.length === 0;
    if (!initial) {
      for (let i = start - 1; i >= prevEnd; i--) {
        const ch = text[i]!;
        if (ch === ' ' || ch === '\t' || ch === "'" || ch === '‘' || ch === '(') continue;
        initial = SENTENCE_END.test(ch);
        break;
      }
    }
    prevEnd = start + raw.length;
    let word = raw.toLowerCase();
    // Most words have no apostrophe: skip the two replaces for them.
    if (word.indexOf("'") >= 0 || word.indexOf('’') >= 0) word = word.replace(/['’]s$/u, '').replace(/['’]/gu, '');
    if (word.length === 0) continue;
    out.push({ word, capital: isUpperInitial(raw), initial });
  }
  return out;
}

/** Whether a word opens with an upper-case letter (ASCII fast path, else Unicode \p{Lu}). */
function isUpperInitial(raw: string): boolean {
  const c = raw.charCodeAt(0);
  if (c < 128) return c >= 65 && c <= 90;
  return UPPER.test(raw);
}

/** Returns the lower-cased words of a text, apostrophes removed. */
export function words(text: string): string[] {
  return tokenize(text).map((t) => t.word);
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

/** Returns the stemmed content terms of a text (stop words and 1-letter words dropped). */
export function terms(text: string): string[] {
  const out: string[] = [];
  for (const tok of tokenize(text)) {
    const t = termOf(tok.word);
    if (t !== null) out.push(t);
  }
  return out;
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
  for (const tokens of [text.title, text.summary, text.body]) {
    for (const tok of tokens) {
      const k = tok.word.length >= 6 && tok.word.endsWith('day') ? WEEKDAYS.indexOf(tok.word) : -1;
      if (k >= 0) mask |= 1 << k;
    }
  }
  return mask;
}

/** Field weights of the term vector: the headline says most about the story, the lead next. */
export const FIELD_WEIGHTS = { title: 3, summary: 1.5, body: 1 } as const;

/** Term counts of an item: the headline weighs 3, the summary 1.5, the first 400 words of the body 1. */
export function itemTermCounts(item: Pick<Item, 'title' | 'summary' | 'contentText'>): Map<string, number> {
  return termCounts(itemText(item));
}

/** Weighted stemmed-term counts of tokenised item text. */
export function termCounts(text: ItemText): Map<string, number> {
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

/**
 * Returns a 64-bit hash (two int32 halves, interleaved) of every run of `size` consecutive words
 * (stop words kept) of each word list (a run repeated in the text appears twice).
 */
export function shingleHashes(lists: readonly (readonly string[])[], size = SHINGLE_SIZE): Int32Array {
  let total = 0;
  for (const w of lists) total += Math.max(0, w.length - size + 1);
  const out = new Int32Array(total * 2);
  let n = 0;
  for (const w of lists) {
    if (w.length < size) continue;
    const h1 = new Int32Array(w.length);
    const h2 = new Int32Array(w.length);
    for (let i = 0; i < w.length; i++) {
      const s = w[i]!;
      let a = 0x811c9dc5;
      let b = 0x01000193;
      for (let k = 0; k < s.length; k++) {
        const c = s.charCodeAt(k);
        a = Math.imul(a ^ c, 0x01000193);
        b = Math.imul(b ^ c, 0x5bd1e995) ^ (b >>> 13);
      }
      h1[i] = a;
      h2[i] = b;
    }
    for (let i = 0; i + size <= w.length; i++) {
      let a = 0x811c9dc5;
      let b = 0x01000193;
      for (let k = i; k < i + size; k++) {
        a = Math.imul(a ^ h1[k]!, 0x01000193);
        b = Math.imul(b ^ h2[k]!, 0x5bd1e995) ^ (b >>> 15);
      }
      out[n++] = a;
      out[n++] = b;
    }
  }
  return out.subarray(0, n);
}

/** Returns every run of `size` consecutive words (stop words kept) in a text, as strings. */
export function shingles(text: string, size = SHINGLE_SIZE): Set<string> {
  const w = tokenize(text, BODY_SHINGLE_WORDS).map((t) => t.word);
  const out = new Set<string>();
  for (let i = 0; i + size <= w.length; i++) out.add(w.slice(i, i + size).join(' '));
  return out;
}
