// Average-linkage agglomerative clustering over a sparse graph of pair probabilities: the two groups
// with the highest mean pair probability (pairs without an edge count as 0) merge first, while that
// mean clears the threshold. Unlike a single pass, the result does not depend on which report of a
// story arrives first, and two groups that turn out to be one story merge (issue #3).

import { Scratch } from './scratch.js';

/** A group to start from: its items (indexes), outlets, date range, and whether it may grow. */
export interface Seed {
  items: number[];
  sources: ReadonlySet<string>;
  minTime: number | null;
  maxTime: number | null;
  /** Groups that are all old (stories from earlier runs) never merge with each other. */
  fresh: boolean;
}

/** Weighted links between items, as parallel arrays: item a[e] and item b[e] with pair probability p[e]. */
export interface Edges {
  a: Int32Array;
  b: Int32Array;
  p: Float64Array;
}

/** Merge rules. */
export interface AgglomerateOptions {
  /** Minimum mean pair probability for two groups to merge. */
  threshold: number;
  /** Minimum mean pair probability when both groups already have an item of one outlet. */
  sameSourceThreshold: number;
  /** Groups whose date ranges are further apart than this (ms) never merge. */
  windowMs: number;
}

/**
 * Returns, for each seed, the seed it ended up merged into (the lowest seed index of its group)
 * and the mean pair probability at which it merged (1 for a group's survivor).
 */
export function agglomerate(
  seeds: readonly Seed[],
  itemCount: number,
  edges: Edges,
  options: AgglomerateOptions,
  scratch = new Scratch(),
): { root: Int32Array; mergedAt: Float64Array } {
  const n = seeds.length;
  // Each group's state in flat arrays (times: NaN for none); its outlets (the seed's set until the group
  // grows: then its own); its links (other group → summed pair probability) in a Links.
  const size = new Float64Array(n);
  const minTime = new Float64Array(n);
  const maxTime = new Float64Array(n);
  const fresh = new Uint8Array(n);
  const version = new Int32Array(n);
  const sources: ReadonlySet<string>[] = [];
  const ownSources = new Uint8Array(n);
  const groupOfItem = new Int32Array(itemCount).fill(-1);
  seeds.forEach((s, g) => {
    for (const i of s.items) groupOfItem[i] = g;
    size[g] = s.items.length;
    minTime[g] = s.minTime ?? NaN;
    maxTime[g] = s.maxTime ?? NaN;
    fresh[g] = s.fresh ? 1 : 0;
    sources.push(s.sources);
  });
  // The links are this call's alone: their scratch memory is given back before it returns (for the story level).
  const mark = scratch.mark();
  const links = Links.of(n, groupOfItem, edges, scratch);
  const root = Int32Array.from(seeds, (_, g) => g);
  const mergedAt = new Float64Array(n).fill(1);
  const heap = new MaxHeap();
  // Candidate merges go on the heap in any order: among the entries still valid (both groups unchanged since),
  // the heap's order (mean, then a, then b) is total, so the merges do not depend on the order of offers.
  const offer = (x: number, y: number) => {
    if (!fresh[x] && !fresh[y]) return;
    const mean = links.get(x, y) / (size[x]! * size[y]!);
    if (mean < options.threshold) return;
    const a = Math.min(x, y);
    const b = Math.max(x, y);
    heap.push(mean, a, b, version[a]!, version[b]!);
  };
  for (let g = 0; g < n; g++) links.forEach(g, (o) => o > g && offer(g, o));
  while (heap.size > 0) {
    const { mean, a, b, va, vb } = heap.pop();
    if (version[a] !== va || version[b] !== vb || root[a] !== a || root[b] !== b) continue;
    let sharesSource = false;
    const A = sources[a]!;
    for (const s of sources[b]!) if (A.has(s)) sharesSource = true;
    if (sharesSource && mean < options.sameSourceThreshold) continue;
    if (!windowsMeet(minTime[a]!, maxTime[a]!, minTime[b]!, maxTime[b]!, options.windowMs)) continue;
    // b merges into a (the lower index: the older seed).
    root[b] = a;
    mergedAt[b] = mean;
    size[a] = size[a]! + size[b]!;
    if (!ownSources[a]) {
      sources[a] = new Set(A);
      ownSources[a] = 1;
    }
    const grown = sources[a] as Set<string>;
    for (const s of sources[b]!) grown.add(s);
    minTime[a] = minOf(minTime[a]!, minTime[b]!);
    maxTime[a] = maxOf(maxTime[a]!, maxTime[b]!);
    fresh[a] = fresh[a]! | fresh[b]!;
    version[a]!++;
    links.merge(a, b);
    version[b]!++;
    links.forEach(a, (o) => offer(a, o));
  }
  // Follow merges to each seed's final group.
  for (let g = 0; g < root.length; g++) {
    let r = root[g]!;
    while (root[r] !== r) r = root[r]!;
    root[g] = r;
  }
  scratch.release(mark);
  return { root, mergedAt };
}

