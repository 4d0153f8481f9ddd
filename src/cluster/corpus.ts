import type { Item } from '../model.js';
import { BODY_TERM_WORDS, FIELD_WEIGHTS, isNameable, isNumberLike, isUpperInitial, normalWord, scanWords, termOf, weekdayBit } from './text-features.js';

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
  /** The weekdays the item names (bit k: Monday + k), see weekdayMask. */
  days: number;
  /** Stemmed terms of headline, summary and body lead, TF-IDF weighted. */
  all: SparseVec;
  /** Stemmed headline terms, TF-IDF weighted. */
  title: SparseVec;
  /** Proper-noun-like words and numbers, IDF weighted. */
  ents: SparseVec;
  /** Term ids that look up candidate stories: the heaviest terms not common to much of the corpus. */
  query: Int32Array;
}

/** An item reduced to what profiles are made of: term ids (first-use order) with weighted counts. */
interface Digest {
  counts: Int32Array;
  weights: Float64Array;
  title: Int32Array;
  titleWeights: Float64Array;
  ents: Int32Array;
  days: number;
}

const ENTITY_PREFIX = '\u0000';
/** Terms in more than this share of the items are not used to look up candidates. */
const COMMON_SHARE = 0.02;
/** A word is name-like when capitalised in at least this share of its mid-sentence uses. */
const PROPER_SHARE = 0.6;
/** Headlines in Title Case say nothing about which words are names. */
const TITLE_CASE_SHARE = 0.6;

// What is known of a (lower-cased) word, bit flags of Corpus.wordFacts.
const NAMEABLE = 1;
const NUMBER = 2;
const LONG = 4; // at least 4 characters (title-case detection looks only at those)
// A token, packed in one int: word id << 2 | capital << 1 | initial.
const CAPITAL = 2;
const INITIAL = 1;

/**
 * Corpus statistics learned from the items seen: document frequencies and name-like words.
 * Words are interned (one id per distinct word, facts per word id), and a batch's tokens are held as
 * packed ints between the two passes, never as objects: tokenising is most of the clusterer's time.
 */
export class Corpus {
  private readonly ids = new Map<string, number>();
  private readonly names: string[] = [];
  private df: number[] = [];
  private n = 0;
  private readonly digests = new Map<string, Digest>();
  private idfCache: Float64Array | null = null;
  // The word lexicon: written forms (rows of hash1, hash2, length, 2 + (word id << 1 | capital)), and
  // lower-cased word → word id.
  private rawTable = new Int32Array(4 << 14);
  private rawForms = 0;
  private readonly wordIds = new Map<string, number>();
  private readonly words: string[] = [];
  private readonly wordFacts: number[] = [];
  /** Word id → term id (-1: no term, a stop word; -2: not looked up yet). */
  private readonly wordTerm: number[] = [];
  /** Word id → entity term id (-2: not assigned yet). */
  private readonly wordEnt: number[] = [];
  /** Per word: its weekday bit (weekdayBit), 0 for other words. */
  private readonly wordDay: number[] = [];
  /** Weekdays named by the texts scanned since last reset (weekdays are stop words: not kept as tokens). */
  private scanDays = 0;
  /** Word id → mid-sentence uses, and how many of them were capitalised. */
  private readonly midSentence: number[] = [];
  private readonly capital: number[] = [];
  // Scratch: per-term and per-word stamps and slots while one item is digested.
  private termStamp = new Int32Array(0);
  private termSlot = new Int32Array(0);
  private wordStamp: number[] = [];
  private stamp = 0;

