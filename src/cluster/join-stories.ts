// Story level: the groups that the pair decision made (agglomerate.ts: tight, a few reports each) join stories by
// comparing the group with each story as a whole — their summed TF-IDF profiles and their times — rather than
// every pair of their items (issue #12). A big story (hundreds of reports of one event) has far fewer linked pairs
// than pairs, its reports crowd each other's nearest lists so the pair model ranks them low, and its defining
// words are in too many items to be looked up item by item: pair evidence alone never grew a story past a handful.
// A story's profile gathers its vocabulary as it grows, and among stories its words are rare again.
//
// Three steps, for dated reports only (see docs/clustering.md):
// 1. one pass in time order: each new group joins the story whose profile is most similar, when
//    cosine × closeness in time ≥ joinThreshold, else it is a story of its own for the groups after it;
// 2. stories that a pass split (two halves of one story, founded before they met) merge, most similar
//    first, while cosine × closeness ≥ mergeThreshold;
// 3. one round moves each joined group to the story it is then most similar to, when that is another.
// Undated reports (a pool that may span years, where two stories on one topic share as many words as two
// reports of one story) are left as the pair decision grouped them.

import { MaxHeap } from './agglomerate.js';
import type { ProfileTable, SparseRows } from './corpus.js';
import type { Scratch } from './scratch.js';
import { Profile, StoryPostings } from './story-profile.js';

/** A group as agglomerate left it: its items, and whether it holds a new item (else: a story of an earlier run). */
export interface Group {
  items: readonly number[];
  fresh: boolean;
}

export interface StoryLevelOptions {
  /** Minimum cosine × closeness for a new group to join a story in the pass. */
  joinThreshold: number;
  /** Minimum cosine × closeness for two stories to merge after the pass. */
  mergeThreshold: number;
  /** Groups whose date ranges are further apart than this (ms) never meet; closeness is 0 a window apart. */
  windowMs: number;
}

/**
 * Fewest items in a batch for the story level to act: term weights learned from a handful of reports are noise
 * (in a batch of six, two unrelated headlines sharing two common words look alike). The pair decision, which has
 * its phantom rivals for small batches, groups such a batch alone; its reports join stories at the next run.
 */
const MIN_ITEMS = 50;

/** Fewest terms a group and a story share to be compared at all. */
const MIN_SHARED_TERMS = 2;

/**
 * Terms of an item that count at the story level: its heaviest (a headline has fewer). What two reports of one event
 * share is in their heaviest terms; a full text's tail only makes profiles large and slow (medium bench cold run:
 * clustering 113 s with every term).
 */
const STORY_TERMS = 30;

/** Terms of a profile that look up its candidate stories: its heaviest. */
const QUERY_TERMS = 10;

/** Stories scored exactly per lookup: the nearest by the partial cosine of indexed terms. */
const CANDIDATES = 8;

/** Terms in more stories than this are not looked up (words common to much of the batch say little). */
const MAX_STORY_POSTINGS = 50;

interface StoryState {
  fresh: boolean;
  /** Summed TF-IDF profile (term → weight, in first-insertion order) and its norm. */
  all: Profile;
  /** Whether `all` is also the group's own profile (`unit`): copied before it changes. */
  sharesAll?: boolean;
  norm: number;
  minTime: number;
  maxTime: number;
  timeSum: number;
  dated: number;
  version: number;
}

/**
 * Joins groups into stories. Returns each group's final group (the lowest index of the groups joined to it: the
 * older seed survives), and for each group the score at which it joined (1 for a survivor).
 */
export function joinStories(
  profiles: ProfileTable,
  groups: readonly Group[],
  options: StoryLevelOptions,
  scratch?: Scratch,
): { root: Int32Array; score: Float64Array } {
  const n = groups.length;
  // Similarities are at most 1: thresholds above it switch the story level off.
  if (profiles.count < MIN_ITEMS || (options.joinThreshold > 1 && options.mergeThreshold > 1))
    return { root: Int32Array.from({ length: n }, (_, g) => g), score: new Float64Array(n).fill(1) };
  // The stories' profiles are this call's alone: made in `scratch` (the memory the batch's graph no longer uses), and
  // given back before it returns. The postings' position profiles stay in buffers of their own: they grow a few times
  // each, and every grown copy would stay in the scratch until the return (BENCHMARKS.md, session 15).
  const mark = scratch?.mark();
  try {
    return joinIn(profiles, groups, options, scratch);
  } finally {
    if (mark) scratch!.release(mark);
  }
}