/**
 * The links between groups: each group's other groups (ascending) with the summed pair probability, in
 * shared typed arrays (group g's list at [at[g], at[g] + len[g]), room for cap[g]); merges write a group's
 * grown list in place or at the end. The sums are those of a Map per group updated as agglomerate did: per
 * pair, the edges' probabilities added in edge order; on a merge, one addition per shared neighbour.
 */
class Links {
  private nbr: Int32Array;
  private sum: Float64Array;
  private end = 0;
  private readonly at: Int32Array;
  private readonly len: Int32Array;
  private readonly cap: Int32Array;

  private constructor(n: number, room: number, scratch: Scratch) {
    this.nbr = scratch.int32s(room);
    this.sum = scratch.float64s(room);
    this.at = new Int32Array(n);
    this.len = new Int32Array(n);
    this.cap = new Int32Array(n);
  }

  /** The links of the groups of `groupOfItem` (-1: none) through the item edges. */
  static of(n: number, groupOfItem: Int32Array, edges: Edges, scratch: Scratch): Links {
    // Each edge between two groups, once from each side, grouped by group (stable: in edge order).
    const count = new Int32Array(n + 1);
    let total = 0;
    for (let e = 0; e < edges.a.length; e++) {
      const ga = groupOfItem[edges.a[e]!]!;
      const gb = groupOfItem[edges.b[e]!]!;
      if (ga < 0 || gb < 0 || ga === gb) continue;
      count[ga + 1]!++;
      count[gb + 1]!++;
      total += 2;
    }
    for (let g = 0; g < n; g++) count[g + 1]! += count[g]!;
    const fill = count.slice(0, n);
    const other = scratch.int32s(total);
    const prob = scratch.float64s(total);
    for (let e = 0; e < edges.a.length; e++) {
      const ga = groupOfItem[edges.a[e]!]!;
      const gb = groupOfItem[edges.b[e]!]!;
      if (ga < 0 || gb < 0 || ga === gb) continue;
      const p = edges.p[e]!;
      let k = fill[ga]!++;
      other[k] = gb;
      prob[k] = p;
      k = fill[gb]!++;
      other[k] = ga;
      prob[k] = p;
    }
    // Room for each list to double before it moves.
    const links = new Links(n, 2 * total, scratch);
    let order = new Int32Array(64);
    for (let g = 0; g < n; g++) {
      const from = count[g]!;
      const m = count[g + 1]! - from;
      links.at[g] = links.end;
      links.cap[g] = 2 * m;
      if (m === 0) continue;
      // The group's entries by other group, then edge order (a stable sort), each pair's probabilities summed in that
      // order.
      if (order.length < m) order = new Int32Array(2 * m);
      const idx = order.subarray(0, m);
      for (let k = 0; k < m; k++) idx[k] = from + k;
      idx.sort((x, y) => other[x]! - other[y]! || x - y);
      let len = 0;
      for (let k = 0; k < m; k++) {
        const o = other[idx[k]!]!;
        const p = prob[idx[k]!]!;
        if (len > 0 && links.nbr[links.end + len - 1] === o)
          links.sum[links.end + len - 1] = links.sum[links.end + len - 1]! + p;
        else {
          links.nbr[links.end + len] = o;
          links.sum[links.end + len] = 0 + p;
          len++;
        }
      }
      links.len[g] = len;
      links.end += 2 * m;
    }
    return links;
  }

