import { describe, expect, it } from 'vitest';
import { Corpus, sparse, type ItemProfile } from '../../../src/cluster/corpus.js';
import { FEATURE_NAMES, itemPairs, nearestItems, RIVAL_FLOOR } from '../../../src/cluster/item-graph.js';
import { itemText, weekdayMask } from '../../../src/cluster/text-features.js';
import { makeItem } from '../../support/make-item.js';

describe('weekdayMask', () => {
  it('sets one bit per weekday the headline, summary or body names', () => {
    const text = itemText({ title: 'Senate votes on Tuesday', summary: 'The debate began on Monday.', contentText: 'A second vote follows on TUESDAY.' });
    expect(weekdayMask(text)).toBe(0b11);
    expect(weekdayMask(itemText({ title: 'Sundays at the museum', summary: 'Someday', contentText: '' }))).toBe(0);
  });
});

describe('itemPairs', () => {
  const options = { neighbours: 20, windowMs: 72 * 3_600_000, rivalFloor: RIVAL_FLOOR };
  const feature = (name: (typeof FEATURE_NAMES)[number], features: number[]) => features[FEATURE_NAMES.indexOf(name)]!;

  it('marks pairs that name the same weekday and pairs that name only different ones', () => {
    const items = [
      makeItem({ id: 'a', title: 'Valdoria harbour earthquake', summary: 'The quake struck Valdoria on Friday.' }),
      makeItem({ id: 'b', title: 'Earthquake damages Valdoria harbour', summary: 'Valdoria was hit by a quake on Friday.' }),
      makeItem({ id: 'c', title: 'Valdoria harbour reopens after earthquake', summary: 'The Valdoria harbour reopened on Monday.' }),
    ];
    const corpus = new Corpus();
    corpus.learn(items);
    const profiles = items.map((item) => corpus.profile(item, item.id, null));
    const pairs = new Map(itemPairs(profiles, options).map((p) => [`${p.a}-${p.b}`, p.features]));
    expect(feature('sameDay', pairs.get('0-1')!)).toBe(1);
    expect(feature('otherDay', pairs.get('0-1')!)).toBe(0);
    expect(feature('sameDay', pairs.get('0-2')!)).toBe(0);
    expect(feature('otherDay', pairs.get('0-2')!)).toBe(1);
    // "Valdoria" is a name every item shares; the shorter item's distinct terms set shortLength.
    expect(feature('sharedNames', pairs.get('0-1')!)).toBeGreaterThan(0);
    expect(feature('shortLength', pairs.get('0-1')!)).toBe(Math.log1p(Math.min(profiles[0]!.all.ids.length, profiles[1]!.all.ids.length)));
  });
});


const HOUR = 3_600_000;
const windowOptions = { neighbours: 5, windowMs: 72 * HOUR, rivalFloor: 0.3 };

/** A profile over term ids (all of them query terms), equal weights. */
function profile(id: string, time: number | null, terms: number[]): ItemProfile {
  const vec = sparse(terms, terms.map(() => 1));
  return { id, source: id, time, days: 0, all: vec, title: vec, ents: sparse([], []), query: Int32Array.from(terms) };
}

describe('nearestItems', () => {
  it('finds only the items in the window (and undated ones) for a dated item', () => {
    const profiles = [profile('a', 0, [1, 2, 3]), profile('near', 10 * HOUR, [1, 2, 3]), profile('far', 100 * HOUR, [1, 2, 3]), profile('undated', null, [1, 2, 4])];
    const near = nearestItems(profiles, windowOptions);
    expect([...near[0]!.items].map((i) => profiles[i]!.id)).toEqual(['near', 'undated']);
    expect([...near[2]!.items].map((i) => profiles[i]!.id)).toEqual(['undated']);
    // An undated item may join anything: every item is in its reach.
    expect([...near[3]!.items].map((i) => profiles[i]!.id).sort()).toEqual(['a', 'far', 'near']);
    // The window is inclusive, as agglomerate's.
    const edge = nearestItems([profile('x', 0, [1, 2]), profile('y', 72 * HOUR, [1, 2])], windowOptions);
    expect([...edge[0]!.items]).toEqual([1]);
  });

  it('still looks a term up when it is common over months but rare within the window', () => {
    // 400 items, two a day every 4 days apart, all sharing term 7; each pair also shares a term of its own.
    const profiles: ItemProfile[] = [];
    for (let k = 0; k < 200; k++) {
      profiles.push(profile(`p${k}a`, k * 96 * HOUR, [7, 1000 + k * 2]));
      profiles.push(profile(`p${k}b`, k * 96 * HOUR + HOUR, [7, 1000 + k * 2 + 1]));
    }
    const near = nearestItems(profiles, windowOptions);
    // Term 7 is in 400 items (more than the postings limit) but only 2 are in reach of each: twins find each other.
    for (let k = 0; k < 200; k++) expect([...near[2 * k]!.items]).toEqual([2 * k + 1]);
  });
});
