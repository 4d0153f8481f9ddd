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

interface Group {
  size: number;
  sources: Set<string>;
  minTime: number | null;
  maxTime: number | null;
  fresh: boolean;
  /** Other group → summed pair probability. */
  links: Map<number, number>;
  version: number;
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
): { root: Int32Array; mergedAt: Float64Array } {
  const groupOfItem = new Int32Array(itemCount).fill(-1);
  const groups: Group[] = seeds.map((s, g) => {
    for (const i of s.items) groupOfItem[i] = g;
    return { size: s.items.length, sources: new Set(s.sources), minTime: s.minTime, maxTime: s.maxTime, fresh: s.fresh, links: new Map(), version: 0 };
  });
  for (let e = 0; e < edges.a.length; e++) {
    const ga = groupOfItem[edges.a[e]!]!;
    const gb = groupOfItem[edges.b[e]!]!;
    const p = edges.p[e]!;
    if (ga < 0 || gb < 0 || ga === gb) continue;
    const A = groups[ga]!;
    A.links.set(gb, (A.links.get(gb) ?? 0) + p);
    const B = groups[gb]!;
    B.links.set(ga, (B.links.get(ga) ?? 0) + p);
  }
  const root = Int32Array.from(seeds, (_, g) => g);
  const mergedAt = new Float64Array(seeds.length).fill(1);
  const heap = new MaxHeap();
  const offer = (x: number, y: number) => {
    const X = groups[x]!;
    const Y = groups[y]!;
    if (!X.fresh && !Y.fresh) return;
    const mean = X.links.get(y)! / (X.size * Y.size);
    if (mean < options.threshold) return;
    heap.push({ mean, a: Math.min(x, y), b: Math.max(x, y), va: groups[Math.min(x, y)]!.version, vb: groups[Math.max(x, y)]!.version });
  };
  groups.forEach((G, g) => {
    for (const o of G.links.keys()) if (o > g) offer(g, o);
  });
  for (let top = heap.pop(); top; top = heap.pop()) {
    const A = groups[top.a]!;
    const B = groups[top.b]!;
    if (A.version !== top.va || B.version !== top.vb || root[top.a] !== top.a || root[top.b] !== top.b) continue;
    let sharesSource = false;
    for (const s of B.sources) if (A.sources.has(s)) sharesSource = true;
    if (sharesSource && top.mean < options.sameSourceThreshold) continue;
    if (!windowsMeet(A, B, options.windowMs)) continue;
    // b merges into a (the lower index: the older seed).
    root[top.b] = top.a;
    mergedAt[top.b] = top.mean;
    A.size += B.size;
    for (const s of B.sources) A.sources.add(s);
    A.minTime = minOf(A.minTime, B.minTime);
    A.maxTime = maxOf(A.maxTime, B.maxTime);
    A.fresh = A.fresh || B.fresh;
    A.version++;
    for (const [o, w] of B.links) {
      if (o === top.a) continue;
      const O = groups[o]!;
      O.links.delete(top.b);
      const sum = (A.links.get(o) ?? 0) + w;
      A.links.set(o, sum);
      O.links.set(top.a, sum);
    }
    A.links.delete(top.b);
    B.links = new Map();
    B.version++;
    for (const o of [...A.links.keys()].sort((x, y) => x - y)) offer(top.a, o);
  }
  // Follow merges to each seed's final group.
  for (let g = 0; g < root.length; g++) {
    let r = root[g]!;
    while (root[r] !== r) r = root[r]!;
    root[g] = r;
  }
  return { root, mergedAt };
}

function windowsMeet(a: Group, b: Group, windowMs: number): boolean {
  if (a.minTime === null || a.maxTime === null || b.minTime === null || b.maxTime === null) return true;
  return b.minTime <= a.maxTime + windowMs && a.minTime <= b.maxTime + windowMs;
}

function minOf(a: number | null, b: number | null): number | null {
  return a === null ? b : b === null ? a : Math.min(a, b);
}

function maxOf(a: number | null, b: number | null): number | null {
  return a === null ? b : b === null ? a : Math.max(a, b);
}

interface Entry {
  mean: number;
  a: number;
  b: number;
  va: number;
  vb: number;
}

/** Highest mean first; ties: lower a, then lower b (deterministic). */
class MaxHeap {
  private readonly items: Entry[] = [];

  push(e: Entry): void {
    const h = this.items;
    h.push(e);
    let k = h.length - 1;
    while (k > 0) {
      const p = (k - 1) >> 1;
      if (!before(h[k]!, h[p]!)) break;
      [h[p], h[k]] = [h[k]!, h[p]!];
      k = p;
    }
  }

  pop(): Entry | undefined {
    const h = this.items;
    const top = h[0];
    const last = h.pop();
    if (h.length > 0 && last) {
      h[0] = last;
      let k = 0;
      for (;;) {
        const l = 2 * k + 1;
        const r = l + 1;
        let m = k;
        if (l < h.length && before(h[l]!, h[m]!)) m = l;
        if (r < h.length && before(h[r]!, h[m]!)) m = r;
        if (m === k) break;
        [h[m], h[k]] = [h[k]!, h[m]!];
        k = m;
      }
    }
    return top;
  }
}

function before(x: Entry, y: Entry): boolean {
  return x.mean > y.mean || (x.mean === y.mean && (x.a < y.a || (x.a === y.a && x.b < y.b)));
}
