import { describe, expect, it } from 'vitest';
import { sparse, type ItemProfile } from '../../../src/cluster/corpus.js';
import { nearestItems } from '../../../src/cluster/item-graph.js';

const HOUR = 3_600_000;
const options = { neighbours: 5, windowMs: 72 * HOUR, rivalFloor: 0.3 };

/** A profile over term ids (all of them query terms), equal weights. */
function profile(id: string, time: number | null, terms: number[]): ItemProfile {
  const vec = sparse(terms, terms.map(() => 1));
  return { id, source: id, time, all: vec, title: vec, ents: sparse([], []), query: Int32Array.from(terms) };
}

describe('nearestItems', () => {
  it('finds only the items in the window (and undated ones) for a dated item', () => {
    const profiles = [profile('a', 0, [1, 2, 3]), profile('near', 10 * HOUR, [1, 2, 3]), profile('far', 100 * HOUR, [1, 2, 3]), profile('undated', null, [1, 2, 4])];
    const near = nearestItems(profiles, options);
    expect([...near[0]!.items].map((i) => profiles[i]!.id)).toEqual(['near', 'undated']);
    expect([...near[2]!.items].map((i) => profiles[i]!.id)).toEqual(['undated']);
    // An undated item may join anything: every item is in its reach.
    expect([...near[3]!.items].map((i) => profiles[i]!.id).sort()).toEqual(['a', 'far', 'near']);
    // The window is inclusive, as agglomerate's.
    const edge = nearestItems([profile('x', 0, [1, 2]), profile('y', 72 * HOUR, [1, 2])], options);
    expect([...edge[0]!.items]).toEqual([1]);
  });

  it('still looks a term up when it is common over months but rare within the window', () => {
    // 400 items, two a day every 4 days apart, all sharing term 7; each pair also shares a term of its own.
    const profiles: ItemProfile[] = [];
    for (let k = 0; k < 200; k++) {
      profiles.push(profile(`p${k}a`, k * 96 * HOUR, [7, 1000 + k * 2]));
      profiles.push(profile(`p${k}b`, k * 96 * HOUR + HOUR, [7, 1000 + k * 2 + 1]));
    }
    const near = nearestItems(profiles, options);
    // Term 7 is in 400 items (more than the postings limit) but only 2 are in reach of each: twins find each other.
    for (let k = 0; k < 200; k++) expect([...near[2 * k]!.items]).toEqual([2 * k + 1]);
  });
});
