import { eng } from 'stopword';
import { describe, expect, it } from 'vitest';
import { ENGLISH_STOP_WORDS } from '../../../src/cluster/english-stop-words.js';

describe('ENGLISH_STOP_WORDS', () => {
  it('is the stopword package’s English list, word for word and in order', () => {
    expect(ENGLISH_STOP_WORDS).toEqual(eng);
  });
});
