import { describe, expect, it } from 'vitest';
import { setsHeapGrowth } from '../../../src/lib/heap-growth.js';

describe('setsHeapGrowth', () => {
  it("finds an operator's own --heap-growing-percent in node's arguments or NODE_OPTIONS, in either spelling", () => {
    expect(setsHeapGrowth(['--heap-growing-percent=20'], undefined)).toBe(true);
    expect(setsHeapGrowth([], '--max-semi-space-size=8  --heap_growing_percent=80')).toBe(true);
    expect(setsHeapGrowth(['--heap-growing-percent', '20'], '')).toBe(true);
  });

  it('is false for other flags, including ones that only start alike', () => {
    expect(setsHeapGrowth([], undefined)).toBe(false);
    expect(setsHeapGrowth(['--max-semi-space-size=8', '--expose-gc'], '--max-old-space-size=512')).toBe(false);
    expect(setsHeapGrowth(['--heap-growing-percentage=5'], '')).toBe(false);
  });
});
