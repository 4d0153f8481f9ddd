import { describe, expect, it } from 'vitest';
import { normalizeLanguage } from '../../../src/normalize/normalize-language.js';

describe('normalizeLanguage', () => {
  it.each([
    ['BCP 47 kept', 'en-US', 'en-US'],
    ['underscore becomes hyphen', 'en_US', 'en-US'],
    ['trimmed', ' de ', 'de'],
    ['blank is null', '  ', null],
    ['missing is null', undefined, null],
  ])('%s', (_name, raw, want) => {
    expect(normalizeLanguage(raw)).toBe(want);
  });
});