/** joinStories' work, the stories' profiles in `memory` (none: buffers of their own). */
function joinIn(
  profiles: ProfileTable,
  groups: readonly Group[],
  options: StoryLevelOptions,
  memory: Scratch | undefined,
): { root: Int32Array; score: Float64Array } {
  const n = groups.length;
  // Only dated groups take part: an undated one keeps an empty state and is never looked at.
  const isDated = groups.map((g) => g.items.some((i) => !Number.isNaN(profiles.time[i]!)));
  const state = groups.map((g, x) => stateOf(profiles, isDated[x] ? g.items : [], g.fresh, memory));
  // Each group's own profile, kept as it was (state[g] becomes its story's as others join it): the same profile
  // until state[g]'s changes (most never do), then a copy of it.
  const unit = groups.map((g, x) => {
    if (!isDated[x] || !g.fresh) return undefined;
    state[x]!.sharesAll = true;
    return { ...state[x]!, sharesAll: false };
  });
  const root = Int32Array.from({ length: n }, (_, g) => g);
  const score = new Float64Array(n).fill(1);
  const find = (g: number): number => {
    let r = g;
    while (root[r] !== r) r = root[r]!;
    return r;
  };
  // One shared word is a topic, not a story: stories that share fewer than MIN_SHARED_TERMS terms never meet here.
  const similarity = (a: StoryState, b: StoryState): number => {
    const cos = cosine(a.all, a.norm, b.all, b.norm);
    return cos < 0 ? 0 : cos * closeness(a, b, options.windowMs);
  };
  const join = (a: number, b: number, at: number): void => {
    mergeInto(state[a]!, state[b]!, memory);
    root[b] = a;
    score[b] = at;
  };

  // 1. The pass. A story-level inverted index finds the candidates: every term of every story placed so far.
  // Term → story → the term's weight in the story's profile (as when the story was last posted).
  let vocab = 0;
  for (let x = 0; x < profiles.all.ids.length; x++) vocab = Math.max(vocab, profiles.all.ids[x]! + 1);
  const postings = new StoryPostings(vocab);
  const post = (x: number) => {
    const P = state[x]!.all;
    for (let s = 0; s < P.end; s++) {
      const t = P.ids[s]!;
      if (t >= 0) postings.set(t, x, P.ws[s]!);
    }
  };
  // The stories most similar to a profile by their indexed terms (a partial cosine: terms in more than
  // MAX_STORY_POSTINGS stories are left out), best first, at most CANDIDATES; the caller scores them exactly.
  // Partial dots per story in a dense array; `seen` marks the stories touched by the current lookup.
  const acc = new Float64Array(n);
  const seen = new Int32Array(n);
  const touched = new Int32Array(n);
  let lookup = 0;
  const qTerm = new Int32Array(QUERY_TERMS);
  const qWeight = new Float64Array(QUERY_TERMS);
  const nearest = (x: StoryState, self: number): number[] => {
    lookup++;
    let nt = 0;
    const nq = queryTerms(x.all, qTerm, qWeight);
    for (let q = 0; q < nq; q++) {
      const t = qTerm[q]!;
      const w = qWeight[q]!;
      const list = postings.storiesOf(t);
      if (list === undefined || list.length > MAX_STORY_POSTINGS) continue;
      const ws = postings.weightsOf(t)!;
      for (let y = 0; y < list.length; y++) {
        const o = list[y]!;
        if (o === self) continue;
        if (seen[o] !== lookup) {
          seen[o] = lookup;
          acc[o] = 0;
          touched[nt++] = o;
        }
        acc[o] = acc[o]! + w * ws[y]!;
      }
    }
    // The best CANDIDATES by (score, then the lower index): a total order, so the order of `touched` does not matter.
    const top: number[] = [];
    const topScore: number[] = [];
    for (let y = 0; y < nt; y++) {
      const o = touched[y]!;
      const sc = acc[o]! / (state[o]!.norm || 1);
      if (
        top.length === CANDIDATES &&
        !(sc > topScore[CANDIDATES - 1]! || (sc === topScore[CANDIDATES - 1] && o < top[CANDIDATES - 1]!))
      )
        continue;
      let k = top.length === CANDIDATES ? CANDIDATES - 1 : top.length;
      while (k > 0 && (sc > topScore[k - 1]! || (sc === topScore[k - 1] && o < top[k - 1]!))) {
        top[k] = top[k - 1]!;
        topScore[k] = topScore[k - 1]!;
        k--;
      }
      top[k] = o;
      topScore[k] = sc;
    }
    return top;
  };
  // b joins a: b's terms now point at a (a's other terms keep their weights: the index only ranks candidates).
  let moved = new Int32Array(64);
  const joinPosted = (a: number, b: number, at: number) => {
    const B = state[b]!.all;
    if (moved.length < B.size) moved = new Int32Array(B.size * 2);
    let m = 0;
    for (let s = 0; s < B.end; s++) if (B.ids[s]! >= 0) moved[m++] = B.ids[s]!;
    join(a, b, at);
    const A = state[a]!.all;
    for (let y = 0; y < m; y++) {
      const t = moved[y]!;
      postings.delete(t, b);
      postings.set(t, a, A.get(t));
    }
  };
  const placed = new Uint8Array(n);
  groups.forEach((g, x) => {
    if (!g.fresh) {
      placed[x] = 1;
      if (state[x]!.dated > 0) post(x);
    }
  });
  const startOf = (g: number) => state[g]!.minTime;
  const order = groups
    .map((_, g) => g)
    .filter((g) => groups[g]!.fresh && state[g]!.dated > 0)
    .sort((x, y) => startOf(x) - startOf(y) || x - y);
  for (const g of order) {
    const G = state[g]!;
    let best = -1;
    let bestScore = -1;
    for (const s of nearest(G, g)) {
      const S = state[s]!;
      if (root[s] !== s || S.dated === 0 || !windowsMeet(G, S, options.windowMs)) continue;
      const sim = similarity(S, G);
      if (sim > bestScore || (sim === bestScore && s < best)) {
        best = s;
        bestScore = sim;
      }
    }
    placed[g] = 1;
    if (best >= 0 && bestScore >= options.joinThreshold) {
      const a = Math.min(best, g);
      const b = Math.max(best, g);
      joinPosted(a, b, bestScore);
    } else post(g);
  }

  // 2. Stories split by the pass merge, the most similar pair first (a pair of two old stories never: an earlier
  // run's stories merge only through new reports).
  const heap = new MaxHeap();
  const offer = (x: number, y: number) => {
    const a = state[x]!;
    const b = state[y]!;
    if ((!a.fresh && !b.fresh) || a.dated === 0 || b.dated === 0 || !windowsMeet(a, b, options.windowMs)) return;
    const sim = similarity(a, b);
    if (sim < options.mergeThreshold) return;
    const lo = Math.min(x, y);
    const hi = Math.max(x, y);
    heap.push(sim, lo, hi, state[lo]!.version, state[hi]!.version);
  };
  // A story's candidates: the stories nearest to it through the index of the pass.
  const neighbours = (x: number): number[] => nearest(state[x]!, x).filter((o) => root[o] === o);
  for (let x = 0; x < n; x++) if (root[x] === x && isDated[x]) for (const y of neighbours(x)) if (y > x) offer(x, y);
  while (heap.size > 0) {
    const { mean: sim, a, b, va, vb } = heap.pop();
    if (root[a] !== a || root[b] !== b || state[a]!.version !== va || state[b]!.version !== vb) continue;
    joinPosted(a, b, sim);
    for (const y of neighbours(a)) offer(a, y);
  }
  for (let g = 0; g < n; g++) root[g] = find(g);

  // 3. A pass decides each group once, on the stories it has seen so far: a story's first reports may have joined
  // another story before their own existed. One round in pass order moves each joined group to the story it is now
  // most similar to (its own story without it included), when that is another.
  for (const g of order) {
    const from = root[g]!;
    if (from === g) continue;
    const U = unit[g]!;
    const S = state[from]!;
    subtract(S, U);
    const own = similarity(U, S);
    let best = -1;
    let bestScore = -1;
    for (const c of nearest(U, from)) {
      if (c === from || root[c] !== c || !isDated[c] || !windowsMeet(U, state[c]!, options.windowMs)) continue;
      const sim = similarity(U, state[c]!);
      if (sim > bestScore) {
        best = c;
        bestScore = sim;
      }
    }
    if (best >= 0 && bestScore > own && bestScore >= options.joinThreshold && (state[best]!.fresh || U.fresh)) {
      const B = state[best]!;
      add(B, U);
      const P = U.all;
      // Only the terms already posted somewhere (a term's list, once made, stays, even when empty).
      for (let s = 0; s < P.end; s++) {
        const t = P.ids[s]!;
        if (t >= 0 && postings.storiesOf(t) !== undefined) postings.set(t, best, B.all.get(t));
      }
      root[g] = best;
      score[g] = bestScore;
    } else add(S, U);
  }
  return { root, score };
}

