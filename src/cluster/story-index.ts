import type { Item } from '../model.js';
import { isNameable, isNumberLike, itemText, shingleHashes, termCounts, termOf, type ItemText, type Token } from './text-features.js';

// The clusterer's working memory: corpus statistics (IDF, which words are names), item profiles
// (weighted vectors), and the live stories with an inverted index over them. Shared by clusterItems
// and the offline trainer (scripts/train-cluster.mjs), so the model is trained on exactly the
// features it is used with.

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
  /** Hashes of 8-word runs (int32 pairs); emptied once the item is absorbed into a story. */
  shingles: Int32Array;
  /** Term ids that look up candidate stories: the heaviest terms not common to much of the corpus. */
  query: Int32Array;
}

/** The evidence for an item joining a story, in the order the join model expects. */
export const FEATURE_NAMES = ['cosAll', 'cosMaxMember', 'cosTitle', 'cosEntities', 'sharedRuns', 'sameSource', 'margin'] as const;

/** A candidate story with the features of the item joining it (FEATURE_NAMES order). */
export interface Candidate {
  story: number;
  features: number[];
}

/** An item reduced to what profiles are made of (term ids and counts, words for runs). */
interface Digest {
  counts: Map<number, number>;
  title: Map<number, number>;
  ents: number[];
  runWords: string[][];
}

