import { describe, expect, it } from 'vitest';
import type { ProfileTable } from '../../../src/cluster/corpus.js';
import { joinStories, kthSmallest, type Group } from '../../../src/cluster/join-stories.js';
import { Scratch } from '../../../src/cluster/scratch.js';
import { Profile, StoryPostings } from '../../../src/cluster/story-profile.js';
import { joinStoriesReference } from './join-stories-reference.js';

// The story level in typed arrays (issue #16) must decide exactly as the Map-based version it replaced
// (join-stories-reference.ts): the same sums in the same order, so the same roots and scores, bit for bit.

/** A seeded pseudo-random generator (LCG). */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const HOUR = 3_600_000;
const WINDOW = 72 * HOUR;

/**
 * `items` items drawn from `stories` topics (each a set of core terms), over `days` days, some undated; weights
 * quantised so that ties occur; rows of 5 to 60 terms (the story level keeps an item's 30 heaviest).
 */
function table(
  seed: number,
  items: number,
  stories: number,
  days: number,
): { profiles: ProfileTable; groups: Group[] } {
  const rnd = random(seed);
  const cores = Array.from({ length: stories }, () => Array.from({ length: 12 }, () => Math.floor(rnd() * 3000)));
  const storyTime = Array.from({ length: stories }, () => rnd() * days * 24 * HOUR);
  const at = [0];
  const ids: number[] = [];
  const ws: number[] = [];
  const time: number[] = [];
  const storyOf: number[] = [];
  for (let i = 0; i < items; i++) {
    const s = Math.floor(rnd() * stories);
    storyOf.push(s);
    const terms = new Map<number, number>();
    const len = 5 + Math.floor(rnd() * 56);
    for (let k = 0; k < len; k++) {
      const t = rnd() < 0.5 ? cores[s]![Math.floor(rnd() * 12)]! : Math.floor(rnd() * 3000);
      terms.set(t, Math.round(rnd() * 20) / 100 + 0.01);
    }
    for (const [t, w] of [...terms].sort((a, b) => a[0] - b[0])) {
      ids.push(t);
      ws.push(w);
    }
    at.push(ids.length);
    time.push(rnd() < 0.05 ? Number.NaN : Math.round(storyTime[s]! + (rnd() - 0.5) * 30 * HOUR));
  }
  const profiles: ProfileTable = {
    count: items,
    time: Float64Array.from(time),
    days: new Int32Array(items),
    all: { ids: Int32Array.from(ids), w: Float64Array.from(ws), at: Int32Array.from(at) },
    title: { ids: new Int32Array(0), w: new Float64Array(0), at: new Int32Array(items + 1) },
    ents: { ids: new Int32Array(0), w: new Float64Array(0), at: new Int32Array(items + 1) },
    query: new Int32Array(0),
    queryAt: new Int32Array(items + 1),
  };
  // Groups of one to three items of one topic, as the pair level leaves them; the first tenth are earlier runs'
  // stories.
  const groups: Group[] = [];
  for (let i = 0; i < items; ) {
    const size = 1 + Math.floor(rnd() * 3);
    const members: number[] = [];
    for (let k = 0; k < size && i < items; k++) members.push(i++);
    groups.push({ items: members, fresh: groups.length >= Math.floor(items / 30) });
  }
  return { profiles, groups };
}

describe('joinStories', () => {
  for (const [seed, items, stories, days] of [
    [1, 400, 40, 10],
    [2, 900, 60, 6],
    [3, 1000, 200, 30],
    [4, 200, 5, 2],
    [5, 60, 12, 1],
  ] as const) {
    it(`decides as the reference on ${items} items of ${stories} topics over ${days} days (seed ${seed})`, () => {
      const { profiles, groups } = table(seed, items, stories, days);
      let fewest = groups.length;
      let most = 0;
      for (const [joinThreshold, mergeThreshold] of [
        [0.12, 0.18],
        [0.05, 0.1],
        [0.3, 0.5],
      ] as const) {
        const options = { joinThreshold, mergeThreshold, windowMs: WINDOW };
        const got = joinStories(profiles, groups, options);
        const want = joinStoriesReference(profiles, groups, options);
        expect(Array.from(got.root)).toEqual(Array.from(want.root));
        expect(Array.from(got.score)).toEqual(Array.from(want.score));
        // With its profiles in a phase's scratch memory (as clusterItems runs it): the same, and the memory given back.
        const scratch = new Scratch();
        scratch.reset();
        const before = scratch.mark();
        const inScratch = joinStories(profiles, groups, options, scratch);
        expect(Array.from(inScratch.root)).toEqual(Array.from(want.root));
        expect(Array.from(inScratch.score)).toEqual(Array.from(want.score));
        const after = scratch.mark();
        expect(after.wanted).toBe(before.wanted);
        expect(after.used.slice(0, before.used.length)).toEqual(before.used);
        expect(after.used.slice(before.used.length).every((u) => u === 0)).toBe(true);
        const roots = new Set(got.root).size;
        fewest = Math.min(fewest, roots);
        most = Math.max(most, roots);
      }
      // The case is not trivial: groups joined, and some groups stayed apart.
      expect(fewest).toBeLessThan(groups.length);
      expect(most).toBeGreaterThan(1);
    });
  }
});