  /** Learns from the items (each once, by id); call before profiling. */
  learn(items: Iterable<Pick<Item, 'id' | 'title' | 'summary' | 'contentText'>>): void {
    // First pass: tokens (only those that can be terms or names) and case counts of the whole batch.
    const fresh: { id: string; at: number; title: number; summary: number; body: number; days: number }[] = [];
    const buf = new TokenBuffer();
    for (const item of items) {
      if (this.digests.has(item.id)) continue;
      const at = buf.length;
      this.scanDays = 0;
      const title = this.scan(item.title, Infinity, buf);
      if (!this.isTitleCase(buf, at, buf.length)) this.countCase(buf, at, buf.length);
      const summaryAt = buf.length;
      const summary = this.scan(item.summary, Infinity, buf);
      const bodyAt = buf.length;
      const body = this.scan(item.contentText, BODY_TERM_WORDS, buf);
      this.countCase(buf, summaryAt, buf.length);
      fresh.push({ id: item.id, at, title, summary, body, days: this.scanDays });
    }
    // Second pass: which words are names is known only once the whole batch has been seen.
    const tokens = buf.data;
    for (const f of fresh) {
      if (this.digests.has(f.id)) continue;
      this.n++;
      const titleEnd = f.at + f.title;
      const summaryEnd = titleEnd + f.summary;
      const end = summaryEnd + f.body;
      this.ensureTerms();
      // Weighted term counts in first-use order: headline 3, summary 1.5, body lead 1.
      let stamp = ++this.stamp;
      const counts: number[] = [];
      const weights: number[] = [];
      for (let k = f.at; k < end; k++) {
        const t = this.termOfWord(tokens[k]! >> 2);
        if (t < 0) continue;
        const w = k < titleEnd ? FIELD_WEIGHTS.title : k < summaryEnd ? FIELD_WEIGHTS.summary : FIELD_WEIGHTS.body;
        this.ensureTerms();
        if (this.termStamp[t] !== stamp) {
          this.termStamp[t] = stamp;
          this.termSlot[t] = counts.length;
          counts.push(t);
          weights.push(w);
        } else weights[this.termSlot[t]!]! += w;
      }
      stamp = ++this.stamp;
      const title: number[] = [];
      const titleWeights: number[] = [];
      for (let k = f.at; k < titleEnd; k++) {
        const t = this.wordTerm[tokens[k]! >> 2]!;
        if (t < 0) continue;
        if (this.termStamp[t] !== stamp) {
          this.termStamp[t] = stamp;
          this.termSlot[t] = title.length;
          title.push(t);
          titleWeights.push(1);
        } else titleWeights[this.termSlot[t]!]! += 1;
      }
      // Name-like words (capitalised mid-sentence in most uses across the corpus) and numbers, in first-use order.
      stamp = ++this.stamp;
      const ents: number[] = [];
      for (let k = f.at; k < end; k++) {
        const code = tokens[k]!;
        const wid = code >> 2;
        if (this.wordStamp[wid] === stamp) continue;
        const facts = this.wordFacts[wid]!;
        let isName = false;
        if (facts & NUMBER) isName = true;
        else if (facts & NAMEABLE) {
          const mid = this.midSentence[wid]!;
          // Unseen mid-sentence: trust this occurrence's case (a capitalised word opening a headline is a guess).
          isName = mid === 0 ? (code & (CAPITAL | INITIAL)) === CAPITAL : this.capital[wid]! / mid >= PROPER_SHARE;
        }
        if (!isName) continue;
        this.wordStamp[wid] = stamp;
        let e = this.wordEnt[wid]!;
        if (e === -2) this.wordEnt[wid] = e = this.id(ENTITY_PREFIX + this.words[wid]!);
        ents.push(e);
      }
      for (const t of counts) this.df[t] = (this.df[t] ?? 0) + 1;
      for (const t of ents) this.df[t] = (this.df[t] ?? 0) + 1;
      this.digests.set(f.id, {
        counts: Int32Array.from(counts),
        weights: Float64Array.from(weights),
        title: Int32Array.from(title),
        titleWeights: Float64Array.from(titleWeights),
        ents: Int32Array.from(ents),
        days: f.days,
      });
    }
    this.idfCache = null;
  }

  /**
   * Forgets every learned item not in `keep`: its digest goes, and document frequencies and the item count
   * no longer include it (so IDF is that of the items kept and learned after). Words, term ids and case
   * counts stay. Lets one corpus follow a moving window of items without re-tokenising the ones that stay.
   */
  retain(keep: ReadonlySet<string>): void {
    for (const [id, d] of this.digests) {
      if (keep.has(id)) continue;
      for (const t of d.counts) this.df[t]!--;
      for (const t of d.ents) this.df[t]!--;
      this.n--;
      this.digests.delete(id);
    }
    this.idfCache = null;
  }

  /** Returns the profile of an item (learning it first if it is new). */
  profile(item: Pick<Item, 'id' | 'title' | 'summary' | 'contentText'>, source: string, time: number | null, queryTerms = 40): ItemProfile {
    if (!this.digests.has(item.id)) this.learn([item]);
    return this.profileOf(item.id, source, time, queryTerms);
  }