function stateOf(profiles: ProfileTable, items: readonly number[], fresh: boolean, memory?: Scratch): StoryState {
  const s: StoryState = {
    fresh,
    all: new Profile(Math.min(items.length * STORY_TERMS, 1024), memory),
    norm: 0,
    minTime: Number.NaN,
    maxTime: Number.NaN,
    timeSum: 0,
    dated: 0,
    version: 0,
  };
  for (const i of items) {
    addRow(s.all, profiles.all, i);
    const t = profiles.time[i]!;
    if (!Number.isNaN(t)) {
      s.minTime = s.dated === 0 ? t : Math.min(s.minTime, t);
      s.maxTime = s.dated === 0 ? t : Math.max(s.maxTime, t);
      s.timeSum += t;
      s.dated++;
    }
  }
  s.norm = s.all.norm();
  return s;
}

/** 1 when two stories' mean times are equal, falling linearly to 0 a window apart; 0 when either is undated. */
function closeness(a: StoryState, b: StoryState, windowMs: number): number {
  if (a.dated === 0 || b.dated === 0) return 0;
  return Math.max(0, 1 - Math.abs(a.timeSum / a.dated - b.timeSum / b.dated) / windowMs);
}

/**
 * Writes a profile's QUERY_TERMS heaviest terms (all of a small one's, in its order), heaviest first, ties by
 * term id, into `terms`/`weights`: what looks up its candidates. Returns how many.
 */
