// The lead of an article's plain text: what the run keeps of it (docs/store.md, "Only the lead").
import { BODY_TERM_WORDS, scanWords } from '../cluster/text-features.js';

/**
 * Words of an article's text a run keeps: the body words the clusterer reads (BODY_TERM_WORDS, counted as its
 * tokeniser counts them). No output shows article text (render/ builds entries from titles and summaries), so
 * the words after these are read by nothing.
 */
export const LEAD_WORDS = BODY_TERM_WORDS;

/**
 * Fewest words a lead may keep: a cut lead is then at least 301 characters long (words are apart by at least one
 * character), longer than the summary (300 characters) and a fallback title, which normalisation takes from the text's
 * start, so they come out the same from the lead as from the whole text.
 */
export const MIN_LEAD_WORDS = 151;

/**
 * Returns `text` cut right after its `words`-th word (words as the clusterer's scanWords finds them), or `text`
 * itself when it has no more words than that. The clusterer reads the same words from either, with the same
 * sentence starts: it never looks past its `words`-th word.
 */
export function leadText(text: string, words: number = LEAD_WORDS): string {
  const end = leadEnd(text, words);
  return end < 0 ? text : text.slice(0, end);
}

/** Returns where the `words`-th word of `text` ends when a further word follows it, else -1 (nothing to cut). */
export function leadEnd(text: string, words: number): number {
  let count = 0;
  let end = -1;
  let more = false;
  scanWords(text, words + 1, (_start, wordEnd) => {
    if (++count === words) end = wordEnd;
    else if (count > words) more = true;
    return true;
  });
  return more ? end : -1;
}
