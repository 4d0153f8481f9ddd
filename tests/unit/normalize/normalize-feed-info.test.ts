import { describe, expect, it } from 'vitest';
import { normalizeFeedInfo } from '../../../src/normalize/normalize-feed-info.js';

describe('normalizeFeedInfo', () => {
  it('gives the subtitle and rights as plain text, null when absent', () => {
    const info = normalizeFeedInfo({
      format: 'rss',
      entries: [],
      subtitle: { value: 'A <b>bold</b>&amp; desk', type: 'html' },
      rights: { value: '© 2024', type: 'text' },
    });
    expect(info.subtitle).toBe('A bold& desk');
    expect(info.rights).toBe('© 2024');
    expect(normalizeFeedInfo({ format: 'atom', entries: [] })).toMatchObject({ subtitle: null, rights: null });
  });
});
