import { describe, expect, it } from 'vitest';
import {
  centralityOf,
  clusterItems,
  DEFAULT_CLUSTER_OPTIONS,
  finishStory,
  mintStoryId,
  type ClusterOptions,
  type ItemKey,
  type ItemText,
} from '../../../src/cluster/cluster-items.js';
import { Corpus } from '../../../src/cluster/corpus.js';
import { BODY_TERM_WORDS, itemText } from '../../../src/cluster/text-features.js';
import type { Item, Story } from '../../../src/model.js';
import { makeItem } from '../../support/make-item.js';

const options: ClusterOptions = { ...DEFAULT_CLUSTER_OPTIONS };

const quake = (id: string, sourceId: string, title: string, date = '2015-03-27T10:00:00.000Z') =>
  makeItem({
    id,
    sourceId,
    title,
    published: date,
    date,
    contentText:
      'A magnitude 6.1 earthquake struck near the coastal town of Valdoria early on Friday, damaging the harbour and the old lighthouse. Rescue teams searched collapsed buildings.',
  });
const budget = (id: string, sourceId: string) =>
  makeItem({
    id,
    sourceId,
    title: 'Parliament passes the railway budget after a long night of votes',
    contentText:
      'Lawmakers approved spending on new railway lines and station upgrades, with the finance minister promising cheaper tickets.',
  });

function run(items: Item[], stories: Story[] = [], newItems: Item[] = items) {
  const map = new Map(items.map((i) => [i.id, i]));
  return clusterItems({ stories, items: map, newItems }, options).changed;
}

describe('clusterItems', () => {
  it('groups reports of one event from different outlets and separates another story', () => {
    const items = [
      quake('q1', 'a', 'Earthquake hits Valdoria harbour'),
      quake('q2', 'b', 'Valdoria earthquake damages lighthouse'),
      budget('r1', 'c'),
    ];
    const stories = run(items);
    expect(stories.map((s) => s.members.map((m) => m.itemId))).toEqual([['q1', 'q2'], ['r1']]);
    expect(stories[0]!.members[1]!.score).toBeGreaterThan(0.3);
    expect(stories[0]!.members[1]!.terms.length).toBeGreaterThan(0);
  });

  it('is deterministic whatever the input order', () => {
    const items = [
      quake('q1', 'a', 'Earthquake hits Valdoria harbour'),
      quake('q2', 'b', 'Valdoria earthquake damages lighthouse'),
      budget('r1', 'c'),
    ];
    expect(run([...items].reverse())).toEqual(run(items));
  });

  it('mints story ids from the founding item and keeps existing ids', () => {
    const q1 = quake('q1', 'a', 'Earthquake hits Valdoria harbour');
    const [first] = run([q1]);
    expect(first!.id).toBe(mintStoryId('q1'));
    const q2 = quake('q2', 'b', 'Valdoria earthquake damages lighthouse', '2015-03-27T12:00:00.000Z');
    const grown = run([q1, q2], [first!], [q2]);
    expect(grown).toHaveLength(1);
    expect(grown[0]!.id).toBe(first!.id);
    expect(grown[0]!.members.map((m) => m.itemId)).toEqual(['q1', 'q2']);
    expect(grown[0]!.updated).toBe('2015-03-27T12:00:00.000Z');
    expect(grown[0]!.published).toBe('2015-03-27T10:00:00.000Z');
  });

  it('does not join items further apart than the window', () => {
    const items = [
      quake('q1', 'a', 'Earthquake hits Valdoria harbour'),
      quake('q2', 'b', 'Valdoria earthquake damages lighthouse', '2015-04-10T10:00:00.000Z'),
    ];
    expect(run(items)).toHaveLength(2);
  });

  it('needs stronger evidence to join two items of the same outlet', () => {
    const a = makeItem({
      id: 'x1',
      sourceId: 'a',
      title: 'Valdoria earthquake: rescue teams search rubble',
      contentText: 'Rescue teams in Valdoria searched rubble.',
    });
    const b = makeItem({
      id: 'x2',
      sourceId: 'a',
      title: 'Valdoria harbour reopens to fishing boats',
      contentText: 'Fishing boats returned to Valdoria harbour.',
    });
    const stories = run([a, b]);
    expect(stories).toHaveLength(2);
  });

  it('prefers a higher-priority outlet as representative, then the earliest article', () => {
    const q1 = quake('q1', 'a', 'Earthquake hits Valdoria harbour', '2015-03-27T10:00:00.000Z');
    const q2 = quake('q2', 'b', 'Valdoria earthquake damages lighthouse', '2015-03-27T11:00:00.000Z');
    const map = new Map([q1, q2].map((i) => [i.id, i]));
    expect(
      clusterItems({ stories: [], items: map, newItems: [q1, q2] }, options).changed[0]!.representativeItemId,
    ).toBe('q1');
    expect(
      clusterItems({ stories: [], items: map, newItems: [q1, q2], priorities: { b: 5 } }, options).changed[0]!
        .representativeItemId,
    ).toBe('q2');
  });
});

