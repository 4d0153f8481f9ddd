import { describe, expect, it } from 'vitest';
import { agglomerate, type AgglomerateOptions, type Edges, type Seed } from '../../../src/cluster/agglomerate.js';

/** The earlier implementation (a Map of links and an object per group, a heap of objects): the reference. */
function reference(
  seeds: readonly Seed[],
  itemCount: number,
  edges: { a: number; b: number; p: number }[],
  options: AgglomerateOptions,
) {
  type Group = {
    size: number;
    sources: Set<string>;
    minTime: number | null;
    maxTime: number | null;
    fresh: boolean;
    links: Map<number, number>;
    version: number;
  };
  const groupOfItem = new Int32Array(itemCount).fill(-1);
  const groups: Group[] = seeds.map((s, g) => {
    for (const i of s.items) groupOfItem[i] = g;
    return {
      size: s.items.length,
      sources: new Set(s.sources),
      minTime: s.minTime,
      maxTime: s.maxTime,
      fresh: s.fresh,
      links: new Map(),
      version: 0,
    };
  });
  for (const { a, b, p } of edges) {
    const ga = groupOfItem[a]!;
    const gb = groupOfItem[b]!;
    if (ga < 0 || gb < 0 || ga === gb) continue;
    groups[ga]!.links.set(gb, (groups[ga]!.links.get(gb) ?? 0) + p);
    groups[gb]!.links.set(ga, (groups[gb]!.links.get(ga) ?? 0) + p);
  }
  const root = Int32Array.from(seeds, (_, g) => g);
  const mergedAt = new Float64Array(seeds.length).fill(1);
  type Entry = { mean: number; a: number; b: number; va: number; vb: number };
  const heap: Entry[] = [];
  const before = (x: Entry, y: Entry) =>
    x.mean > y.mean || (x.mean === y.mean && (x.a < y.a || (x.a === y.a && x.b < y.b)));
  const pop = () => {
    let best = 0;
    for (let k = 1; k < heap.length; k++) if (before(heap[k]!, heap[best]!)) best = k;
    return heap.splice(best, 1)[0];
  };
  const offer = (x: number, y: number) => {
    const X = groups[x]!;
    const Y = groups[y]!;
    if (!X.fresh && !Y.fresh) return;
    const mean = X.links.get(y)! / (X.size * Y.size);
    if (mean < options.threshold) return;
    heap.push({
      mean,
      a: Math.min(x, y),
      b: Math.max(x, y),
      va: groups[Math.min(x, y)]!.version,
      vb: groups[Math.max(x, y)]!.version,
    });
  };
  groups.forEach((G, g) => {
    for (const o of G.links.keys()) if (o > g) offer(g, o);
  });
  const meet = (A: Group, B: Group) =>
    A.minTime === null ||
    A.maxTime === null ||
    B.minTime === null ||
    B.maxTime === null ||
    (B.minTime <= A.maxTime + options.windowMs && A.minTime <= B.maxTime + options.windowMs);
  for (let top = pop(); top; top = pop()) {
    const A = groups[top.a]!;
    const B = groups[top.b]!;
    if (A.version !== top.va || B.version !== top.vb || root[top.a] !== top.a || root[top.b] !== top.b) continue;
    if ([...B.sources].some((s) => A.sources.has(s)) && top.mean < options.sameSourceThreshold) continue;
    if (!meet(A, B)) continue;
    root[top.b] = top.a;
    mergedAt[top.b] = top.mean;
    A.size += B.size;
    for (const s of B.sources) A.sources.add(s);
    A.minTime = A.minTime === null ? B.minTime : B.minTime === null ? A.minTime : Math.min(A.minTime, B.minTime);
    A.maxTime = A.maxTime === null ? B.maxTime : B.maxTime === null ? A.maxTime : Math.max(A.maxTime, B.maxTime);
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
  for (let g = 0; g < root.length; g++) {
    let r = root[g]!;
    while (root[r] !== r) r = root[r]!;
    root[g] = r;
  }
  return { root, mergedAt };
}

/** A random batch: old multi-item groups and fresh single items, dated or not, with random links. */
function randomBatch(seed: number) {
  let state = seed;
  const random = () => (state = (state * 1103515245 + 12345) % 2147483648) / 2147483648;
  const seeds: Seed[] = [];
  let items = 0;
  const groups = 30 + Math.floor(random() * 60);
  for (let g = 0; g < groups; g++) {
    const old = g < groups / 4;
    const size = old ? 1 + Math.floor(random() * 4) : 1;
    const list = Array.from({ length: size }, () => items++);
    const time = random() < 0.1 ? null : Math.floor(random() * 10) * 36e5;
    seeds.push({
      items: list,
      sources: new Set(list.map(() => `s${Math.floor(random() * 8)}`)),
      minTime: time,
      maxTime: time === null ? null : time + (size - 1) * 36e5,
      fresh: !old,
    });
  }
  const pairs: { a: number; b: number; p: number }[] = [];
  for (let a = 0; a < items; a++)
    for (let b = a + 1; b < items; b++)
      if (random() < 0.15) pairs.push({ a, b, p: Math.round(random() * 1000) / 1000 + 0.0001 * random() });
  const edges: Edges = {
    a: Int32Array.from(pairs, (x) => x.a),
    b: Int32Array.from(pairs, (x) => x.b),
    p: Float64Array.from(pairs, (x) => x.p),
  };
  return { seeds, items, pairs, edges };
}

describe('agglomerate', () => {
  it('merges exactly as the reference implementation does, on random batches', () => {
    const options = { threshold: 0.3, sameSourceThreshold: 0.5, windowMs: 4 * 36e5 };
    let merges = 0;
    for (let seed = 1; seed <= 40; seed++) {
      const { seeds, items, pairs, edges } = randomBatch(seed);
      const got = agglomerate(seeds, items, edges, options);
      const want = reference(seeds, items, pairs, options);
      expect([...got.root]).toEqual([...want.root]);
      expect([...got.mergedAt]).toEqual([...want.mergedAt]);
      merges += [...want.root].filter((r, g) => r !== g).length;
    }
    // The batches do merge a lot (else the comparison would say little).
    expect(merges).toBeGreaterThan(200);
  });
});
