import type { ProfileTable, SparseRows } from './corpus.js';
import { Scratch } from './scratch.js';

// The item graph's work, one item at a time: an item's nearest other items (by TF-IDF cosine, found through an
// inverted index over rarer terms, never an all-pairs scan), then the evidence for each pair it links. Everything it
// reads is a plan of flat arrays (the batch's profiles and the postings of their query terms) and everything it
// writes goes to one item's slots, so items can be searched in any order and on several threads (graph-threads.ts)
// with the same results. item-graph.ts walks them in order on one thread.

/** The evidence for two items reporting the same story, in the order the pair model expects. */
export const FEATURE_NAMES = [
  'cosAll',
  'cosTitle',
  'cosEntities',
  'gapMin',
  'gapMax',
  'rankBoth',
  'rankEither',
  'crossTitle',
  'sameDay',
  'otherDay',
  'sharedNames',
  'shortLength',
] as const;

/** Settings of the graph. */
export interface GraphOptions {
  /** Nearest items kept per item. */
  neighbours: number;
  /** Items further apart than this (ms) are never linked; undated items are not constrained. */
  windowMs: number;
  /** Cosine of the phantom neighbour every item has (the rival floor); see RIVAL_FLOOR. */
  rivalFloor: number;
}

/**
 * The best phantom neighbour's cosine: about the best unrelated neighbour's cosine of an item in a
 * corpus of thousands (dev set quartiles), so rank and gap mean the same in a batch of 18 and of 8,000.
 */
export const RIVAL_FLOOR = 0.3;

/** Postings longer than this are not scanned (a term in more items says little about the story). */
const MAX_POSTINGS = 160;

/** Every item's nearest list in flat arrays: item x's list is items/cos[x * neighbours …] (length[x] of them). */
export interface NearLists {
  items: Int32Array;
  cos: Float64Array;
  length: Int32Array;
}

/**
 * What every item's search reads, in flat arrays: the profiles, the postings (term → items, weights) over each
 * item's query terms in compressed rows (per term the dated items in date order, then index, then the undated ones
 * in index order), the query terms' weights, and where the nearest lists go.
 */
export interface GraphPlan {
  profiles: ProfileTable;
  neighbours: number;
  windowMs: number;
  rivalFloor: number;
  /** Items of one given group (a value >= 0): their pairs are left out; null: none. */
  groupOf: Int32Array | null;
  datedDf: Int32Array;
  start: Int32Array;
  postItem: Int32Array;
  postW: Float64Array;
  postTime: Float64Array;
  /** The weight of each query term in its item's vector (parallel to `profiles.query`). */
  queryW: Float64Array;
  /** One more than the largest term id of any item's vector. */
  vocabAll: number;
  near: NearLists;
}

/**
 * Returns the plan of a batch's graph: its postings built, its nearest lists to be filled (by GraphSearch.nearest).
 * `near` may be given (shared memory for other threads); the rest comes from `scratch`.
 */
