import type { Item } from '../model.js';
import { Scratch } from './scratch.js';
import {
  BODY_TERM_WORDS,
  FIELD_WEIGHTS,
  isNameable,
  isNumberLike,
  isUpperInitial,
  normalWord,
  scanWords,
  termOf,
  weekdayBit,
} from './text-features.js';
import { ClusterError } from '../lib/errors.js';

// Corpus statistics (IDF, which words are names) and item profiles (weighted sparse vectors), learned
// from the items given. Shared by clusterItems and the offline trainer (tools/eval/train-cluster.ts), so
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

/** Sparse vectors of many items in flat arrays: item i's ids and weights are [at[i], at[i + 1]). */
export interface SparseRows {
  ids: Int32Array;
  w: Float64Array;
  at: Int32Array;
}

/** The profiles (ItemProfile) of a batch of items in flat arrays, item i being row i: no object per item. */
export interface ProfileTable {
  count: number;
  /** Epoch ms of each item's own date, NaN for none (no time constraint). */
  time: Float64Array;
  days: Int32Array;
  all: SparseRows;
  title: SparseRows;
  ents: SparseRows;
  /** Query term ids: [queryAt[i], queryAt[i + 1]). */
  query: Int32Array;
  queryAt: Int32Array;
}

// A digest: an item reduced to what profiles are made of, kept in Corpus.arena at its offset o:
// [o] term count c, [o+1] headline term count h, [o+2] name count e, [o+3] weekday bits, then c term ids
// (first-use order), c weighted counts in half units (FIELD_WEIGHTS are multiples of 0.5, so the sums are
// exact), h headline term ids, h headline counts, e name term ids.
const DIGEST_HEAD = 4;
const HALF_WEIGHTS = {
  title: FIELD_WEIGHTS.title * 2,
  summary: FIELD_WEIGHTS.summary * 2,
  body: FIELD_WEIGHTS.body * 2,
};
if (!Object.values(HALF_WEIGHTS).every(Number.isInteger))
  throw new ClusterError('cluster/invariant', 'corpus: FIELD_WEIGHTS must be multiples of 0.5');

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
  /** Learned item id → offset of its digest in `arena`. */
  private readonly digestAt = new Map<string, number>();
  private arena = new Int32Array(1 << 16);
  private arenaEnd = 0;
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
  private halfWeights = new Int32Array(1024);
  private orderScratch = new Int32Array(1024);
  // Scratch of profileRows: one item's raw weights, and the order of its query terms.
  private rawScratch = new Float64Array(1024);

  /** `scratch`: where a batch's tokens go while it is learned (see Scratch); none: an array of their own. */
  constructor(private readonly scratch?: Scratch) {}

  /** Learns from the items (each once, by id); call before profiling. */
  learn(items: Iterable<Pick<Item, 'id' | 'title' | 'summary' | 'contentText'>>): void {
    // First pass: tokens (only those that can be terms or names) and case counts of the whole batch.
    const fresh: { id: string; at: number; title: number; summary: number; body: number; days: number }[] = [];
    // A batch's tokens (tens of MB in a cold run's slice) in the scratch region when there is one: the memory
    // the batch's profiles and graph take next.
    const buf = new TokenBuffer(this.scratch?.int32Room(1 << 16));
    for (const item of items) {
      if (this.digestAt.has(item.id)) continue;
      const at = buf.length;
      this.scanDays = 0;
      const title = this.scan(item.title, Infinity, buf);
      if (!this.isTitleCase(buf, at, buf.length)) this.countCase(buf, at, buf.length);
      const summaryAt = buf.length;
      const summary = this.scan(item.summary, Infinity, buf);
      const body = this.scan(item.contentText, BODY_TERM_WORDS, buf);
      this.countCase(buf, summaryAt, buf.length);
      fresh.push({ id: item.id, at, title, summary, body, days: this.scanDays });
    }
    // Second pass: which words are names is known only once the whole batch has been seen.
    const tokens = buf.data;
    for (const f of fresh) {
      if (this.digestAt.has(f.id)) continue;
      this.n++;
      const titleEnd = f.at + f.title;
      const summaryEnd = titleEnd + f.summary;
      const end = summaryEnd + f.body;
      this.ensureTerms();
      // The digest is written in place at the end of the arena: room for its largest possible size first.
      const tokenCount = end - f.at;
      this.ensureArena(DIGEST_HEAD + 2 * tokenCount + 2 * f.title + tokenCount);
      const arena = this.arena;
      const o = this.arenaEnd;
      // Weighted term counts in first-use order: headline 3, summary 1.5, body lead 1.
      let stamp = ++this.stamp;
      const ids = o + DIGEST_HEAD;
      let c = 0;
      for (let k = f.at; k < end; k++) {
        const t = this.termOfWord(tokens[k]! >> 2);
        if (t < 0) continue;
        const w = k < titleEnd ? HALF_WEIGHTS.title : k < summaryEnd ? HALF_WEIGHTS.summary : HALF_WEIGHTS.body;
        this.ensureTerms();
        if (this.termStamp[t] !== stamp) {
          this.termStamp[t] = stamp;
          this.termSlot[t] = c;
          arena[ids + c] = t;
          // Weights go after the ids once their number is known: kept at the far end meanwhile.
          this.halfScratch(c + 1)[c] = w;
          c++;
        } else this.halfWeights[this.termSlot[t]!]! += w;
      }
      arena.set(this.halfWeights.subarray(0, c), ids + c);
      stamp = ++this.stamp;
      const titleIds = ids + 2 * c;
      let h = 0;
      for (let k = f.at; k < titleEnd; k++) {
        const t = this.wordTerm[tokens[k]! >> 2]!;
        if (t < 0) continue;
        if (this.termStamp[t] !== stamp) {
          this.termStamp[t] = stamp;
          this.termSlot[t] = h;
          arena[titleIds + h] = t;
          this.halfScratch(h + 1)[h] = 1;
          h++;
        } else this.halfWeights[this.termSlot[t]!]! += 1;
      }
      arena.set(this.halfWeights.subarray(0, h), titleIds + h);
      // Name-like words (capitalised mid-sentence in most uses across the corpus) and numbers, in first-use order.
      stamp = ++this.stamp;
      const entIds = titleIds + 2 * h;
      let e = 0;
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
        let ent = this.wordEnt[wid]!;
        if (ent === -2) this.wordEnt[wid] = ent = this.id(ENTITY_PREFIX + this.words[wid]!);
        arena[entIds + e++] = ent;
      }
      for (let i = 0; i < c; i++) this.df[arena[ids + i]!] = (this.df[arena[ids + i]!] ?? 0) + 1;
      for (let i = 0; i < e; i++) this.df[arena[entIds + i]!] = (this.df[arena[entIds + i]!] ?? 0) + 1;
      arena[o] = c;
      arena[o + 1] = h;
      arena[o + 2] = e;
      arena[o + 3] = f.days;
      this.arenaEnd = entIds + e;
      this.digestAt.set(f.id, o);
    }
    // The token array (grown past the scratch regions in a first batch) is memory the next phases can use.
    this.scratch?.keep(buf.data, buf.length);
    this.idfCache = null;
  }

  /**
   * Forgets every learned item not in `keep`: its digest goes, and document frequencies and the item count
   * no longer include it (so IDF is that of the items kept and learned after). Words, term ids and case
   * counts stay. Lets one corpus follow a moving window of items without re-tokenising the ones that stay.
   */
  retain(keep: ReadonlySet<string>): void {
    const arena = this.arena;
    let kept = 0;
    for (const [id, o] of this.digestAt) {
      if (keep.has(id)) {
        kept += digestSize(arena, o);
        continue;
      }
      const ids = o + DIGEST_HEAD;
      for (let i = 0; i < arena[o]!; i++) this.df[arena[ids + i]!]!--;
      const ents = ids + 2 * arena[o]! + 2 * arena[o + 1]!;
      for (let i = 0; i < arena[o + 2]!; i++) this.df[arena[ents + i]!]!--;
      this.n--;
      this.digestAt.delete(id);
    }
    // The digests kept move down the arena, in learning order (which is offset order), closing the gaps.
    if (kept < this.arenaEnd) {
      let end = 0;
      for (const [id, o] of this.digestAt) {
        const size = digestSize(arena, o);
        if (o !== end) arena.copyWithin(end, o, o + size);
        this.digestAt.set(id, end);
        end += size;
      }
      this.arenaEnd = end;
    }
    this.idfCache = null;
  }

  /** Makes room for `size` more ints at the end of the arena. */
  private ensureArena(size: number): void {
    if (this.arenaEnd + size <= this.arena.length) return;
    const next = new Int32Array(Math.max(this.arenaEnd + size, Math.ceil(this.arena.length * 1.5)));
    next.set(this.arena.subarray(0, this.arenaEnd));
    this.arena = next;
  }

  /** The scratch array of one digest's weights (half units) while its terms are counted, at least `size` long. */
  private halfScratch(size: number): Int32Array {
    if (this.halfWeights.length < size) {
      const next = new Int32Array(Math.max(size, this.halfWeights.length * 2));
      next.set(this.halfWeights);
      this.halfWeights = next;
    }
    return this.halfWeights;
  }

  /** Returns the profile of an item (learning it first if it is new). */
  profile(
    item: Pick<Item, 'id' | 'title' | 'summary' | 'contentText'>,
    source: string,
    time: number | null,
    queryTerms = 40,
  ): ItemProfile {
    if (!this.digestAt.has(item.id)) this.learn([item]);
    return profileRow(this.profileTable([item.id], [time], queryTerms), 0, item.id, source);
  }

  /** Whether an item is learned (its digest is held). */
  has(itemId: string): boolean {
    return this.digestAt.has(itemId);
  }

  /**
   * Returns the profiles of learned items (see has; throws for an item not learned), row i for itemIds[i] with
   * times[i]: the same vectors as `profile` gives, in flat arrays.
   */
  profileTable(
    itemIds: readonly string[],
    times: readonly (number | null)[],
    queryTerms = 40,
    scratch = new Scratch(),
  ): ProfileTable {
    const arena = this.arena;
    const offsets = itemIds.map((id) => {
      const o = this.digestAt.get(id);
      if (o === undefined) throw new ClusterError('cluster/invariant', `Corpus: item ${id} is not learned`);
      return o;
    });
    const count = itemIds.length;
    let allSize = 0;
    let titleSize = 0;
    let entSize = 0;
    let querySize = 0;
    for (const o of offsets) {
      allSize += arena[o]!;
      titleSize += arena[o + 1]!;
      entSize += arena[o + 2]!;
      querySize += Math.min(queryTerms, arena[o]!);
    }
    const rows = (size: number): SparseRows => ({
      ids: scratch.int32s(size),
      w: scratch.float64s(size),
      at: scratch.int32s(count + 1),
    });
    const table: ProfileTable = {
      count,
      time: scratch.float64s(count),
      days: scratch.int32s(count),
      all: rows(allSize),
      title: rows(titleSize),
      ents: rows(entSize),
      query: scratch.int32s(querySize),
      queryAt: scratch.int32s(count + 1),
    };
    const idf = this.idf();
    this.ensureTerms();
    // A term in more than this many items finds too many stories to be worth looking up.
    const commonDf = Math.max(20, this.n * COMMON_SHARE);
    let q = 0;
    for (let r = 0; r < count; r++) {
      const o = offsets[r]!;
      const c = arena[o]!;
      const h = arena[o + 1]!;
      const e = arena[o + 2]!;
      const ids = o + DIGEST_HEAD;
      const titleIds = ids + 2 * c;
      const entIds = titleIds + 2 * h;
      table.time[r] = times[r] ?? NaN;
      table.days[r] = arena[o + 3]!;
      // TF-IDF (log tf) of the terms, unit length.
      if (this.rawScratch.length < c) this.rawScratch = new Float64Array(Math.max(c, this.rawScratch.length * 2));
      const raw = this.rawScratch;
      for (let i = 0; i < c; i++) raw[i] = (1 + Math.log(arena[ids + c + i]! / 2)) * (idf[arena[ids + i]!] ?? 1);
      this.sortedRow(arena, ids, raw, c, table.all, r);
      // The query terms: the heaviest not common to much of the corpus.
      if (this.orderScratch.length < c) this.orderScratch = new Int32Array(Math.max(c, this.orderScratch.length * 2));
      let m = 0;
      for (let i = 0; i < c; i++) if ((this.df[arena[ids + i]!] ?? 0) <= commonDf) this.orderScratch[m++] = i;
      // A total order (term ids are distinct): any sort gives the same.
      const order = this.orderScratch
        .subarray(0, m)
        .sort((a, b) => raw[b]! - raw[a]! || arena[ids + a]! - arena[ids + b]!);
      const take = Math.min(queryTerms, order.length);
      for (let k = 0; k < take; k++) table.query[q++] = arena[ids + order[k]!]!;
      table.queryAt[r + 1] = q;
      for (let i = 0; i < h; i++) raw[i] = (1 + Math.log(arena[titleIds + h + i]!)) * (idf[arena[titleIds + i]!] ?? 1);
      this.sortedRow(arena, titleIds, raw, h, table.title, r);
      if (raw.length < e) this.rawScratch = new Float64Array(Math.max(e, raw.length * 2));
      const entW = this.rawScratch;
      for (let i = 0; i < e; i++) entW[i] = idf[arena[entIds + i]!] ?? 1;
      this.sortedRow(arena, entIds, entW, e, table.ents, r);
    }
    if (q < querySize) table.query = table.query.subarray(0, q);
    return table;
  }

  /**
   * Writes row r of `rows`: the unit vector of the distinct term ids src[from, from + n) with weights w[0, n), ids
   * ascending (as sparse(), with a typed sort instead of a comparator); rows r' < r are written already.
   */
  private sortedRow(src: Int32Array, from: number, w: Float64Array, n: number, rows: SparseRows, r: number): void {
    let sq = 0;
    for (let i = 0; i < n; i++) sq += w[i]! * w[i]!;
    const norm = Math.sqrt(sq) || 1;
    const slot = this.termSlot;
    for (let i = 0; i < n; i++) slot[src[from + i]!] = i;
    const at = rows.at[r]!;
    const sorted = rows.ids.subarray(at, at + n);
    sorted.set(src.subarray(from, from + n));
    sorted.sort();
    for (let i = 0; i < n; i++) rows.w[at + i] = w[slot[sorted[i]!]!]! / norm;
    rows.at[r + 1] = at + n;
  }

  /**
   * Returns the weighted term counts of a learned item (term ids, in first-use order: the same terms,
   * counts and order as itemTermCounts gives by name), or undefined for an item not learned.
   */
  termCounts(itemId: string): ReadonlyMap<number, number> | undefined {
    const v = this.termVector(itemId);
    if (!v) return undefined;
    const out = new Map<number, number>();
    for (let i = 0; i < v.ids.length; i++) out.set(v.ids[i]!, v.counts[i]!);
    return out;
  }

  /**
   * Where a learned item's term counts are (no copy): its term ids are arena[ids, ids + length) and their
   * weighted counts, in half units, arena[ids + length, ids + 2 * length); valid until the next learn or retain.
   */
  termRow(itemId: string): { arena: Int32Array; ids: number; length: number } | undefined {
    const o = this.digestAt.get(itemId);
    return o === undefined ? undefined : { arena: this.arena, ids: o + DIGEST_HEAD, length: this.arena[o]! };
  }

  /**
   * As termCounts, as parallel arrays (term ids, weighted counts); `ids` is a view of the digest, valid until the next
   * learn or retain.
   */
  termVector(itemId: string): { ids: Int32Array; counts: Float64Array } | undefined {
    const o = this.digestAt.get(itemId);
    if (o === undefined) return undefined;
    const c = this.arena[o]!;
    const ids = this.arena.subarray(o + DIGEST_HEAD, o + DIGEST_HEAD + c);
    const counts = new Float64Array(c);
    for (let i = 0; i < c; i++) counts[i] = this.arena[o + DIGEST_HEAD + c + i]! / 2;
    return { ids, counts };
  }

  /** Returns the term behind a term id. */
  termName(id: number): string {
    return this.names[id] ?? '';
  }

  private idf(): Float64Array {
    if (this.idfCache && this.idfCache.length === this.ids.size) return this.idfCache;
    const out = new Float64Array(this.ids.size);
    for (let i = 0; i < out.length; i++) out[i] = Math.log((this.n + 1) / ((this.df[i] ?? 0) + 1)) + 1;
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
      this.wordFacts.push(
        (isNameable(word) ? NAMEABLE : 0) | (isNumberLike(word) ? NUMBER : 0) | (word.length >= 4 ? LONG : 0),
      );
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

/** The ints a digest takes in the arena. */
function digestSize(arena: Int32Array, o: number): number {
  return DIGEST_HEAD + 2 * arena[o]! + 2 * arena[o + 1]! + arena[o + 2]!;
}

/** Row r of a profile table as an ItemProfile (copies). */
export function profileRow(table: ProfileTable, r: number, id: string, source: string): ItemProfile {
  const vec = (rows: SparseRows): SparseVec => ({
    ids: rows.ids.slice(rows.at[r], rows.at[r + 1]),
    w: rows.w.slice(rows.at[r], rows.at[r + 1]),
  });
  const time = table.time[r]!;
  return {
    id,
    source,
    time: Number.isNaN(time) ? null : time,
    days: table.days[r]!,
    all: vec(table.all),
    title: vec(table.title),
    ents: vec(table.ents),
    query: table.query.slice(table.queryAt[r], table.queryAt[r + 1]),
  };
}

/** ItemProfiles in a profile table (the same values). */
export function profileTableOf(profiles: readonly ItemProfile[]): ProfileTable {
  const count = profiles.length;
  const rows = (vec: (p: ItemProfile) => SparseVec): SparseRows => {
    const at = new Int32Array(count + 1);
    profiles.forEach((p, i) => (at[i + 1] = at[i]! + vec(p).ids.length));
    const out: SparseRows = { ids: new Int32Array(at[count]!), w: new Float64Array(at[count]!), at };
    profiles.forEach((p, i) => {
      out.ids.set(vec(p).ids, at[i]);
      out.w.set(vec(p).w, at[i]);
    });
    return out;
  };
  const queryAt = new Int32Array(count + 1);
  profiles.forEach((p, i) => (queryAt[i + 1] = queryAt[i]! + p.query.length));
  const query = new Int32Array(queryAt[count]!);
  profiles.forEach((p, i) => query.set(p.query, queryAt[i]));
  return {
    count,
    time: Float64Array.from(profiles, (p) => p.time ?? NaN),
    days: Int32Array.from(profiles, (p) => p.days),
    all: rows((p) => p.all),
    title: rows((p) => p.title),
    ents: rows((p) => p.ents),
    query,
    queryAt,
  };
}

/** A growable array of packed tokens. */
class TokenBuffer {
  data: Int32Array;
  length = 0;

  constructor(data?: Int32Array) {
    this.data = data ?? new Int32Array(1 << 16);
  }

  push(code: number): void {
    if (this.length === this.data.length) {
      const next = new Int32Array(Math.max(1 << 16, this.data.length * 2));
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
