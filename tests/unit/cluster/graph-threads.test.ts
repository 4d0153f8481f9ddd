import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { clusterItems, DEFAULT_CLUSTER_OPTIONS } from '../../../src/cluster/cluster-items.js';
import { profileTableOf, sparse, type ItemProfile } from '../../../src/cluster/corpus.js';
import { planGraph, RIVAL_FLOOR } from '../../../src/cluster/graph-search.js';
import { startGraphThreads, type GraphThreads } from '../../../src/cluster/graph-threads.js';
import { visitPairs } from '../../../src/cluster/item-graph.js';
import { DEFAULT_JOIN_MODEL, joinProbability } from '../../../src/cluster/join-model.js';
import { Scratch } from '../../../src/cluster/scratch.js';
import type { Item } from '../../../src/model.js';
import { generatedStories } from '../../../tools/bench/generate-corpus.js';
import { makeItem } from '../../support/make-item.js';

// The item graph shared by worker threads must give exactly the pairs, probabilities and order of one thread
// (issue #16). The worker is the compiled dist/cluster/graph-worker.js (tests/global-setup.ts builds dist/).

const ROOT = resolve(import.meta.dirname, '..', '..', '..');
const WORKER = pathToFileURL(join(ROOT, 'dist', 'cluster', 'graph-worker.js'));
const STALLED = pathToFileURL(join(ROOT, 'tests', 'fixtures', 'cluster', 'stalled-graph-worker.mjs'));
const HOUR = 3_600_000;
const OPTIONS = { neighbours: 40, windowMs: 72 * HOUR, rivalFloor: RIVAL_FLOOR };

/** A seeded stream of `n` items: stories of a few items sharing topic terms, over ten days, some undated. */
function streamOf(n: number, seed: number): ItemProfile[] {
  let s = seed;
  const random = () => {
    s = (s * 1_103_515_245 + 12_345) % 2_147_483_648;
    return s / 2_147_483_648;
  };
  const vec = (ids: number[]) => {
    const unique = [...new Set(ids)];
    return sparse(
      unique,
      unique.map(() => 0.2 + random()),
    );
  };
  const out: ItemProfile[] = [];
  for (let i = 0; i < n; i++) {
    const story = Math.floor(random() * (n / 4));
    const topic = Array.from({ length: 12 }, (_, t) => 1 + ((story * 37 + t * 11) % 5_000));
    const noise = Array.from({ length: 30 }, () => 1 + Math.floor(random() * 5_000));
    const all = vec([...topic.slice(0, 6 + Math.floor(random() * 6)), ...noise]);
    const order = Array.from(all.ids.keys()).sort((a, b) => all.w[b]! - all.w[a]! || a - b);
    out.push({
      id: `i${i}`,
      source: `s${i % 50}`,
      time: random() < 0.05 ? null : story * 3_000_000 + Math.floor(random() * 6 * HOUR),
      days: random() < 0.3 ? 1 << Math.floor(random() * 7) : 0,
      all,
      title: vec(topic.slice(0, 3 + Math.floor(random() * 3))),
      ents: vec(topic.slice(0, 2).concat(noise.slice(0, 1))),
      query: Int32Array.from(order.slice(0, 20).map((x) => all.ids[x]!)),
    });
  }
  return out;
}

/** visitPairs with the join probability: what one thread finds. */
function serialPairs(profiles: ItemProfile[], groupOf: Int32Array) {
  const a: number[] = [];
  const b: number[] = [];
  const p: number[] = [];
  visitPairs(profileTableOf(profiles), OPTIONS, groupOf, (x, y, features) => {
    a.push(x);
    b.push(y);
    p.push(joinProbability(DEFAULT_JOIN_MODEL, features));
  });
  return { a, b, p };
}

function parallelPairs(threads: GraphThreads, profiles: ItemProfile[], groupOf: Int32Array) {
  const plan = planGraph(
    profileTableOf(profiles),
    OPTIONS,
    groupOf,
    new Scratch(true),
    threads.nearLists(profiles.length, OPTIONS.neighbours),
  );
  const got = threads.linkPairs(plan, DEFAULT_JOIN_MODEL);
  return { a: Array.from(got.a), b: Array.from(got.b), p: Array.from(got.p), got };
}

