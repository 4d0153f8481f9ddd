// Average-linkage agglomerative clustering over a sparse graph of pair probabilities: the two groups
// with the highest mean pair probability (pairs without an edge count as 0) merge first, while that
// mean clears the threshold. Unlike a single pass, the result does not depend on which report of a
// story arrives first, and two groups that turn out to be one story merge (issue #3).

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
export function agglomerate(seeds: readonly Seed[], itemCount: number, edges: Edges, options: AgglomerateOptions): { root: Int32Array; mergedAt: Float64Array } {
  const n = seeds.length;
  // Each group's state in flat arrays (times: NaN for none); its outlets (the seed's set until the group
  // grows: then its own) and its links (other group → summed pair probability), made when first needed.
  const size = new Float64Array(n);
  const minTime = new Float64Array(n);
  const maxTime = new Float64Array(n);
  const fresh = new Uint8Array(n);
  const version = new Int32Array(n);
  const sources: ReadonlySet<string>[] = [];
  const ownSources = new Uint8Array(n);
  const links: (Map<number, number> | undefined)[] = new Array<Map<number, number> | undefined>(n);
  const groupOfItem = new Int32Array(itemCount).fill(-1);
  seeds.forEach((s, g) => {
    for (const i of s.items) groupOfItem[i] = g;
    size[g] = s.items.length;
    minTime[g] = s.minTime ?? NaN;
    maxTime[g] = s.maxTime ?? NaN;
    fresh[g] = s.fresh ? 1 : 0;
    sources.push(s.sources);
  });
  const linksOf = (g: number): Map<number, number> => (links[g] ??= new Map());
  for (let e = 0; e < edges.a.length; e++) {
    const ga = groupOfItem[edges.a[e]!]!;
    const gb = groupOfItem[edges.b[e]!]!;
    const p = edges.p[e]!;
    if (ga < 0 || gb < 0 || ga === gb) continue;
    const A = linksOf(ga);
    A.set(gb, (A.get(gb) ?? 0) + p);
    const B = linksOf(gb);
    B.set(ga, (B.get(ga) ?? 0) + p);
  }
  const root = Int32Array.from(seeds, (_, g) => g);
  const mergedAt = new Float64Array(n).fill(1);
  const heap = new MaxHeap();
  // Candidate merges go on the heap in any order: among the entries still valid (both groups unchanged since),
  // the heap's order (mean, then a, then b) is total, so the merges do not depend on the order of offers.
  const offer = (x: number, y: number) => {
    if (!fresh[x] && !fresh[y]) return;
    const mean = links[x]!.get(y)! / (size[x]! * size[y]!);
    if (mean < options.threshold) return;
    const a = Math.min(x, y);
    const b = Math.max(x, y);
    heap.push(mean, a, b, version[a]!, version[b]!);
  };
  for (let g = 0; g < n; g++) links[g]?.forEach((_, o) => o > g && offer(g, o));
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
    const La = linksOf(a);
    links[b]?.forEach((w, o) => {
      if (o === a) return;
      const O = links[o]!;
      O.delete(b);
      const sum = (La.get(o) ?? 0) + w;
      La.set(o, sum);
      O.set(a, sum);
    });
    La.delete(b);
    links[b] = undefined;
    version[b]!++;
    La.forEach((_, o) => offer(a, o));
  }
  // Follow merges to each seed's final group.
  for (let g = 0; g < root.length; g++) {
    let r = root[g]!;
    while (root[r] !== r) r = root[r]!;
    root[g] = r;
  }
  return { root, mergedAt };
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
class MaxHeap {
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
      this.set(0, this.mean[last]!, this.ab[last * 4]!, this.ab[last * 4 + 1]!, this.ab[last * 4 + 2]!, this.ab[last * 4 + 3]!);
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