  /** Whether an item is learned (its digest is held). */
  has(itemId: string): boolean {
    return this.digests.has(itemId);
  }

  /** Returns the profile of a learned item (see has); throws for an item not learned. */
  profileOf(itemId: string, source: string, time: number | null, queryTerms = 40): ItemProfile {
    const digest = this.digests.get(itemId);
    if (!digest) throw new Error(`Corpus: item ${itemId} is not learned`);
    const idf = this.idf();
    this.ensureTerms();
    const all = this.weightedVec(digest.counts, digest.weights, idf);
    // A term in more than this many items finds too many stories to be worth looking up.
    const commonDf = Math.max(20, this.n * COMMON_SHARE);
    const w = all.raw;
    const order: number[] = [];
    for (let i = 0; i < digest.counts.length; i++) if ((this.df[digest.counts[i]!] ?? 0) <= commonDf) order.push(i);
    order.sort((a, b) => w[b]! - w[a]! || digest.counts[a]! - digest.counts[b]!);
    const query = new Int32Array(Math.min(queryTerms, order.length));
    for (let q = 0; q < query.length; q++) query[q] = digest.counts[order[q]!]!;
    const entW = new Float64Array(digest.ents.length);
    for (let i = 0; i < entW.length; i++) entW[i] = idf[digest.ents[i]!] ?? 1;
    return {
      id: itemId,
      source,
      time,
      days: digest.days,
      query,
      all: all.vec,
      title: this.weightedVec(digest.title, digest.titleWeights, idf).vec,
      ents: this.sortedVec(digest.ents, entW),
    };
  }

  /** The TF-IDF vector of term counts (log tf), unit length, ids ascending; `raw` has the unnormalised weights in input order. */
  private weightedVec(ids: Int32Array, counts: Float64Array, idf: Float64Array): { vec: SparseVec; raw: Float64Array } {
    const raw = new Float64Array(ids.length);
    for (let i = 0; i < ids.length; i++) raw[i] = (1 + Math.log(counts[i]!)) * (idf[ids[i]!] ?? 1);
    return { vec: this.sortedVec(ids, raw), raw };
  }

  /** As sparse(): the unit vector of distinct term ids and weights, ids ascending (a typed sort instead of a comparator). */
  private sortedVec(ids: Int32Array, w: Float64Array): SparseVec {
    let sq = 0;
    for (let i = 0; i < w.length; i++) sq += w[i]! * w[i]!;
    const norm = Math.sqrt(sq) || 1;
    const slot = this.termSlot;
    for (let i = 0; i < ids.length; i++) slot[ids[i]!] = i;
    const sorted = ids.slice().sort();
    const out = new Float64Array(ids.length);
    for (let i = 0; i < sorted.length; i++) out[i] = w[slot[sorted[i]!]!]! / norm;
    return { ids: sorted, w: out };
  }

  /**
   * Returns the weighted term counts of a learned item (term ids, in first-use order: the same terms,
   * counts and order as itemTermCounts gives by name), or undefined for an item not learned.
   */
  termCounts(itemId: string): ReadonlyMap<number, number> | undefined {
    const d = this.digests.get(itemId);
    if (!d) return undefined;
    const out = new Map<number, number>();
    for (let i = 0; i < d.counts.length; i++) out.set(d.counts[i]!, d.weights[i]!);
    return out;
  }