export function planGraph(
  profiles: ProfileTable,
  options: GraphOptions,
  groupOf: Int32Array | undefined,
  scratch: Scratch,
  near?: NearLists,
): GraphPlan {
  const n = profiles.count;
  const { all, query, queryAt, time } = profiles;
  let vocab = 0;
  for (let x = 0; x < query.length; x++) vocab = Math.max(vocab, query[x]! + 1);
  const datedDf = scratch.int32s(vocab);
  const undatedDf = scratch.int32s(vocab);
  for (let i = 0; i < n; i++) {
    const df = Number.isNaN(time[i]!) ? undatedDf : datedDf;
    for (let x = queryAt[i]!; x < queryAt[i + 1]!; x++) df[query[x]!]!++;
  }
  const start = scratch.int32s(vocab + 1);
  for (let t = 0; t < vocab; t++) start[t + 1] = start[t]! + datedDf[t]! + undatedDf[t]!;
  const fillDated = scratch.int32s(vocab);
  fillDated.set(start.subarray(0, vocab));
  const fillUndated = scratch.int32s(vocab);
  for (let t = 0; t < vocab; t++) fillUndated[t] = start[t]! + datedDf[t]!;
  const postItem = scratch.int32s(start[vocab]!);
  const postW = scratch.float64s(start[vocab]!);
  const postTime = scratch.float64s(start[vocab]!);
  const queryW = scratch.float64s(query.length);
  for (let i = 0; i < n; i++)
    for (let x = queryAt[i]!; x < queryAt[i + 1]!; x++) queryW[x] = weightIn(all, i, query[x]!);
  const byTime = Array.from({ length: n }, (_, i) => i).filter((i) => !Number.isNaN(time[i]!));
  byTime.sort((x, y) => time[x]! - time[y]! || x - y);
  const post = (i: number, fill: Int32Array) => {
    for (let x = queryAt[i]!; x < queryAt[i + 1]!; x++) {
      const slot = fill[query[x]!]!++;
      postItem[slot] = i;
      postW[slot] = queryW[x]!;
      postTime[slot] = Number.isNaN(time[i]!) ? 0 : time[i]!;
    }
  };
  for (const i of byTime) post(i, fillDated);
  for (let i = 0; i < n; i++) if (Number.isNaN(time[i]!)) post(i, fillUndated);
  let vocabAll = 0;
  for (let i = 0; i < n; i++)
    if (all.at[i + 1]! > all.at[i]!) vocabAll = Math.max(vocabAll, all.ids[all.at[i + 1]! - 1]! + 1);
  const k = options.neighbours;
  return {
    profiles,
    neighbours: k,
    windowMs: options.windowMs,
    rivalFloor: options.rivalFloor,
    groupOf: groupOf ?? null,
    datedDf,
    start,
    postItem,
    postW,
    postTime,
    queryW,
    vocabAll,
    near: near ?? { items: scratch.int32s(n * k), cos: scratch.float64s(n * k), length: scratch.int32s(n) },
  };
}

/** Calls `visit(a, b, features)` for a pair; `features` is one scratch array, valid during the call only. */
export type PairVisitor = (a: number, b: number, features: Float64Array) => void;

/** One thread's searcher of a plan: its own scratch arrays, the plan's shared ones. */
export class GraphSearch {
  private readonly acc: Float64Array;
  private readonly touched: Int32Array;
  private readonly dense: Float64Array;
  private readonly hasTerm: Int32Array;
  private readonly topItem: Int32Array;
  private readonly topScore: Float64Array;
  private readonly exactItem: Int32Array;
  private readonly exactCos: Float64Array;
  private readonly phantomCos: Float64Array;
  private readonly features = new Float64Array(FEATURE_NAMES.length);

  constructor(
    private readonly plan: GraphPlan,
    scratch = new Scratch(),
  ) {
    const n = plan.profiles.count;
    const k = plan.neighbours;
    // Exact cosines for the best few by partial score: the partial score misses the common terms.
    const shortlist = k * 2;
    this.acc = scratch.float64s(n);
    this.touched = scratch.int32s(n);
    this.dense = scratch.float64s(plan.vocabAll);
    this.hasTerm = scratch.int32s((plan.vocabAll >>> 5) + 1);
    this.topItem = new Int32Array(shortlist);
    this.topScore = new Float64Array(shortlist);
    this.exactItem = new Int32Array(shortlist);
    this.exactCos = new Float64Array(shortlist);
    // Every list is at least as crowded as a typical list in a corpus of thousands: phantom neighbours
    // at cosines floor / (1 + r)^0.6 (rank r). A small batch has few real rivals, and without them a weak
    // link between two lone items looks like a mutual best match (the demo's 18 items).
    this.phantomCos = Float64Array.from({ length: k }, (_, r) => plan.rivalFloor / (1 + r) ** 0.6);
  }