function queryTerms(p: Profile, terms: Int32Array, weights: Float64Array): number {
  let m = 0;
  if (p.size <= QUERY_TERMS) {
    for (let s = 0; s < p.end; s++) {
      const t = p.ids[s]!;
      if (t < 0) continue;
      terms[m] = t;
      weights[m++] = p.ws[s]!;
    }
    return m;
  }
  // A top-QUERY_TERMS selection: the same terms in the same order as sorting every term by (weight desc, id).
  for (let s = 0; s < p.end; s++) {
    const t = p.ids[s]!;
    if (t < 0) continue;
    const w = p.ws[s]!;
    if (m === QUERY_TERMS && !(w > weights[m - 1]! || (w === weights[m - 1] && t < terms[m - 1]!))) continue;
    let k = m === QUERY_TERMS ? m - 1 : m++;
    while (k > 0 && (w > weights[k - 1]! || (w === weights[k - 1] && t < terms[k - 1]!))) {
      terms[k] = terms[k - 1]!;
      weights[k] = weights[k - 1]!;
      k--;
    }
    terms[k] = t;
    weights[k] = w;
  }
  return m;
}

/** A copy of one item's weights, reordered by kthSmallest to find its STORY_TERMS heaviest (reused). */
let weightScratch = new Float64Array(256);