describe('clusterItems evidence', () => {
  it('lets an outlet join its own story on strong evidence (a shared long passage)', () => {
    const text =
      'Officials in Valdoria said on Friday that the harbour would stay closed until engineers had inspected every pier, and that fishing boats should anchor outside the breakwater until further notice.';
    const a = makeItem({
      id: 'x1',
      sourceId: 'a',
      title: 'Valdoria harbour stays closed after earthquake',
      contentText: text,
    });
    const b = makeItem({
      id: 'x2',
      sourceId: 'a',
      title: 'Update: Valdoria harbour stays closed after earthquake',
      contentText: text,
    });
    expect(run([a, b]).map((s) => s.members.map((m) => m.itemId))).toEqual([['x1', 'x2']]);
  });

  it('places undated items without any time constraint', () => {
    const undated = (id: string, sourceId: string, title: string, date: string) => ({
      ...quake(id, sourceId, title, date),
      dateSource: 'none' as const,
    });
    const items = [
      undated('q1', 'a', 'Earthquake hits Valdoria harbour', '2015-03-27T10:00:00.000Z'),
      undated('q2', 'b', 'Valdoria earthquake damages lighthouse', '2015-06-27T10:00:00.000Z'),
    ];
    expect(run(items)).toHaveLength(1);
  });

  it('rejects a join model trained on other features', () => {
    const map = new Map([[budget('r1', 'c').id, budget('r1', 'c')]]);
    const model = { features: ['cosAll'], weights: [1], bias: 0 };
    expect(() => clusterItems({ stories: [], items: map, newItems: [...map.values()] }, { ...options, model })).toThrow(
      /join model features/,
    );
  });
});

describe('clusterItems across runs', () => {
  it('merges two live stories that new items show to be one: the older survives, the other is retired', () => {
    const q1 = quake('q1', 'a', 'Earthquake hits Valdoria harbour', '2015-03-27T10:00:00.000Z');
    const q2 = quake('q2', 'b', 'Valdoria earthquake damages lighthouse', '2015-03-27T11:00:00.000Z');
    const older: Story = {
      id: 'old',
      members: [{ itemId: 'q1', score: 1, terms: [] }],
      representativeItemId: 'q1',
      published: q1.date!,
      updated: q1.date!,
    };
    const newer: Story = {
      id: 'new',
      members: [{ itemId: 'q2', score: 1, terms: [] }],
      representativeItemId: 'q2',
      published: q2.date!,
      updated: q2.date!,
    };
    const q3 = quake('q3', 'c', 'Valdoria earthquake: harbour and lighthouse damaged', '2015-03-27T12:00:00.000Z');
    const map = new Map([q1, q2, q3].map((i) => [i.id, i]));
    const result = clusterItems({ stories: [newer, older], items: map, newItems: [q3] }, options);
    expect(result.retired).toEqual([{ id: 'new', into: 'old' }]);
    expect(result.changed.map((s) => s.id)).toEqual(['old']);
    expect(result.changed[0]!.members.map((m) => m.itemId).sort()).toEqual(['q1', 'q2', 'q3']);
  });

  it('never merges two live stories without a new item between them', () => {
    const q1 = quake('q1', 'a', 'Earthquake hits Valdoria harbour');
    const q2 = quake('q2', 'b', 'Valdoria earthquake damages lighthouse');
    const s1: Story = {
      id: 's1',
      members: [{ itemId: 'q1', score: 1, terms: [] }],
      representativeItemId: 'q1',
      published: q1.date!,
      updated: q1.date!,
    };
    const s2: Story = {
      id: 's2',
      members: [{ itemId: 'q2', score: 1, terms: [] }],
      representativeItemId: 'q2',
      published: q2.date!,
      updated: q2.date!,
    };
    const r1 = budget('r1', 'c');
    const map = new Map([q1, q2, r1].map((i) => [i.id, i]));
    const result = clusterItems({ stories: [s1, s2], items: map, newItems: [r1] }, options);
    expect(result.retired ?? []).toEqual([]);
    expect(result.changed.map((s) => s.members.map((m) => m.itemId))).toEqual([['r1']]);
  });

  it('does not link two unrelated lone items in a tiny batch (no rivals is no evidence)', () => {
    const a = makeItem({
      id: 'p1',
      sourceId: 'a',
      title: 'Pressing plant doubles its capacity as vinyl orders grow',
      contentText: 'The plant in Leeds added two presses as music fans bought more records.',
    });
    const b = makeItem({
      id: 'p2',
      sourceId: 'b',
      title: 'Streaming service caps free listening at ten hours',
      contentText: 'Music fans on the free tier will be limited to ten hours a month.',
    });
    expect(run([a, b])).toHaveLength(2);
  });
});