describe('Profile', () => {
  for (const where of ['its own buffer', 'a phase of scratch memory']) {
    it(`keeps a Map’s order and values through adds, puts, removals and clones, in ${where}`, () => {
      const memory = where === 'its own buffer' ? undefined : new Scratch();
      memory?.reset();
      keepsMapOrder(new Profile(8, memory));
    });
  }
});

/** Runs adds, puts and removals on `p` and on a Map, checking they agree (a clone of `p` midway goes on instead). */
function keepsMapOrder(start: Profile): void {
  {
    const rnd = random(11);
    let p = start;
    const m = new Map<number, number>();
    for (let step = 0; step < 20_000; step++) {
      const t = Math.floor(rnd() * 300) * 7919;
      const r = rnd();
      if (r < 0.6) {
        const w = rnd();
        p.add(t, w);
        m.set(t, (m.get(t) ?? 0) + w);
      } else if (r < 0.75) {
        const w = rnd();
        p.put(t, w);
        m.set(t, w);
      } else {
        p.remove(t);
        m.delete(t);
      }
      if (step % 997 === 0) {
        const live: [number, number][] = [];
        for (let s = 0; s < p.end; s++) if (p.ids[s]! >= 0) live.push([p.ids[s]!, p.ws[s]!]);
        expect(live).toEqual([...m]);
        expect(p.size).toBe(m.size);
      }
      expect(p.get(t)).toBe(m.get(t) ?? 0);
      expect(p.slotOf(t) >= 0).toBe(m.has(t));
      if (step === 10_000) {
        const copy = p.clone();
        // The copy is a profile of its own: the original's changes do not reach it.
        p.add(t, 1);
        expect(copy.get(t)).toBe(m.get(t) ?? 0);
        p = copy;
      }
    }
    let sq = 0;
    for (const w of m.values()) sq += w * w;
    expect(p.norm()).toBe(Math.sqrt(sq));
  }
}

describe('Profile memory', () => {
  it('keeps its weights and terms in one buffer, before and after it grows', () => {
    // A buffer per array cost about as much as the data at these sizes (BENCHMARKS.md, session 10).
    const p = new Profile(4);
    const first = p.ws.buffer;
    expect(p.ids.buffer).toBe(first);
    for (let t = 0; t < 100; t++) p.add(t, t / 10);
    expect(p.ws.buffer).not.toBe(first); // it grew
    expect(p.ids.buffer).toBe(p.ws.buffer);
    expect(p.get(99)).toBe(9.9);
  });
});

describe('StoryPostings', () => {
  it('holds each posted story once, with its last weight, until deleted', () => {
    const rnd = random(5);
    const index = new StoryPostings(50);
    const want = new Map<number, Map<number, number>>();
    for (let step = 0; step < 5_000; step++) {
      const t = Math.floor(rnd() * 50);
      const x = Math.floor(rnd() * 40);
      let list = want.get(t);
      if (!list) want.set(t, (list = new Map()));
      if (rnd() < 0.7) {
        const w = rnd();
        index.set(t, x, w);
        list.set(x, w);
      } else {
        index.delete(t, x);
        list.delete(x);
      }
    }
    for (let t = 0; t < 50; t++) {
      const stories = index.storiesOf(t) ?? [];
      const weights = index.weightsOf(t) ?? [];
      const got = new Map(stories.map((x, k) => [x, weights[k]!]));
      expect(stories.length).toBe(got.size);
      expect(got).toEqual(want.get(t) ?? new Map());
    }
  });
});

describe('kthSmallest', () => {
  it('gives what sorting gives, at every rank, with ties, runs and few distinct values', () => {
    let seed = 7;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      return seed / 2_147_483_648;
    };
    for (let round = 0; round < 300; round++) {
      const n = 1 + Math.floor(random() * 80);
      const distinct = 1 + Math.floor(random() * 10);
      const values = Array.from({ length: n }, () =>
        round % 3 === 0 ? Math.floor(random() * distinct) / 4 : round % 3 === 1 ? random() : (n - 1) / 8,
      );
      const sorted = Float64Array.from(values).sort();
      for (let k = 0; k < n; k++) {
        const a = new Float64Array(n + 5).fill(99);
        a.set(values);
        expect(kthSmallest(a, n, k)).toBe(sorted[k]);
        expect(a[n]).toBe(99); // only the first n are looked at
      }
    }
  });
});
