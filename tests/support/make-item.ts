import type { Item } from '../../src/model.js';

/** Returns a fresh Item with sensible defaults; override any field. */
export function makeItem(overrides: Partial<Item> & { id: string }): Item {
  return {
    sourceId: 'src',
    sourceName: 'Source',
    guid: overrides.id,
    url: `https://example.org/${overrides.id}`,
    title: `Title ${overrides.id}`,
    summary: '',
    contentHtml: '',
    contentText: '',
    authors: [],
    categories: [],
    published: '2015-03-27T10:00:00.000Z',
    updated: null,
    date: overrides.published === undefined ? '2015-03-27T10:00:00.000Z' : overrides.published,
    dateSource: 'published',
    language: null,
    ...overrides,
  };
}
