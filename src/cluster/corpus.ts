import type { Item } from '../model.js';
import { isNameable, isNumberLike, itemText, termCounts, termOf, weekdayMask, type ItemText, type Token } from './text-features.js';

// Corpus statistics (IDF, which words are names) and item profiles (weighted sparse vectors), learned
// from the items given. Shared by clusterItems and the offline trainer (scripts/train-cluster.mjs), so
// the model is trained on exactly the features it is used with.

/** A sparse vector, unit length, ids ascending. */
export interface SparseVec {
  ids: Int32Array;
  w: Float64Array;
}

/** What the clusterer knows about one item. */
export interface ItemProfile {
  id: string;
  /** Outlet key: items sharing it come from the same outlet. */
  source: string;
  /** Epoch ms of the item's own date, or null (no time constraint). */
  time: number | null;
  /** Stemmed terms of headline, summary and body lead, TF-IDF weighted. */
  all: SparseVec;
  /** Stemmed headline terms, TF-IDF weighted. */
  title: SparseVec;
  /** Proper-noun-like words and numbers, IDF weighted. */
  ents: SparseVec;
  /** The weekdays the item names (bit k: Monday + k), see weekdayMask. */
  days: number;
  /** Term ids that look up candidate stories: the heaviest terms not common to much of the corpus. */
  query: Int32Array;
}

/** An item reduced to what profiles are made of (term ids and counts). */
interface Digest {
  counts: Map<number, number>;
  title: Map<number, number>;
  ents: number[];
  days: number;
}

const ENTITY_PREFIX = '\u0000';
/** Terms in more than this share of the items are not used to look up candidates. */
const COMMON_SHARE = 0.02;
/** A word is name-like when capitalised in at least this share of its mid-sentence uses. */
const PROPER_SHARE = 0.6;
/** Headlines in Title Case say nothing about which words are names. */
const TITLE_CASE_SHARE = 0.6;

/** Corpus statistics learned from the items seen: document frequencies and name-like words. */
export class Corpus {
  private readonly ids = new Map<string, number>();
  private readonly names: string[] = [];
  private df: number[] = [];
  private n = 0;
  private readonly digests = new Map<string, Digest>();
  private readonly capital = new Map<string, number>();
  private readonly midSentence = new Map<string, number>();
  private idfCache: Float64Array | null = null;

  /** Learns from the items (each once, by id); call before profiling. */
  learn(items: Iterable<Pick<Item, 'id' | 'title' | 'summary' | 'contentText'>>): void {
    const fresh: [string, ItemText][] = [];
    for (const item of items) {
      if (this.digests.has(item.id)) continue;
      const text = itemText(item);
      fresh.push([item.id, text]);
      this.countCase(text.summary);
      this.countCase(text.body);
      if (!isTitleCase(text.title)) this.countCase(text.title);
    }
    // Second pass: which words are names is known only once the whole batch has been seen.
    for (const [id, text] of fresh) {
      if (this.digests.has(id)) continue;
      this.n++;
      const counts = new Map<number, number>();
      for (const [t, c] of termCounts(text)) counts.set(this.id(t), c);
      const title = new Map<number, number>();
      for (const tok of text.title) {
        const t = termOf(tok.word);
        if (t !== null) {
          const tid = this.id(t);
          title.set(tid, (title.get(tid) ?? 0) + 1);
        }
      }
      const ents = [...this.entityWords(text)].map((e) => this.id(ENTITY_PREFIX + e));
      for (const tid of counts.keys()) this.df[tid] = (this.df[tid] ?? 0) + 1;
      for (const tid of ents) this.df[tid] = (this.df[tid] ?? 0) + 1;
      this.digests.set(id, { counts, title, ents, days: weekdayMask(text) });
    }
    this.idfCache = null;
  }

