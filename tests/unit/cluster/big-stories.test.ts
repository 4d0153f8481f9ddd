import { describe, expect, it } from 'vitest';
import { clusterArticles, type ArticleRecord } from '../../../src/cli/commands/cluster-file.js';
import { clusterItems, DEFAULT_CLUSTER_OPTIONS, mintStoryId } from '../../../src/cluster/cluster-items.js';
import type { Item } from '../../../src/model.js';
import { makeItem } from '../../support/make-item.js';

// Issue #12: a real stream's big stories — hundreds of headline-only reports of one event over a day, many
// outlets posting several each, paraphrased so that two headlines often share only a word or two.

const STORIES = [
  ['federal', 'reserve', 'plosser', 'taper', 'stimulus', 'bond', 'buying', 'weather', 'slowdown', 'yellen', 'inflation', 'rates'],
  ['malaysia', 'airlines', 'flight', 'missing', 'search', 'jet', 'beijing', 'radar', 'passengers', 'ocean', 'debris', 'boeing'],
  ['apple', 'iphone', 'samsung', 'patent', 'trial', 'jury', 'court', 'smartphone', 'damages', 'verdict', 'galaxy', 'appeal'],
];
const FILLER = ['says', 'after', 'amid', 'new', 'report', 'officials', 'week', 'markets', 'still', 'sees', 'update', 'latest', 'live', 'analysis'];

/** A seeded pseudo-random generator (LCG), so the stream is the same on every run. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** `perStory` headline-only articles for each story, interleaved over 24 hours, from 80 outlets. */
function stream(perStory: number, seed = 7): { records: ArticleRecord[]; story: Map<string, number> } {
  const rnd = random(seed);
  const pick = <T>(xs: readonly T[], k: number): T[] => {
    const pool = [...xs];
    const out: T[] = [];
    while (out.length < k) out.push(pool.splice(Math.floor(rnd() * pool.length), 1)[0]!);
    return out;
  };
  const records: ArticleRecord[] = [];
  const story = new Map<string, number>();
  const start = Date.parse('2014-03-10T06:00:00.000Z');
  for (let k = 0; k < perStory * STORIES.length; k++) {
    const s = k % STORIES.length;
    const words = [...pick(STORIES[s]!, 3 + Math.floor(rnd() * 2)), ...pick(FILLER, 2)];
    const id = `a${String(k).padStart(4, '0')}`;
    records.push({
      id,
      title: words.sort(() => rnd() - 0.5).join(' '),
      outlet: `Outlet ${Math.floor(rnd() * 80)}`,
      published: new Date(start + Math.floor((k / (perStory * STORIES.length)) * 24 * 3_600_000)).toISOString(),
    });
    story.set(id, s);
  }
  return { records, story };
}

/** For each true story: its articles' predicted stories, largest first (count of articles in each). */
function breakdown(records: readonly ArticleRecord[], truth: Map<string, number>, predicted: Map<string, string>): number[][] {
  return STORIES.map((_, s) => {
    const counts = new Map<string, number>();
    for (const r of records) if (truth.get(r.id) === s) counts.set(predicted.get(r.id)!, (counts.get(predicted.get(r.id)!) ?? 0) + 1);
    return [...counts.values()].sort((a, b) => b - a);
  });
}

describe('big stories (story level)', () => {
  it('grows each story to hundreds of headline-only reports, several per outlet, and keeps the stories apart', () => {
    const { records, story } = stream(200);
    const out = clusterArticles(records);
    const predicted = new Map(out.map((a) => [a.id, a.story]));
    const parts = breakdown(records, story, predicted);
    // Each story is (almost) one predicted story: its largest part holds at least 95 % of its 200 reports.
    for (const p of parts) expect(p[0]).toBeGreaterThanOrEqual(190);
    // No predicted story mixes two true stories.
    const owners = new Map<string, Set<number>>();
    for (const r of records) owners.set(predicted.get(r.id)!, (owners.get(predicted.get(r.id)!) ?? new Set()).add(story.get(r.id)!));
    for (const set of owners.values()) expect(set.size).toBe(1);
    // Several reports of one outlet are in one story.
    const biggest = [...owners.keys()].map((id) => records.filter((r) => predicted.get(r.id) === id)).sort((a, b) => b.length - a.length)[0]!;
    const perOutlet = new Map<string, number>();
    for (const r of biggest) perOutlet.set(r.outlet!, (perOutlet.get(r.outlet!) ?? 0) + 1);
    expect(Math.max(...perOutlet.values())).toBeGreaterThan(1);
  });

  it('gives the same stories when the stream arrives as 30-minute runs, and the founder ids stand', () => {
    const { records, story } = stream(100);
    const batch = new Map(clusterArticles(records).map((a) => [a.id, a.story]));
    const replay = new Map(clusterArticles(records, {}, { minutes: 30 }).map((a) => [a.id, a.story]));
    for (const p of breakdown(records, story, replay)) expect(p[0]).toBeGreaterThanOrEqual(95);
    // Each story's id is minted from its first report (the founder), in one batch and in runs alike.
    for (let s = 0; s < STORIES.length; s++) {
      const first = records.find((r) => story.get(r.id) === s)!;
      const idOf = (m: Map<string, string>) => m.get(first.id);
      expect(idOf(batch)).toBe(idOf(replay));
    }
  });

  it('is deterministic whatever the input order (the same partition)', () => {
    const { records } = stream(60);
    // Story ids are minted from positional ids here, so compare who is grouped with whom.
    const partition = (rs: readonly ArticleRecord[]) => {
      const byStory = new Map<string, string[]>();
      for (const a of clusterArticles(rs)) byStory.set(a.story, [...(byStory.get(a.story) ?? []), a.id]);
      return [...byStory.values()].map((ids) => ids.sort().join(' ')).sort();
    };
    expect(partition([...records].reverse())).toEqual(partition(records));
  });

  it('says why a report joined at the story level: a similarity below 1 and shared words', () => {
    const { records } = stream(80);
    const items: Item[] = records.map((r) =>
      makeItem({ id: r.id, sourceId: r.outlet!, sourceName: r.outlet!, title: r.title!, published: r.published!, date: r.published! }),
    );
    const { changed } = clusterItems({ stories: [], items: new Map(items.map((i) => [i.id, i])), newItems: items }, DEFAULT_CLUSTER_OPTIONS);
    const big = [...changed].sort((x, y) => y.members.length - x.members.length)[0]!;
    expect(big.members.length).toBeGreaterThanOrEqual(76);
    expect(big.id).toBe(mintStoryId(big.members[0]!.itemId));
    const joined = big.members.slice(1);
    for (const m of joined) {
      expect(m.score).toBeGreaterThan(0);
      expect(m.score).toBeLessThan(1);
    }
    // Most joined members name the words they share with the story.
    expect(joined.filter((m) => m.terms.length > 0).length).toBeGreaterThan(joined.length * 0.8);
  });

  it('does not join two dated reports that share a single word', () => {
    const { changed } = clusterItems(
      {
        stories: [],
        items: new Map(),
        newItems: [
          makeItem({ id: 'p1', sourceId: 'a', title: 'Valdoria mayor opens new library' }),
          makeItem({ id: 'p2', sourceId: 'b', title: 'Valdoria football club wins the cup' }),
        ],
      },
      DEFAULT_CLUSTER_OPTIONS,
    );
    expect(changed).toHaveLength(2);
  });
});