interface StoryState {
  all: Map<number, number>;
  /** Term id → position of this story in that term's postings. */
  slots: Map<number, number>;
  allSq: number;
  title: Map<number, number>;
  titleSq: number;
  ents: Map<number, number>;
  entsSq: number;
  members: ItemProfile[];
  sources: Set<string>;
  minTime: number | null;
  maxTime: number | null;
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
      this.digests.set(id, { counts, title, ents, runWords: [text.summary.map((t) => t.word), text.shingleWords] });
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
    const shingles = shingleHashes(digest.runWords);
    // The words are needed once: an item is placed once, and its runs then live in the story index.
    digest.runWords = [];
    return {
      id: item.id,
      source,
      time,
      query: Int32Array.from(query),
      all: sparse(allIds, allW),
      title: sparse(tIds, tW),
      ents: sparse(
        digest.ents,
        digest.ents.map((id) => idf[id] ?? 1),
      ),
      shingles,
    };
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

function sparse(ids: number[], w: number[]): SparseVec {
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

function dotSparse(a: SparseVec, b: SparseVec): number {
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

function cosToSum(v: SparseVec, sum: Map<number, number>, sq: number): number {
  if (sq <= 0) return 0;
  let dot = 0;
  for (let i = 0; i < v.ids.length; i++) dot += v.w[i]! * (sum.get(v.ids[i]!) ?? 0);
  return dot / Math.sqrt(sq);
}

function addToSum(v: SparseVec, sum: Map<number, number>, sq: number): number {
  for (let i = 0; i < v.ids.length; i++) {
    const id = v.ids[i]!;
    const old = sum.get(id) ?? 0;
    const now = old + v.w[i]!;
    sum.set(id, now);
    sq += now * now - old * old;
  }
  return sq;
}

/** Retrieval settings of the index. */
export interface IndexOptions {
  /** Items further apart than this (ms) are never grouped; stories are compared by their date range. */
  windowMs: number;
  /** How many of an item's heaviest terms look up candidate stories. */
  queryTerms: number;
  /** How many candidate stories (best by shared term weight) get the full comparison. */
  maxCandidates: number;
  /** The most recent members compared one by one (bounds the work on a huge story). */
  maxMembersCompared: number;
}

/** Live stories with an inverted index (term → stories, shingle → story) for candidate lookup. */
export class StoryIndex {
  private readonly stories: StoryState[] = [];
  private readonly postings = new Map<number, { stories: number[]; weights: number[] }>();
  private readonly runOwner = new RunTable();
  private acc = new Float64Array(64);

  constructor(private readonly options: IndexOptions) {}

  get size(): number {
    return this.stories.length;
  }

  /** Returns the sources already in story `s`. */
  sourcesOf(s: number): ReadonlySet<string> {
    return this.stories[s]!.sources;
  }

  /** Returns candidate stories for an item (never an all-pairs scan) with their features, best first. */
  candidates(p: ItemProfile): Candidate[] {
    if (this.acc.length < this.stories.length) this.acc = new Float64Array(this.stories.length * 2);
    const acc = this.acc;
    const touched: number[] = [];
    const weightOf = new Map<number, number>();
    for (let i = 0; i < p.all.ids.length; i++) weightOf.set(p.all.ids[i]!, p.all.w[i]!);
    // Retrieval score: the part of the centroid cosine carried by the item's rarer heavy terms.
    for (const id of p.query) {
      const list = this.postings.get(id);
      if (!list) continue;
      const w = weightOf.get(id)!;
      const { stories, weights } = list;
      for (let j = 0; j < stories.length; j++) {
        const s = stories[j]!;
        if (acc[s] === 0) touched.push(s);
        acc[s]! += w * weights[j]! + 1e-9;
      }
    }
    // A shared 8-word run (a quote, a syndicated copy) always makes a story a candidate.
    const runs = new Map<number, number>();
    for (let i = 0; i < p.shingles.length; i += 2) {
      const s = this.runOwner.get(p.shingles[i]!, p.shingles[i + 1]!);
      if (s < 0) continue;
      if (acc[s] === 0) touched.push(s);
      acc[s]! += 0.01;
      runs.set(s, (runs.get(s) ?? 0) + 1);
    }
    // The best maxCandidates by retrieval score (ties: older story first), kept sorted while scanning.
    const k = this.options.maxCandidates;
    const top: [number, number][] = [];
    for (const s of touched) {
      const score = acc[s]! / Math.sqrt(this.stories[s]!.allSq || 1);
      acc[s] = 0;
      if (top.length === k && !better(score, s, top[k - 1]!)) continue;
      if (!this.inWindow(p, s)) continue;
      let i = top.length === k ? k - 1 : top.length;
      while (i > 0 && better(score, s, top[i - 1]!)) {
        top[i] = top[i - 1]!;
        i--;
      }
      top[i] = [s, score];
    }
    const out = top.map(([s]) => ({ story: s, features: this.features(p, s, runs.get(s) ?? 0) }));
    // How far the candidate stands out from the best other one: a join is safer without a close rival.
    for (const c of out) {
      let rival = 0;
      for (const o of out) if (o !== c) rival = Math.max(rival, o.features[1]!);
      c.features.push(c.features[1]! - rival);
    }
    return out;
  }

  /** Returns the pairwise features (all but the margin) of item `p` joining story `s`. */
  private features(p: ItemProfile, s: number, runs: number): number[] {
    const st = this.stories[s]!;
    let maxMember = 0;
    const from = Math.max(0, st.members.length - this.options.maxMembersCompared);
    for (let i = from; i < st.members.length; i++) maxMember = Math.max(maxMember, dotSparse(p.all, st.members[i]!.all));
    return [
      cosToSum(p.all, st.all, st.allSq),
      maxMember,
      cosToSum(p.title, st.title, st.titleSq),
      cosToSum(p.ents, st.ents, st.entsSq),
      Math.log1p(Math.min(runs, 50)),
      st.sources.has(p.source) ? 1 : 0,
    ];
  }

  /** Returns the terms item `p` shares with story `s`, heaviest first. */
  sharedTerms(p: ItemProfile, s: number, k: number): number[] {
    const st = this.stories[s]!;
    const shared: [number, number][] = [];
    for (let i = 0; i < p.all.ids.length; i++) {
      const x = st.all.get(p.all.ids[i]!);
      if (x) shared.push([p.all.ids[i]!, p.all.w[i]! * x]);
    }
    return shared
      .sort((a, b) => b[1] - a[1] || a[0] - b[0])
      .slice(0, k)
      .map(([id]) => id);
  }

  /** Adds item `p` to story `s`, or to a new story when `s` is null; returns the story's index. */
  add(p: ItemProfile, s: number | null): number {
    if (s === null) {
      s = this.stories.length;
      this.stories.push({
        all: new Map(),
        slots: new Map(),
        allSq: 0,
        title: new Map(),
        titleSq: 0,
        ents: new Map(),
        entsSq: 0,
        members: [],
        sources: new Set(),
        minTime: null,
        maxTime: null,
      });
    }
    const st = this.stories[s]!;
    st.allSq = addToSum(p.all, st.all, st.allSq);
    for (let i = 0; i < p.all.ids.length; i++) {
      const id = p.all.ids[i]!;
      let list = this.postings.get(id);
      if (!list) this.postings.set(id, (list = { stories: [], weights: [] }));
      const slot = st.slots.get(id);
      if (slot === undefined) {
        st.slots.set(id, list.stories.length);
        list.stories.push(s);
        list.weights.push(p.all.w[i]!);
      } else list.weights[slot]! += p.all.w[i]!;
    }
    st.titleSq = addToSum(p.title, st.title, st.titleSq);
    st.entsSq = addToSum(p.ents, st.ents, st.entsSq);
    for (let i = 0; i < p.shingles.length; i += 2) this.runOwner.set(p.shingles[i]!, p.shingles[i + 1]!, s);
    p.shingles = new Int32Array(0);
    st.members.push(p);
    st.sources.add(p.source);
    if (p.time !== null) {
      st.minTime = st.minTime === null ? p.time : Math.min(st.minTime, p.time);
      st.maxTime = st.maxTime === null ? p.time : Math.max(st.maxTime, p.time);
    }
    return s;
  }

  private inWindow(p: ItemProfile, s: number): boolean {
    const st = this.stories[s]!;
    if (p.time === null || st.minTime === null || st.maxTime === null) return true;
    return p.time >= st.minTime - this.options.windowMs && p.time <= st.maxTime + this.options.windowMs;
  }
}

function better(score: number, s: number, than: readonly [number, number]): boolean {
  return score > than[1] || (score === than[1] && s < than[0]);
}

/** An open-addressing hash table from a 64-bit run hash (two int32) to the story that last used it. */
class RunTable {
  private keysA = new Int32Array(1 << 12);
  private keysB = new Int32Array(1 << 12);
  private values = new Int32Array(1 << 12).fill(-1);
  private count = 0;

  /** Returns the story of a run hash, or -1. */
  get(a: number, b: number): number {
    const mask = this.values.length - 1;
    for (let i = (a ^ Math.imul(b, 0x9e3779b1)) & mask; ; i = (i + 1) & mask) {
      const v = this.values[i]!;
      if (v < 0) return -1;
      if (this.keysA[i] === a && this.keysB[i] === b) return v;
    }
  }

  set(a: number, b: number, story: number): void {
    if ((this.count + 1) * 2 > this.values.length) this.grow();
    const mask = this.values.length - 1;
    for (let i = (a ^ Math.imul(b, 0x9e3779b1)) & mask; ; i = (i + 1) & mask) {
      if (this.values[i]! < 0) {
        this.keysA[i] = a;
        this.keysB[i] = b;
        this.values[i] = story;
        this.count++;
        return;
      }
      if (this.keysA[i] === a && this.keysB[i] === b) {
        this.values[i] = story;
        return;
      }
    }
  }

  private grow(): void {
    const { keysA, keysB, values } = this;
    this.keysA = new Int32Array(values.length * 2);
    this.keysB = new Int32Array(values.length * 2);
    this.values = new Int32Array(values.length * 2).fill(-1);
    this.count = 0;
    for (let i = 0; i < values.length; i++) if (values[i]! >= 0) this.set(keysA[i]!, keysB[i]!, values[i]!);
  }
}