  /**
   * Fills item i's nearest list (at most `neighbours` other items in the window, best first). Only items that may be
   * grouped are neighbours: for a dated item, dated items at most `windowMs` away and undated items; for an undated
   * item, every item. Each term's postings are sorted by date, so the dated items in reach are one range (binary
   * search), and a term is skipped when more than MAX_POSTINGS items in reach carry it. Near-linear in the items
   * however many days they span: an item is compared with its window.
   */
  nearest(i: number): void {
    const { profiles, start, datedDf, postItem, postW, postTime, queryW, windowMs, near } = this.plan;
    const { all, query, queryAt, time } = profiles;
    const { acc, touched, dense, hasTerm, topItem, topScore, exactItem, exactCos } = this;
    const k = this.plan.neighbours;
    const shortlist = topItem.length;
    const ti = time[i]!;
    let nt = 0;
    for (let q = queryAt[i]!; q < queryAt[i + 1]!; q++) {
      const t = query[q]!;
      const wq = queryW[q]!;
      let s = start[t]!;
      const e = start[t + 1]!;
      if (!Number.isNaN(ti)) {
        // The dated postings in reach: [time - window, time + window]; then every undated one.
        const datedEnd = s + datedDf[t]!;
        // Times are whole milliseconds: "at least time + window + 0.5" is "after time + window".
        const lo = firstAtLeast(postTime, s, datedEnd, ti - windowMs);
        const hi = firstAtLeast(postTime, lo, datedEnd, ti + windowMs + 0.5);
        // A term in more items than MAX_POSTINGS finds too many to be worth looking up (and would make the
        // work grow with the square of the items in reach).
        if (hi - lo + (e - datedEnd) > MAX_POSTINGS) continue;
        for (let x = lo; x < hi; x++) {
          const o = postItem[x]!;
          if (o === i) continue;
          if (acc[o] === 0) touched[nt++] = o;
          acc[o]! += wq * postW[x]! + 1e-12;
        }
        s = datedEnd;
      } else if (e - s > MAX_POSTINGS) continue;
      for (; s < e; s++) {
        const o = postItem[s]!;
        if (o === i) continue;
        if (acc[o] === 0) touched[nt++] = o;
        acc[o]! += wq * postW[s]! + 1e-12;
      }
    }
    let m = 0;
    for (let x = 0; x < nt; x++) {
      const o = touched[x]!;
      const score = acc[o]!;
      acc[o] = 0;
      if (m === shortlist && !(score > topScore[m - 1]! || (score === topScore[m - 1]! && o < topItem[m - 1]!)))
        continue;
      let y = m === shortlist ? m - 1 : m++;
      while (y > 0 && (score > topScore[y - 1]! || (score === topScore[y - 1]! && o < topItem[y - 1]!))) {
        topItem[y] = topItem[y - 1]!;
        topScore[y] = topScore[y - 1]!;
        y--;
      }
      topItem[y] = o;
      topScore[y] = score;
    }
    // Exact cosines against the item's vector spread out densely (the same sums, in the same order, as dotSparse).
    const allFrom = all.at[i]!;
    const allTo = all.at[i + 1]!;
    // A bit per term of the item (a few KB, where `dense` is 8 bytes a term): most of a candidate's terms are not the
    // item's, and the bit says so without touching `dense`.
    for (let x = allFrom; x < allTo; x++) {
      const t = all.ids[x]!;
      dense[t] = all.w[x]!;
      hasTerm[t >>> 5] = hasTerm[t >>> 5]! | (1 << (t & 31));
    }
    // Insertion sort into scratch arrays: best cosine first, then the lower index.
    for (let x = 0; x < m; x++) {
      const oi = topItem[x]!;
      let dot = 0;
      for (let y = all.at[oi]!, yEnd = all.at[oi + 1]!; y < yEnd; y++) {
        const t = all.ids[y]!;
        if ((hasTerm[t >>> 5]! & (1 << (t & 31))) === 0) continue;
        const d = dense[t]!;
        if (d !== 0) dot += d * all.w[y]!;
      }
      let y = x;
      while (y > 0 && (dot > exactCos[y - 1]! || (dot === exactCos[y - 1]! && oi < exactItem[y - 1]!))) {
        exactCos[y] = exactCos[y - 1]!;
        exactItem[y] = exactItem[y - 1]!;
        y--;
      }
      exactCos[y] = dot;
      exactItem[y] = oi;
    }
    for (let x = allFrom; x < allTo; x++) {
      const t = all.ids[x]!;
      dense[t] = 0;
      hasTerm[t >>> 5] = 0;
    }
    const kept = Math.min(k, m);
    near.items.set(exactItem.subarray(0, kept), i * k);
    near.cos.set(exactCos.subarray(0, kept), i * k);
    near.length[i] = kept;
  }

