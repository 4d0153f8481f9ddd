import { stemmer } from 'stemmer';
import { eng } from 'stopword';
import type { Item } from '../model.js';

// Turning an item's text into the evidence the clusterer compares: weighted stemmed terms and
// long word shingles (shared quotes, syndicated copies).

const STOP = new Set([
  ...eng,
  // news boilerplate that says nothing about which story it is
  'said', 'says', 'say', 'new', 'news', 'also', 'one', 'two', 'would', 'could', 'first', 'last', 'year', 'years',
  'week', 'time', 'like', 'just', 'get', 'got', 'make', 'made', 'read', 'more', 'via', 'watch', 'video', 'photo',
  'image', 'click', 'here', 'share', 'tweet', 'comment', 'comments', 'subscribe', 'newsletter',
]);

const WORD = /[\p{L}\p{N}][\p{L}\p{N}'’]*/gu;

/** Returns the lower-cased words of a text, apostrophes removed. */
export function words(text: string): string[] {
  const out: string[] = [];
  for (const m of text.toLowerCase().matchAll(WORD)) out.push(m[0].replace(/['’]s$/u, '').replace(/['’]/gu, ''));
  return out;
}

/** Returns the stemmed content terms of a text (stop words and 1-letter words dropped). */
export function terms(text: string): string[] {
  const out: string[] = [];
  for (const w of words(text)) {
    if (w.length < 2 || STOP.has(w)) continue;
    out.push(/^\p{N}+$/u.test(w) ? w : stemmer(w));
  }
  return out;
}

/** Term counts of an item: the headline weighs 3, the summary 1.5, the first 400 words of the body 1. */
export function itemTermCounts(item: Pick<Item, 'title' | 'summary' | 'contentText'>): Map<string, number> {
  const counts = new Map<string, number>();
  const add = (text: string, weight: number) => {
    for (const t of terms(text)) counts.set(t, (counts.get(t) ?? 0) + weight);
  };
  add(item.title, 3);
  add(item.summary, 1.5);
  add(firstWords(item.contentText, 400), 1);
  return counts;
}

/** Hashes of every run of `size` consecutive words (stop words kept) in the body text. */
export function shingles(text: string, size = 8): Set<string> {
  const w = words(firstWords(text, 2000));
  const out = new Set<string>();
  for (let i = 0; i + size <= w.length; i++) out.add(w.slice(i, i + size).join(' '));
  return out;
}

function firstWords(text: string, n: number): string {
  let count = 0;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === ' ' && ++count >= n) return text.slice(0, i);
  }
  return text;
}