  /** Returns the profile of an item (learning it first if it is new). */
  profile(item: Item, source: string, time: number | null, queryTerms = 40): ItemProfile {
    let digest = this.digests.get(item.id);
    if (!digest) {
      this.learn([item]);
      digest = this.digests.get(item.id)!;
    }
    const idf = this.idf();
    const weighted = (counts: Map<number, number>): [number[], number[]] => {
      const ids: number[] = [];
      const w: number[] = [];
      for (const [id, c] of counts) {
        ids.push(id);
        w.push((1 + Math.log(c)) * (idf[id] ?? 1));
      }
      return [ids, w];
    };
    const [allIds, allW] = weighted(digest.counts);
    const [tIds, tW] = weighted(digest.title);
    // A term in more than this many items finds too many stories to be worth looking up.
    const commonDf = Math.max(20, this.n * COMMON_SHARE);
    const query = allIds
      .map((id, i) => [id, allW[i]!] as const)
      .filter(([id]) => (this.df[id] ?? 0) <= commonDf)
      .sort((a, b) => b[1] - a[1] || a[0] - b[0])
      .slice(0, queryTerms)
      .map(([id]) => id);
    return {
      id: item.id,
      source,
      time,
      days: digest.days,
      query: Int32Array.from(query),
      all: sparse(allIds, allW),
      title: sparse(tIds, tW),
      ents: sparse(
        digest.ents,
        digest.ents.map((id) => idf[id] ?? 1),
      ),
    };
  }

  /**
   * Returns the weighted term counts of a learned item (term ids, in first-use order: the same terms,
   * counts and order as itemTermCounts gives by name), or undefined for an item not learned.
   */
  termCounts(itemId: string): ReadonlyMap<number, number> | undefined {
    return this.digests.get(itemId)?.counts;
  }

  /** Returns the term behind a term id. */
  termName(id: number): string {
    return this.names[id] ?? '';
  }


  private idf(): Float64Array {
    if (this.idfCache && this.idfCache.length === this.ids.size) return this.idfCache;
    const out = new Float64Array(this.ids.size);
    for (let i = 0; i < out.length; i++) out[i] = (Math.log((this.n + 1) / ((this.df[i] ?? 0) + 1)) + 1);
    this.idfCache = out;
    return out;
  }

  private id(term: string): number {
    let id = this.ids.get(term);
    if (id === undefined) {
      id = this.ids.size;
      this.ids.set(term, id);
      this.names.push(term);
    }
    return id;
  }

  private countCase(tokens: Token[]): void {
    for (const tok of tokens) {
      if (tok.initial || !isNameable(tok.word)) continue;
      this.midSentence.set(tok.word, (this.midSentence.get(tok.word) ?? 0) + 1);
      if (tok.capital) this.capital.set(tok.word, (this.capital.get(tok.word) ?? 0) + 1);
    }
  }

  /** Name-like words (capitalised mid-sentence in most uses across the corpus) and numbers of a text. */
  private entityWords(text: ItemText): Set<string> {
    const out = new Set<string>();
    for (const tokens of [text.title, text.summary, text.body]) {
      for (const tok of tokens) {
        if (isNumberLike(tok.word)) out.add(tok.word);
        else if (isNameable(tok.word)) {
          const mid = this.midSentence.get(tok.word) ?? 0;
          const cap = this.capital.get(tok.word) ?? 0;
          // Unseen mid-sentence: trust this occurrence's case (a capitalised word opening a headline is a guess).
          if (mid === 0 ? tok.capital && !tok.initial : cap / mid >= PROPER_SHARE) out.add(tok.word);
        }
      }
    }
    return out;
  }
}

function isTitleCase(tokens: Token[]): boolean {
  let long = 0;
  let capital = 0;
  for (const tok of tokens) {
    if (tok.initial || tok.word.length < 4 || !isNameable(tok.word) || isNumberLike(tok.word)) continue;
    long++;
    if (tok.capital) capital++;
  }
  return long > 0 && capital / long >= TITLE_CASE_SHARE;
}

export function sparse(ids: number[], w: number[]): SparseVec {
  const order = ids.map((_, i) => i).sort((a, b) => ids[a]! - ids[b]!);
  let sq = 0;
  for (const x of w) sq += x * x;
  const norm = Math.sqrt(sq) || 1;
  const out: SparseVec = { ids: new Int32Array(ids.length), w: new Float64Array(ids.length) };
  order.forEach((from, to) => {
    out.ids[to] = ids[from]!;
    out.w[to] = w[from]! / norm;
  });
  return out;
}

/** Returns the dot product (the cosine, for unit vectors) of two sparse vectors. */
export function dotSparse(a: SparseVec, b: SparseVec): number {
  let i = 0;
  let j = 0;
  let dot = 0;
  while (i < a.ids.length && j < b.ids.length) {
    const x = a.ids[i]!;
    const y = b.ids[j]!;
    if (x === y) dot += a.w[i++]! * b.w[j++]!;
    else if (x < y) i++;
    else j++;
  }
  return dot;
}