  /** The summed probability between groups x and y (0 when there is no link). */
  get(x: number, y: number): number {
    const k = this.find(x, y);
    return k >= 0 ? this.sum[k]! : 0;
  }

  /** Calls visit with each group linked to g and the sum (g's list must not change meanwhile). */
  forEach(g: number, visit: (other: number, sum: number) => void): void {
    const from = this.at[g]!;
    const to = from + this.len[g]!;
    for (let k = from; k < to; k++) visit(this.nbr[k]!, this.sum[k]!);
  }

  /** Group b merges into group a (a < b): a's links gain b's (sums of shared neighbours added), b's go. */
  merge(a: number, b: number): void {
    // Drop b from a's list.
    const kb = this.find(a, b);
    if (kb >= 0) this.remove(a, kb);
    // a's new list: the union of both (b's without a), written from the end so it can stay in place.
    const bFrom = this.at[b]!;
    const bLen = this.len[b]!;
    let union = this.len[a]!;
    {
      let i = this.at[a]!;
      const iEnd = i + this.len[a]!;
      for (let j = bFrom; j < bFrom + bLen; j++) {
        const o = this.nbr[j]!;
        if (o === a) continue;
        while (i < iEnd && this.nbr[i]! < o) i++;
        if (i >= iEnd || this.nbr[i] !== o) union++;
      }
    }
    if (union > this.cap[a]!) this.move(a, 2 * union);
    let out = this.at[a]! + union - 1;
    let i = this.at[a]! + this.len[a]! - 1;
    const aFrom = this.at[a]!;
    for (let j = bFrom + bLen - 1; j >= bFrom; j--) {
      const o = this.nbr[j]!;
      if (o === a) continue;
      while (i >= aFrom && this.nbr[i]! > o) {
        this.nbr[out] = this.nbr[i]!;
        this.sum[out--] = this.sum[i--]!;
      }
      if (i >= aFrom && this.nbr[i] === o) {
        this.nbr[out] = o;
        this.sum[out--] = this.sum[i--]! + this.sum[j]!;
      } else {
        this.nbr[out] = o;
        this.sum[out--] = 0 + this.sum[j]!;
      }
    }
    this.len[a] = union;
    // Each of b's neighbours now links to a (with a's new sum) instead of b.
    for (let j = bFrom; j < bFrom + bLen; j++) {
      const o = this.nbr[j]!;
      if (o === a) continue;
      const total = this.sum[this.find(a, o)]!;
      const ka = this.find(o, a);
      const ko = this.find(o, b);
      if (ka >= 0) {
        this.sum[ka] = total;
        this.remove(o, ko);
      } else {
        // a < b: a goes where b was, or before; the entries between move up one.
        const from = this.at[o]!;
        let ins = ko;
        while (ins > from && this.nbr[ins - 1]! > a) {
          this.nbr[ins] = this.nbr[ins - 1]!;
          this.sum[ins] = this.sum[ins - 1]!;
          ins--;
        }
        this.nbr[ins] = a;
        this.sum[ins] = total;
      }
    }
    this.len[b] = 0;
  }