  /**
   * Calls `visit` for each pair item i's nearest list links that is first found at i (every item's nearest list must
   * be filled): walking i = 0, 1, … visits each linked pair once, where one item is among the other's nearest. Pairs
   * of two items of one given group are left out.
   */
  pairs(i: number, visit: PairVisitor): void {
    const { profiles, near, groupOf } = this.plan;
    const { items: nearItem, cos: nearCos, length: nearLength } = near;
    const k = this.plan.neighbours;
    const floor = this.plan.rivalFloor;
    const { all, title, ents, days } = profiles;
    const features = this.features;
    const phantomCos = this.phantomCos;
    const phantomRank = (cos: number): number => {
      let r = 0;
      while (r < k && phantomCos[r]! > cos) r++;
      return r;
    };
    // Where y is in x's list, or -1.
    const indexIn = (x: number, y: number): number => {
      const at = x * k;
      const len = nearLength[x]!;
      for (let r = 0; r < len; r++) if (nearItem[at + r] === y) return r;
      return -1;
    };
    const rankOf = (x: number, y: number, cos: number): number => {
      const r = indexIn(x, y);
      return r < 0 ? k : Math.max(r, phantomRank(cos));
    };
    // The best cosine of x to any item but y (the rival y has to beat), never below the phantom's.
    const rival = (x: number, y: number): number => {
      const at = x * k;
      const len = nearLength[x]!;
      if (len === 0) return floor;
      if (nearItem[at] !== y) return Math.max(floor, nearCos[at]!);
      return Math.max(floor, len > 1 ? nearCos[at + 1]! : 0);
    };
    const at = i * k;
    const len = nearLength[i]!;
    for (let r = 0; r < len; r++) {
      const j = nearItem[at + r]!;
      // Each pair once, where it is first found: at j's turn already when j came first and listed i.
      if (j < i && indexIn(j, i) >= 0) continue;
      const a = Math.min(i, j);
      const b = Math.max(i, j);
      // Both in one given group (an old story): the link can change nothing, its features are not computed.
      if (groupOf !== null && groupOf[a]! >= 0 && groupOf[a] === groupOf[b]) continue;
      const cos = nearCos[at + r]!;
      const ga = cos - rival(a, b);
      const gb = cos - rival(b, a);
      const ra = rankOf(a, b, cos);
      const rb = rankOf(b, a, cos);
      features[0] = cos;
      features[1] = dotRows(title, a, title, b);
      features[2] = dotRows(ents, a, ents, b);
      features[3] = Math.min(ga, gb);
      features[4] = Math.max(ga, gb);
      features[5] = 1 / (1 + Math.max(ra, rb));
      features[6] = 1 / (1 + Math.min(ra, rb));
      // One outlet's headline often paraphrases the other's lead.
      features[7] = Math.max(dotRows(title, a, all, b), dotRows(title, b, all, a));
      // Both name the same weekday ("on Tuesday") / both name weekdays, none the same.
      const da = days[a]!;
      const db = days[b]!;
      features[8] = (da & db) !== 0 ? 1 : 0;
      features[9] = da !== 0 && db !== 0 && (da & db) === 0 ? 1 : 0;
      features[10] = Math.log1p(sharedCount(ents, a, b));
      // Long texts (full articles) share a smaller part of their terms than headline + lead: the
      // distinct terms of the shorter item set how much a cosine means.
      features[11] = Math.log1p(Math.min(all.at[a + 1]! - all.at[a]!, all.at[b + 1]! - all.at[b]!));
      visit(a, b, features);
    }
  }
}

