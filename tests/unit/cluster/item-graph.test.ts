import { describe, expect, it } from 'vitest';
import { Corpus } from '../../../src/cluster/corpus.js';
import { FEATURE_NAMES, itemPairs, RIVAL_FLOOR } from '../../../src/cluster/item-graph.js';
import { itemText, weekdayMask } from '../../../src/cluster/text-features.js';
import { makeItem } from '../../helpers/make-item.js';

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