describe('startGraphThreads', () => {
  let threads: GraphThreads | null = null;
  afterEach(() => threads?.close());

  it('finds exactly the pairs, probabilities and order of one thread, the worker taking a share', async () => {
    const profiles = streamOf(4_000, 7);
    // Items of a few old stories: pairs inside one are left out, on every thread alike.
    const groupOf = Int32Array.from(profiles, (_, i) => (i % 97 === 0 ? 1 : i % 89 === 0 ? 2 : -1));
    threads = startGraphThreads(1, WORKER);
    expect(threads).not.toBeNull();
    await threads!.ready();
    expect(threads!.worthIt(profiles.length)).toBe(true);
    const want = serialPairs(profiles, groupOf);
    expect(want.a.length).toBeGreaterThan(10_000);
    const { got, ...have } = parallelPairs(threads!, profiles, groupOf);
    expect(have).toEqual(want);
    expect(got.chunksHere).toBeLessThan(got.chunks);
    // A smaller batch next, on the same workers and the same (larger) shared lists and slots: nothing of the first
    // batch shows through.
    const next = streamOf(2_500, 8);
    const none = new Int32Array(next.length).fill(-1);
    const { got: _, ...again } = parallelPairs(threads!, next, none);
    expect(again).toEqual(serialPairs(next, none));
  });

  it('rests between batches: lets go of its lists, and its workers start again and take a share', async () => {
    const profiles = streamOf(3_000, 5);
    const none = new Int32Array(profiles.length).fill(-1);
    const want = serialPairs(profiles, none);
    threads = startGraphThreads(1, WORKER);
    await threads!.ready();
    const lists = threads!.nearLists(profiles.length, OPTIONS.neighbours);
    // Without a rest, the next batch gets the same shared memory.
    expect(threads!.nearLists(profiles.length, OPTIONS.neighbours).items.buffer).toBe(lists.items.buffer);
    threads!.rest();
    threads!.rest(); // idempotent
    expect(threads!.worthIt(profiles.length)).toBe(true);
    expect(threads!.nearLists(profiles.length, OPTIONS.neighbours).items.buffer).not.toBe(lists.items.buffer);
    threads!.resume();
    await threads!.ready();
    const { got, ...have } = parallelPairs(threads!, profiles, none);
    expect(have).toEqual(want);
    expect(got.chunksHere).toBeLessThan(got.chunks);
    // linkPairs after a rest with no resume starts the workers itself: the same pairs.
    threads!.rest();
    const { got: _, ...again } = parallelPairs(threads!, profiles, none);
    expect(again).toEqual(want);
  });

  it('does a chunk a worker took and never finished itself, with the same result', async () => {
    const profiles = streamOf(2_500, 3);
    const groupOf = new Int32Array(profiles.length).fill(-1);
    threads = startGraphThreads(1, STALLED);
    await threads!.ready();
    const { got, ...have } = parallelPairs(threads!, profiles, groupOf);
    expect(have).toEqual(serialPairs(profiles, groupOf));
    expect(got.chunksHere).toBe(got.chunks);
  });

  it('starts nothing for no threads or without a compiled worker, and leaves small batches to the caller', () => {
    expect(startGraphThreads(0, WORKER)).toBeNull();
    expect(startGraphThreads(2, pathToFileURL(join(ROOT, 'no-such-worker.js')))).toBeNull();
    threads = startGraphThreads(1, WORKER);
    expect(threads!.worthIt(100)).toBe(false);
    threads!.close();
    expect(threads!.worthIt(100_000)).toBe(false);
    // Closed for good: a resume starts nothing.
    threads!.resume();
    expect(threads!.worthIt(100_000)).toBe(false);
  });
});

describe('clusterItems with graph threads', () => {
  it('makes the same stories, scores and terms as without, over several slices of a long import', async () => {
    // 2,000 generated stories, two to four articles each from different outlets, spread over 20 days: a cold run's
    // slices of ~2,700 items and more, past the size graph threads take.
    const pool = generatedStories(2_000, 11);
    const items: Item[] = [];
    const start = Date.parse('2025-05-01T00:00:00.000Z');
    pool.forEach((story, s) => {
      const at = start + Math.floor((s / pool.length) * 20 * 86_400_000);
      story.articles.forEach((a, k) => {
        const published = new Date(at + k * 1_800_000).toISOString();
        items.push(
          makeItem({ id: `s${s}-${k}`, sourceId: `o${(s + k) % 40}`, title: a.title, summary: a.summary, published }),
        );
      });
    });
    const input = { stories: [], items: new Map(items.map((i) => [i.id, i])), newItems: items };
    const alone = clusterItems(input, DEFAULT_CLUSTER_OPTIONS);
    const threads = startGraphThreads(1, WORKER);
    try {
      await threads!.ready();
      const shared = clusterItems({ ...input, graphThreads: threads }, DEFAULT_CLUSTER_OPTIONS);
      expect(threads!.batches).toBeGreaterThanOrEqual(2);
      expect(shared).toEqual(alone);
      expect(alone.changed.length).toBeGreaterThan(1_000);
    } finally {
      threads!.close();
    }
  }, 60_000);
});