/** Adds item i's STORY_TERMS heaviest terms (all of a headline's) to a profile, in the row's order. */
function addRow(into: Profile, rows: SparseRows, i: number): void {
  const from = rows.at[i]!;
  const to = rows.at[i + 1]!;
  const len = to - from;
  if (len <= STORY_TERMS) {
    for (let x = from; x < to; x++) into.add(rows.ids[x]!, rows.w[x]!);
    return;
  }
  // The weight a term needs to be among the heaviest (ties: the first ones, ids ascending), and how many of the
  // heaviest STORY_TERMS have exactly that weight.
  if (weightScratch.length < len) weightScratch = new Float64Array(len * 2);
  const ws = weightScratch;
  ws.set(rows.w.subarray(from, to));
  const floor = kthSmallest(ws, len, len - STORY_TERMS);
  // Of the heaviest STORY_TERMS, those heavier than the floor are all taken; the rest of the room is the floor's.
  let room = STORY_TERMS;
  for (let x = from; x < to; x++) if (rows.w[x]! > floor) room--;
  for (let x = from; x < to; x++) {
    const w = rows.w[x]!;
    if (w < floor || (w === floor && room-- <= 0)) continue;
    into.add(rows.ids[x]!, w);
  }
}

/**
 * Returns the value that would be at index `k` of `a`'s first `n` values sorted ascending (a quickselect, reordering
 * them): what sorting them gave, in linear time. Called for every item of every story built.
 */
export function kthSmallest(a: Float64Array, n: number, k: number): number {
  let lo = 0;
  let hi = n - 1;
  while (lo < hi) {
    const pivot = a[(lo + hi) >> 1]!;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i]! < pivot) i++;
      while (a[j]! > pivot) j--;
      if (i <= j) {
        const t = a[i]!;
        a[i] = a[j]!;
        a[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return a[k]!;
  }
  return a[k]!;
}

/** The cosine of two profiles, or -1 when they share fewer than MIN_SHARED_TERMS terms. */
function cosine(a: Profile, an: number, b: Profile, bn: number): number {
  if (an === 0 || bn === 0) return -1;
  // The sum runs over the smaller profile, in its order.
  const small = a.size <= b.size ? a : b;
  const large = small === a ? b : a;
  let dot = 0;
  let shared = 0;
  for (let s = 0; s < small.end; s++) {
    const t = small.ids[s]!;
    if (t < 0) continue;
    const at = large.slotOf(t);
    if (at >= 0) {
      dot += small.ws[s]! * large.ws[at]!;
      shared++;
    }
  }
  return shared < MIN_SHARED_TERMS ? -1 : dot / (an * bn);
}

/** Makes A's profile its own before it changes (a copy of the one it shares with its group's `unit`). */
function own(A: StoryState): void {
  if (!A.sharesAll) return;
  A.all = A.all.clone();
  A.sharesAll = false;
}

/** Adds group U's profile and times to story A (U unchanged). */
function add(A: StoryState, U: StoryState): void {
  own(A);
  const P = U.all;
  for (let s = 0; s < P.end; s++) {
    const t = P.ids[s]!;
    if (t >= 0) A.all.add(t, P.ws[s]!);
  }
  A.norm = A.all.norm();
  if (U.dated > 0) {
    A.minTime = A.dated === 0 ? U.minTime : Math.min(A.minTime, U.minTime);
    A.maxTime = A.dated === 0 ? U.maxTime : Math.max(A.maxTime, U.maxTime);
    A.timeSum += U.timeSum;
    A.dated += U.dated;
  }
}

/** Takes group U's profile and times out of story A (its date range stays: a little wider than it may be). */
function subtract(A: StoryState, U: StoryState): void {
  own(A);
  const P = U.all;
  for (let s = 0; s < P.end; s++) {
    const t = P.ids[s]!;
    if (t < 0) continue;
    const left = A.all.get(t) - P.ws[s]!;
    if (left > 1e-9) A.all.put(t, left);
    else A.all.remove(t);
  }
  A.norm = A.all.norm();
  A.timeSum -= U.timeSum;
  A.dated -= U.dated;
}

/** Story B joins story A (B is left empty). */
function mergeInto(A: StoryState, B: StoryState, memory: Scratch | undefined): void {
  A.fresh = A.fresh || B.fresh;
  add(A, B);
  A.version++;
  B.version++;
  B.all = new Profile(0, memory);
  B.sharesAll = false;
}

function windowsMeet(a: StoryState, b: StoryState, windowMs: number): boolean {
  return b.minTime <= a.maxTime + windowMs && a.minTime <= b.maxTime + windowMs;
}