/**
 * A month of news: x (day 0), q (days 8-10: across the first slice's end, three windows = 216 h after x1; q4 is 241 h
 * after x1, 49 h after q1), z (day 31, out of reach).
 */
const span = (): Item[] => [
  { ...budget('x1', 'a'), published: '2015-03-20T10:00:00.000Z', date: '2015-03-20T10:00:00.000Z' },
  { ...budget('x2', 'b'), published: '2015-03-20T12:00:00.000Z', date: '2015-03-20T12:00:00.000Z' },
  quake('q1', 'a', 'Earthquake hits Valdoria harbour', '2015-03-28T10:00:00.000Z'),
  quake('q2', 'b', 'Valdoria earthquake damages lighthouse', '2015-03-28T11:00:00.000Z'),
  quake('q3', 'c', 'Valdoria earthquake: harbour and lighthouse damaged', '2015-03-29T09:00:00.000Z'),
  quake('q4', 'd', 'Rescue teams search Valdoria after earthquake', '2015-03-30T11:00:00.000Z'),
  quake('z1', 'a', 'Earthquake hits Valdoria harbour', '2015-04-20T10:00:00.000Z'),
];

describe('clusterItems over a long span (a cold run: a slice of windows at a time)', () => {
  const groups = (stories: Story[]) =>
    stories.map((s) => s.members.map((m) => m.itemId).sort()).sort((a, b) => (a[0]! < b[0]! ? -1 : 1));

  it('joins reports on either side of a slice boundary, keeps the founder ids, and splits what is out of reach', () => {
    const stories = run(span());
    expect(groups(stories)).toEqual([['q1', 'q2', 'q3', 'q4'], ['x1', 'x2'], ['z1']]);
    // q4 arrives in the second slice: the story founded by q1 in the first one grows.
    expect(stories.find((s) => s.members.some((m) => m.itemId === 'q4'))!.id).toBe(mintStoryId('q1'));
    expect(stories.find((s) => s.members.some((m) => m.itemId === 'z1'))!.id).toBe(mintStoryId('z1'));
    for (const s of stories)
      expect(s.members.filter((m) => m.itemId !== s.members[0]!.itemId).every((m) => m.terms.length > 0)).toBe(true);
  });

  it('is deterministic whatever the input order', () => {
    const items = span();
    const base = clusterItems({ stories: [], items: new Map(items.map((i) => [i.id, i])), newItems: items }, options);
    const reversed = [...items].reverse();
    expect(
      clusterItems({ stories: [], items: new Map(reversed.map((i) => [i.id, i])), newItems: reversed }, options),
    ).toEqual(base);
  });

  it('reports a live story merged during the import as retired, and never a story minted in it', () => {
    const [, , q1, q2] = span();
    const older: Story = {
      id: 'old',
      members: [{ itemId: 'q1', score: 1, terms: [] }],
      representativeItemId: 'q1',
      published: q1!.date!,
      updated: q1!.date!,
    };
    const newer: Story = {
      id: 'new',
      members: [{ itemId: 'q2', score: 1, terms: [] }],
      representativeItemId: 'q2',
      published: q2!.date!,
      updated: q2!.date!,
    };
    const rest = span().filter((i) => i.id !== 'q1' && i.id !== 'q2');
    const map = new Map(span().map((i) => [i.id, i]));
    const result = clusterItems({ stories: [newer, older], items: map, newItems: rest }, options);
    expect(result.retired).toEqual([{ id: 'new', into: 'old' }]);
    expect(groups(result.changed)).toEqual([['q1', 'q2', 'q3', 'q4'], ['x1', 'x2'], ['z1']]);
    expect(result.changed.find((s) => s.members.some((m) => m.itemId === 'q1'))!.id).toBe('old');
  });
});

