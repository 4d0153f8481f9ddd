import { describe, expect, it } from 'vitest';
import type { Item, Story } from '../../../src/model.js';
import { loadStoryViews, selectStoryViews } from '../../../src/pipeline/run-once.js';
import { openStore } from '../../../src/store/open-store.js';
import { makeItem } from '../../support/make-item.js';

// The faster read paths added for issue #7 must return what the slower ones did.

const sources = [
  { id: 'a', name: 'Outlet A', url: '/a.xml' },
  { id: 'b', name: 'Outlet B', url: '/b.xml' },
];

function storeWithStories() {
  const store = openStore(':memory:', sources);
  const items: Item[] = [];
  const stories: Story[] = [];
  for (let s = 0; s < 12; s++) {
    const day = String(1 + (s % 5)).padStart(2, '0');
    const members = [
      makeItem({
        id: `i${s}a`,
        sourceId: 'a',
        sourceName: 'Outlet A',
        contentHtml: `<p>${s}</p>`,
        contentText: `${s}`,
        authors: ['x'],
      }),
    ];
    if (s % 3 === 0) members.push(makeItem({ id: `i${s}b`, sourceId: 'b', sourceName: 'Outlet B', categories: ['c'] }));
    items.push(...members);
    stories.push({
      id: `story${String(s).padStart(2, '0')}`,
      members: members.map((m, k) => ({ itemId: m.id, score: k === 0 ? 1 : 0.8, terms: k === 0 ? [] : ['t'] })),
      representativeItemId: members[members.length - 1]!.id,
      published: `2026-01-${day}T00:00:00.000Z`,
      // Ties on updated (same day) are broken by id.
      updated: `2026-01-${day}T12:00:00.000Z`,
    });
  }
  // A story whose only item is gone: skipped by selectStoryViews, so loadStoryViews must read past it.
  stories.push({
    id: 'zz-empty',
    members: [{ itemId: 'gone', score: 1, terms: [] }],
    representativeItemId: 'gone',
    published: '2026-02-01T00:00:00.000Z',
    updated: '2026-02-01T00:00:00.000Z',
  });
  store.upsertItems(items, '2026-01-01T00:00:00.000Z');
  store.saveStories(stories, '2026-01-01T00:00:00.000Z');
  return store;
}

describe('read paths', () => {
  it('loadStoryViews equals selectStoryViews over every live story and item, for any max', () => {
    const store = storeWithStories();
    // The renderers' items: every field but the plain text, which no output shows (ViewItem).
    const all = new Map(store.allItems().map(({ contentText: _text, ...view }) => [view.id, view]));
    for (const max of [1, 3, 5, 12, 100]) {
      const views = loadStoryViews(store, max);
      expect(views).toEqual(selectStoryViews(store.liveStories(), all, max));
      expect(views.flatMap((v) => v.items).filter((i) => 'contentText' in i)).toEqual([]);
    }
    store.close();
  });

  it('liveStories returns members in join order; getItems keeps the order asked and leaves out unknown ids', () => {
    const store = storeWithStories();
    const live = store.liveStories();
    expect(live).toHaveLength(13);
    expect(live.find((s) => s.id === 'story00')!.members.map((m) => [m.itemId, m.score, m.terms])).toEqual([
      ['i0a', 1, []],
      ['i0b', 0.8, ['t']],
    ]);
    expect(store.getItems(['i3b', 'nope', 'i1a', 'i3b']).map((i) => i.id)).toEqual(['i3b', 'i1a', 'i3b']);
    store.close();
  });

  it("getItemTexts is getItems' fields the clusterer reads, and neither has HTML (the store keeps plain text only)", () => {
    const store = storeWithStories();
    const ids = ['i0a', 'i0b', 'nope', 'i7a'];
    const fields = ['id', 'sourceId', 'date', 'published', 'updated', 'dateSource', 'title', 'summary', 'contentText'];
    const pick = (item: object) =>
      Object.fromEntries(Object.entries(item).filter(([k]) => fields.includes(k))) as Record<string, unknown>;
    expect(store.getItemTexts(ids)).toEqual(store.getItems(ids).map(pick));
    expect(Object.keys(store.getItemTexts(['i0a'])[0]!).sort()).toEqual([...fields].sort());
    expect(store.getItems(ids).map((i) => [i.id, i.contentHtml, i.contentText])).toEqual([
      ['i0a', '', '0'],
      ['i0b', '', ''],
      ['i7a', '', '7'],
    ]);
    store.close();
  });
});
