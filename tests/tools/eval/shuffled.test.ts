import { describe, expect, it } from 'vitest';
import { shuffled } from '../../../tools/eval/shuffled.js';

describe('shuffled', () => {
  it('keeps every element and leaves the input alone', () => {
    const input = Array.from({ length: 50 }, (_, i) => i);
    const out = shuffled(input, 11);
    expect(out).not.toBe(input);
    expect([...out].sort((a, b) => a - b)).toEqual(input);
    expect(input).toEqual(Array.from({ length: 50 }, (_, i) => i));
  });

  it('gives one order per seed, and another for another seed', () => {
    const input = Array.from({ length: 20 }, (_, i) => `a${i}`);
    expect(shuffled(input, 5)).toEqual(shuffled(input, 5));
    expect(shuffled(input, 5)).not.toEqual(shuffled(input, 6));
    expect(shuffled(input, 5)).not.toEqual(input);
  });

  it('treats seed 0 as seed 1 (the LCG needs a non-zero start)', () => {
    expect(shuffled([1, 2, 3, 4, 5, 6], 0)).toEqual(shuffled([1, 2, 3, 4, 5, 6], 1));
  });

  it('returns an empty or one-element list as it is', () => {
    expect(shuffled([], 3)).toEqual([]);
    expect(shuffled(['x'], 3)).toEqual(['x']);
  });
});
