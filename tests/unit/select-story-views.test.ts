import { describe, expect, it } from 'vitest';
import type { Story } from '../../src/model.js';
import { selectStoryViews } from '../../src/run.js';
import { makeItem } from '../helpers/make-item.js';

describe('selectStoryViews', () => {
  it("orders stories by the entry's <updated>, which a follow-up from a listed outlet does not move", () => {
    const a1 = makeItem({ id: 'a1', sourceId: 'x', published: '2015-03-27T10:00:00.000Z' });
    // A follow-up by outlet x at 14:00: the store's change time moves, the entry's <updated> stays at 10:00.
    const a2 = makeItem({ id: 'a2', sourceId: 'x', published: '2015-03-27T14:00:00.000Z' });
    const b1 = makeItem({ id: 'b1', sourceId: 'y', published: '2015-03-27T12:00:00.000Z' });
    const story = (id: string, members: string[], published: string, updated: string): Story => ({
      id,
      members: members.map((itemId) => ({ itemId, score: 1, terms: [] })),
      representativeItemId: members[0]!,
      published,
      updated,
    });
    const stories = [story('sa', ['a1', 'a2'], '2015-03-27T10:00:00.000Z', '2015-03-27T14:00:00.000Z'), story('sb', ['b1'], '2015-03-27T12:00:00.000Z', '2015-03-27T12:00:00.000Z')];
    const items = new Map([a1, a2, b1].map((i) => [i.id, i]));
    expect(selectStoryViews(stories, items, 10).map((v) => v.story.id)).toEqual(['sb', 'sa']);
    expect(selectStoryViews(stories, items, 1).map((v) => v.story.id)).toEqual(['sb']);
  });
});