  /** As termCounts, as parallel arrays (term ids, weighted counts): the digest itself, not a copy. */
  termVector(itemId: string): { ids: Int32Array; counts: Float64Array } | undefined {
    const d = this.digests.get(itemId);
    return d ? { ids: d.counts, counts: d.weights } : undefined;
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

  /** The term id of a word (assigned on first use, as the original batch order gives), or -1. */
  private termOfWord(wid: number): number {
    let t = this.wordTerm[wid]!;
    if (t === -2) {
      const term = termOf(this.words[wid]!);
      this.wordTerm[wid] = t = term === null ? -1 : this.id(term);
    }
    return t;
  }

  /** Grows the per-term scratch arrays to the number of terms. */
  private ensureTerms(): void {
    if (this.termStamp.length >= this.ids.size + 1) return;
    const size = Math.max(1024, (this.ids.size + 1) * 2);
    const stamp = new Int32Array(size);
    stamp.set(this.termStamp);
    this.termStamp = stamp;
    const slot = new Int32Array(size);
    slot.set(this.termSlot);
    this.termSlot = slot;
  }

  /** Appends the tokens of a text that can be terms or names to `buf`; returns how many were appended. */
  private scan(text: string, limit: number, buf: TokenBuffer): number {
    const before = buf.length;
    scanWords(text, limit, (start, end, initial, h1, h2) => {
      const code = this.rawCode(text, start, end, h1, h2);
      if (code < 0) return false;
      this.scanDays |= this.wordDay[code >> 1]!;
      // Stop words and 1-letter words are neither terms nor names: counted as words, not kept.
      if ((this.wordFacts[code >> 1]! & (NAMEABLE | NUMBER)) !== 0) buf.push((code << 1) | (initial ? INITIAL : 0));
      return true;
    });
    return buf.length - before;
  }

  /**
   * Returns word id << 1 | capital for the word written as text.slice(start, end) (-1: no word). Written
   * forms are known by their two 32-bit hashes and length (one table row, no string made or compared for
   * a form seen before: the lookup is most of the tokenising time). A false match needs two forms of one
   * length to agree on 64 hash bits: about 1 in 10^10 for a million distinct forms.
   */
  private rawCode(text: string, start: number, end: number, h1: number, h2: number): number {
    const len = end - start;
    let table = this.rawTable;
    let mask = (table.length >> 2) - 1;
    let at = h1 & mask;
    for (;;) {
      const row = at << 2;
      const value = table[row + 3]!;
      if (value === 0) break;
      if (table[row] === h1 && table[row + 1] === h2 && table[row + 2] === len) return value - 2;
      at = (at + 1) & mask;
    }
    const raw = text.slice(start, end);
    const word = normalWord(raw);
    let wid = this.wordIds.get(word);
    if (wid === undefined) {
      wid = this.words.length;
      this.wordIds.set(word, wid);
      this.words.push(word);
      this.wordFacts.push((isNameable(word) ? NAMEABLE : 0) | (isNumberLike(word) ? NUMBER : 0) | (word.length >= 4 ? LONG : 0));
      this.wordTerm.push(-2);
      this.wordEnt.push(-2);
      this.wordDay.push(weekdayBit(word));
      this.midSentence.push(0);
      this.capital.push(0);
      this.wordStamp.push(0);
    }
    const code = word.length === 0 ? -1 : (wid << 1) | (isUpperInitial(raw) ? 1 : 0);
    const row = at << 2;
    table[row] = h1;
    table[row + 1] = h2;
    table[row + 2] = len;
    table[row + 3] = code + 2;
    // Kept at most half full.
    if (++this.rawForms * 2 > mask) {
      const old = table;
      this.rawTable = table = new Int32Array(old.length * 2);
      mask = (table.length >> 2) - 1;
      for (let r = 0; r < old.length; r += 4) {
        if (old[r + 3] === 0) continue;
        let to = old[r]! & mask;
        while (table[(to << 2) + 3] !== 0) to = (to + 1) & mask;
        table.set(old.subarray(r, r + 4), to << 2);
      }
    }
    return code;
  }

  private countCase(buf: TokenBuffer, from: number, to: number): void {
    const tokens = buf.data;
    for (let k = from; k < to; k++) {
      const code = tokens[k]!;
      const wid = code >> 2;
      if (code & INITIAL || !(this.wordFacts[wid]! & NAMEABLE)) continue;
      this.midSentence[wid]!++;
      if (code & CAPITAL) this.capital[wid]!++;
    }
  }

  /** Whether a headline is in Title Case (then its capitals say nothing about which words are names). */
  private isTitleCase(buf: TokenBuffer, from: number, to: number): boolean {
    const tokens = buf.data;
    let long = 0;
    let capital = 0;
    for (let k = from; k < to; k++) {
      const code = tokens[k]!;
      const facts = this.wordFacts[code >> 2]!;
      if (code & INITIAL || !(facts & LONG) || !(facts & NAMEABLE) || facts & NUMBER) continue;
      long++;
      if (code & CAPITAL) capital++;
    }
    return long > 0 && capital / long >= TITLE_CASE_SHARE;
  }
}

/** A growable array of packed tokens. */
class TokenBuffer {
  data = new Int32Array(1 << 16);
  length = 0;

  push(code: number): void {
    if (this.length === this.data.length) {
      const next = new Int32Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = code;
  }
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

