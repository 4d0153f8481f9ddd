import { describe, expect, it } from 'vitest';
import { escapeHtml } from '../../../src/lib/escape-html.js';

describe('escapeHtml', () => {
  it.each([
    ['plain', 'plain'],
    ['a & b', 'a &amp; b'],
    ['<script>', '&lt;script&gt;'],
    ['say "hi"', 'say &quot;hi&quot;'],
    ["it's", 'it&#39;s'],
    ['&amp; stays text', '&amp;amp; stays text'],
    [']]>', ']]&gt;'],
    ['', ''],
  ])('%j → %j', (input, expected) => {
    expect(escapeHtml(input)).toBe(expected);
  });
});