/** Returns the dot product (the cosine, for unit vectors) of row i of `a` and row j of `b` (as dotSparse). */
function dotRows(a: SparseRows, i: number, b: SparseRows, j: number): number {
  let x = a.at[i]!;
  const xEnd = a.at[i + 1]!;
  let y = b.at[j]!;
  const yEnd = b.at[j + 1]!;
  // A headline against a full text (a few terms against hundreds): each short-row term is looked up by
  // galloping search in the long row. The same shared terms in the same (ascending) order, so the same sum.
  if ((xEnd - x) * SKEW < yEnd - y) return dotGallop(a, x, xEnd, b, y, yEnd, false);
  if ((yEnd - y) * SKEW < xEnd - x) return dotGallop(b, y, yEnd, a, x, xEnd, true);
  const aIds = a.ids;
  const bIds = b.ids;
  let dot = 0;
  while (x < xEnd && y < yEnd) {
    const u = aIds[x]!;
    const v = bIds[y]!;
    if (u === v) dot += a.w[x++]! * b.w[y++]!;
    else if (u < v) x++;
    else y++;
  }
  return dot;
}

/** Rows this many times longer than the other are searched (dotGallop) rather than walked. */
const SKEW = 8;

/**
 * dotRows of a short row s[x, xEnd) and a long row l[y, yEnd): each short-row term found in the long row by
 * exponential then binary search; `swapped` when the short row is dotRows' b (the product keeps a's weight first).
 */
function dotGallop(
  s: SparseRows,
  x: number,
  xEnd: number,
  l: SparseRows,
  y: number,
  yEnd: number,
  swapped: boolean,
): number {
  const lIds = l.ids;
  let dot = 0;
  for (; x < xEnd && y < yEnd; x++) {
    const u = s.ids[x]!;
    if (lIds[y]! < u) {
      // The first index in (y, yEnd) with an id >= u.
      let step = 1;
      let lo = y;
      let hi = y + 1;
      while (hi < yEnd && lIds[hi]! < u) {
        lo = hi;
        step <<= 1;
        hi = y + step;
      }
      if (hi > yEnd) hi = yEnd;
      lo++;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (lIds[mid]! < u) lo = mid + 1;
        else hi = mid;
      }
      y = lo;
      if (y === yEnd) break;
    }
    if (lIds[y] === u) {
      dot += swapped ? l.w[y]! * s.w[x]! : s.w[x]! * l.w[y]!;
      y++;
    }
  }
  return dot;
}

/** Returns how many ids rows a and b share. */
function sharedCount(rows: SparseRows, a: number, b: number): number {
  let i = rows.at[a]!;
  let j = rows.at[b]!;
  const iEnd = rows.at[a + 1]!;
  const jEnd = rows.at[b + 1]!;
  const ids = rows.ids;
  let n = 0;
  while (i < iEnd && j < jEnd) {
    const x = ids[i]!;
    const y = ids[j]!;
    if (x === y) {
      n++;
      i++;
      j++;
    } else if (x < y) i++;
    else j++;
  }
  return n;
}

/** Returns the first index in [from, to) whose value is at least `x` (values ascending), or `to`. */
function firstAtLeast(values: Float64Array, from: number, to: number, x: number): number {
  let lo = from;
  let hi = to;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (values[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The weight of term t in row i (ids ascending: binary search), or 0. */
function weightIn(rows: SparseRows, i: number, t: number): number {
  let lo = rows.at[i]!;
  let hi = rows.at[i + 1]! - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const v = rows.ids[mid]!;
    if (v === t) return rows.w[mid]!;
    if (v < t) lo = mid + 1;
    else hi = mid - 1;
  }
  return 0;
}