describe('clusterItems reading the items (ItemsToRead)', () => {
  const keyOf = (i: Item): ItemKey => ({
    id: i.id,
    date: i.date,
    published: i.published,
    updated: i.updated,
    dateSource: i.dateSource,
  });
  /** A reader over `items` that records each call's ids. */
  const reader = (items: readonly Item[]) => {
    const byId = new Map(items.map((i) => [i.id, i]));
    const calls: string[][] = [];
    const read = (ids: readonly string[]): ItemText[] => {
      calls.push([...ids]);
      return ids.flatMap((id) => byId.get(id) ?? []);
    };
    return { read, calls };
  };

  it('gives the same stories as the items at hand, for a long span (slices) and for one batch', () => {
    const items = span();
    const atHand = clusterItems({ stories: [], items: new Map(items.map((i) => [i.id, i])), newItems: items }, options);
    const { read } = reader(items);
    expect(clusterItems({ stories: [], itemIds: [], newItems: items.map(keyOf), readItems: read }, options)).toEqual(
      atHand,
    );
    const short = items.slice(2, 6);
    const shortAtHand = clusterItems(
      { stories: [], items: new Map(short.map((i) => [i.id, i])), newItems: short },
      options,
    );
    expect(
      clusterItems({ stories: [], itemIds: [], newItems: short.map(keyOf), readItems: reader(short).read }, options),
    ).toEqual(shortAtHand);
  });

  it('calls afterPhase once a batch is learned, once its story level is done and between slices, same stories', () => {
    const items = span();
    const plain = clusterItems(
      { stories: [], itemIds: [], newItems: items.map(keyOf), readItems: reader(items).read },
      options,
    );
    // Each call, marked by whether items were read since the one before (a batch learned) or not.
    const { read, calls: reads } = reader(items);
    const phases: ('learned' | 'other')[] = [];
    let readsSeen = 0;
    const afterPhase = () => {
      phases.push(reads.length > readsSeen ? 'learned' : 'other');
      readsSeen = reads.length;
    };
    const counted = clusterItems(
      { stories: [], itemIds: [], newItems: items.map(keyOf), readItems: read, afterPhase },
      options,
    );
    expect(counted).toEqual(plain);
    // span() needs more than one slice. Each: learned, its story level done, then (all but the last) the slice done.
    const slices = phases.filter((p) => p === 'learned').length;
    expect(slices).toBeGreaterThanOrEqual(2);
    const expected = Array.from({ length: slices }, (_, k) =>
      k < slices - 1 ? ['learned', 'other', 'other'] : ['learned', 'other'],
    ).flat();
    expect(phases).toEqual(expected);
  });

  it('gives the same stories as the items at hand with live stories, reading their members', () => {
    const [, , q1, q2] = span();
    const older: Story = {
      id: 'old',
      members: [{ itemId: 'q1', score: 1, terms: [] }],
      representativeItemId: 'q1',
      published: q1!.date!,
      updated: q1!.date!,
    };
    const newer: Story = {
      id: 'new',
      members: [{ itemId: 'q2', score: 1, terms: [] }],
      representativeItemId: 'q2',
      published: q2!.date!,
      updated: q2!.date!,
    };
    const rest = span().filter((i) => i.id !== 'q1' && i.id !== 'q2');
    const all = span();
    const atHand = clusterItems(
      { stories: [newer, older], items: new Map(all.map((i) => [i.id, i])), newItems: rest },
      options,
    );
    const { read, calls } = reader(all);
    const result = clusterItems(
      { stories: [newer, older], itemIds: ['q1', 'q2'], newItems: rest.map(keyOf), readItems: read },
      options,
    );
    expect(result).toEqual(atHand);
    expect(result.retired).toEqual([{ id: 'new', into: 'old' }]);
    expect(calls.flat().sort()).toEqual(all.map((i) => i.id).sort());
  });

  it('reads each item once, slice by slice (not every text before the first slice), in id order', () => {
    const items = span();
    const { read, calls } = reader(items);
    clusterItems({ stories: [], itemIds: [], newItems: items.map(keyOf).reverse(), readItems: read }, options);
    // Three slices: x1 x2 q1 q2 q3 (216 h from x1), then q4 (with the q story carried over: not read again), then z1.
    expect(calls).toEqual([['q1', 'q2', 'q3', 'x1', 'x2'], ['q4'], ['z1']]);
  });

  it('reads a large slice a bounded number of items at a time', () => {
    const many = Array.from({ length: 130 }, (_, k) =>
      quake(
        `m${String(k).padStart(3, '0')}`,
        `s${k % 7}`,
        `Valdoria earthquake report ${k}`,
        '2015-03-28T10:00:00.000Z',
      ),
    );
    const { read, calls } = reader(many);
    clusterItems({ stories: [], itemIds: [], newItems: many.map(keyOf), readItems: read }, options);
    expect(calls.flat()).toEqual(many.map((i) => i.id));
    expect(Math.max(...calls.map((c) => c.length))).toBeLessThanOrEqual(50);
  });

  it('fails clearly when a new item cannot be read', () => {
    const items = span().slice(2, 4);
    expect(() =>
      clusterItems({ stories: [], itemIds: [], newItems: items.map(keyOf), readItems: () => [] }, options),
    ).toThrow(/could not be read/);
  });
});