  /** Where y is in x's list, or -1. */
  private find(x: number, y: number): number {
    let lo = this.at[x]!;
    let hi = lo + this.len[x]! - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const v = this.nbr[mid]!;
      if (v === y) return mid;
      if (v < y) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  /** Removes entry k from g's list. */
  private remove(g: number, k: number): void {
    const end = this.at[g]! + this.len[g]! - 1;
    this.nbr.copyWithin(k, k + 1, end + 1);
    this.sum.copyWithin(k, k + 1, end + 1);
    this.len[g]!--;
  }

  /** Moves g's list to the end of the arrays, with room for `room` entries. */
  private move(g: number, room: number): void {
    if (this.end + room > this.nbr.length) {
      const size = Math.max(this.end + room, Math.ceil(this.nbr.length * 1.5));
      const nbr = new Int32Array(size);
      nbr.set(this.nbr.subarray(0, this.end));
      this.nbr = nbr;
      const sum = new Float64Array(size);
      sum.set(this.sum.subarray(0, this.end));
      this.sum = sum;
    }
    const from = this.at[g]!;
    this.nbr.copyWithin(this.end, from, from + this.len[g]!);
    this.sum.copyWithin(this.end, from, from + this.len[g]!);
    this.at[g] = this.end;
    this.cap[g] = room;
    this.end += room;
  }
}

/** Whether two groups' date ranges (NaN: undated) are within the window of each other. */
function windowsMeet(aMin: number, aMax: number, bMin: number, bMax: number, windowMs: number): boolean {
  if (Number.isNaN(aMin) || Number.isNaN(aMax) || Number.isNaN(bMin) || Number.isNaN(bMax)) return true;
  return bMin <= aMax + windowMs && aMin <= bMax + windowMs;
}

/** The earlier of two times, NaN standing for none. */
function minOf(a: number, b: number): number {
  return Number.isNaN(a) ? b : Number.isNaN(b) ? a : Math.min(a, b);
}

/** The later of two times, NaN standing for none. */
function maxOf(a: number, b: number): number {
  return Number.isNaN(a) ? b : Number.isNaN(b) ? a : Math.max(a, b);
}

/** Candidate merges, highest mean first; ties: lower a, then lower b (deterministic). Entries in parallel arrays. */
export class MaxHeap {
  private mean = new Float64Array(1024);
  private ab = new Int32Array(4096);
  size = 0;

  push(mean: number, a: number, b: number, va: number, vb: number): void {
    if (this.size === this.mean.length) {
      const m = new Float64Array(this.size * 2);
      m.set(this.mean);
      this.mean = m;
      const x = new Int32Array(this.size * 8);
      x.set(this.ab);
      this.ab = x;
    }
    let k = this.size++;
    this.set(k, mean, a, b, va, vb);
    while (k > 0) {
      const p = (k - 1) >> 1;
      if (!this.before(k, p)) break;
      this.swap(k, p);
      k = p;
    }
  }

  /** Removes and returns the first entry (the heap must not be empty). */
  pop(): { mean: number; a: number; b: number; va: number; vb: number } {
    const top = { mean: this.mean[0]!, a: this.ab[0]!, b: this.ab[1]!, va: this.ab[2]!, vb: this.ab[3]! };
    const last = --this.size;
    if (last > 0) {
      this.set(
        0,
        this.mean[last]!,
        this.ab[last * 4]!,
        this.ab[last * 4 + 1]!,
        this.ab[last * 4 + 2]!,
        this.ab[last * 4 + 3]!,
      );
      let k = 0;
      for (;;) {
        const l = 2 * k + 1;
        const r = l + 1;
        let m = k;
        if (l < last && this.before(l, m)) m = l;
        if (r < last && this.before(r, m)) m = r;
        if (m === k) break;
        this.swap(m, k);
        k = m;
      }
    }
    return top;
  }

  private set(k: number, mean: number, a: number, b: number, va: number, vb: number): void {
    this.mean[k] = mean;
    this.ab[k * 4] = a;
    this.ab[k * 4 + 1] = b;
    this.ab[k * 4 + 2] = va;
    this.ab[k * 4 + 3] = vb;
  }

  private swap(x: number, y: number): void {
    const m = this.mean[x]!;
    this.mean[x] = this.mean[y]!;
    this.mean[y] = m;
    for (let f = 0; f < 4; f++) {
      const t = this.ab[x * 4 + f]!;
      this.ab[x * 4 + f] = this.ab[y * 4 + f]!;
      this.ab[y * 4 + f] = t;
    }
  }

  /** Whether entry x comes before entry y. */
  private before(x: number, y: number): boolean {
    const mx = this.mean[x]!;
    const my = this.mean[y]!;
    if (mx !== my) return mx > my;
    const ax = this.ab[x * 4]!;
    const ay = this.ab[y * 4]!;
    return ax < ay || (ax === ay && this.ab[x * 4 + 1]! < this.ab[y * 4 + 1]!);
  }
}
