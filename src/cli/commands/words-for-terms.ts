import { termOf, tokenize } from '../../cluster/text-features.js';
import type { Item } from '../../model.js';

/**
 * Returns, for each stemmed term, the word the articles most often wrote it as ("violenc" → "violence"), so
 * `explain` shows words a reader knows; a term no article spells out stays as it is. Uses the clusterer's own
 * tokenizer and stemmer, so a word maps to exactly the term the clusterer counted.
 */
export function wordsForTerms(terms: readonly string[], items: readonly Pick<Item, 'title' | 'summary' | 'contentText'>[]): Map<string, string> {
  const wanted = new Set(terms);
  const seen = new Map<string, Map<string, number>>();
  for (const item of items) {
    for (const text of [item.title, item.summary, item.contentText]) {
      for (const { word } of tokenize(text)) {
        const term = termOf(word);
        if (term === null || !wanted.has(term)) continue;
        const counts = seen.get(term) ?? new Map<string, number>();
        counts.set(word, (counts.get(word) ?? 0) + 1);
        seen.set(term, counts);
      }
    }
  }
  const out = new Map<string, string>();
  for (const term of terms) {
    const counts = seen.get(term);
    if (!counts) {
      out.set(term, term);
      continue;
    }
    // The most frequent spelling; ties go to the shorter, then the alphabetically first, so output is stable.
    const [best] = [...counts].sort(([a, x], [b, y]) => y - x || a.length - b.length || (a < b ? -1 : a > b ? 1 : 0));
    out.set(term, best![0]);
  }
  return out;
}