describe('finishStory: the representative article', () => {
  const story = {
    id: 's',
    members: [],
    representativeItemId: 'x',
    published: '2015-03-27T00:00:00.000Z',
    updated: '2015-03-27T00:00:00.000Z',
  };
  const central = makeItem({
    id: 'c',
    sourceId: 'a',
    title: 'Valdoria earthquake damages harbour and lighthouse',
    published: '2015-03-27T12:00:00.000Z',
  });
  const early = makeItem({
    id: 'e',
    sourceId: 'b',
    title: 'Quake: live pictures and reader comments',
    published: '2015-03-27T08:00:00.000Z',
  });
  const other = makeItem({
    id: 'o',
    sourceId: 'c',
    title: 'Earthquake in Valdoria damages the harbour lighthouse',
    published: '2015-03-27T10:00:00.000Z',
  });

  it('is the article closest to the story centroid, not merely the earliest', () => {
    expect(finishStory(story, [early, central, other], {}).representativeItemId).not.toBe('e');
    const centrality = centralityOf([early, central, other]);
    expect(centrality.get('e')!).toBeLessThan(centrality.get('c')!);
  });

  it('prefers a higher-priority outlet over centrality', () => {
    expect(finishStory(story, [early, central, other], { b: 1 }).representativeItemId).toBe('e');
  });

  it('breaks a tie by the earliest article, then the id', () => {
    const twinA = makeItem({
      id: 'b2',
      sourceId: 'a',
      title: 'Same words here',
      published: '2015-03-27T09:00:00.000Z',
    });
    const twinB = makeItem({
      id: 'a2',
      sourceId: 'b',
      title: 'Same words here',
      published: '2015-03-27T08:00:00.000Z',
    });
    expect(finishStory(story, [twinA, twinB], {}).representativeItemId).toBe('a2');
    const twinC = makeItem({
      id: 'a1',
      sourceId: 'c',
      title: 'Same words here',
      published: '2015-03-27T08:00:00.000Z',
    });
    expect(finishStory(story, [twinA, twinB, twinC], {}).representativeItemId).toBe('a1');
  });

  it('gives the same centralities from the corpus term ids as from re-tokenising', () => {
    const items = [early, central, other, quake('q', 'd', 'Valdoria quake: harbour damaged')];
    const corpus = new Corpus();
    corpus.learn(items);
    const byId = centralityOf(items, (item) => corpus.termCounts(item.id));
    expect([...byId]).toEqual([...centralityOf(items)]);
    expect(byId.get('c')!).toBeGreaterThan(0);
  });
});

describe('itemText', () => {
  it('tokenises only the body lead that terms are made of', () => {
    const body = Array.from({ length: BODY_TERM_WORDS + 500 }, (_, i) => `word${i}`).join(' ');
    const text = itemText({ title: 'T', summary: '', contentText: body });
    expect(text.body).toHaveLength(BODY_TERM_WORDS);
    expect(text.body[BODY_TERM_WORDS - 1]!.word).toBe(`word${BODY_TERM_WORDS - 1}`);
  });
});
