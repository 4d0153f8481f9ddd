import { describe, expect, it } from 'vitest';
import { Scratch } from '../../../src/cluster/scratch.js';

describe('Scratch', () => {
  it('hands out zeroed arrays that do not overlap within a phase', () => {
    const scratch = new Scratch();
    scratch.reset();
    const a = scratch.int32s(10);
    const b = scratch.float64s(5);
    a.fill(7);
    b.fill(1.5);
    expect([...a]).toEqual(Array(10).fill(7));
    expect([...b]).toEqual(Array(5).fill(1.5));
  });

  it('reuses one region for the next phase once it knows the largest phase, and zeroes what it hands out again', () => {
    const scratch = new Scratch();
    scratch.reset();
    // The first phase does not fit (no region yet): arrays of their own.
    const first = scratch.float64s(1000);
    first.fill(3);
    scratch.reset();
    const second = scratch.float64s(1000);
    expect(second.buffer).not.toBe(first.buffer);
    expect(second.buffer.byteLength).toBeGreaterThanOrEqual(8000);
    second.fill(4);
    scratch.reset();
    const third = scratch.int32s(2000);
    // The same memory, as another type, zeroed.
    expect(third.buffer).toBe(second.buffer);
    expect(third.every((x) => x === 0)).toBe(true);
  });

  it('gives the whole region as room for a growable array, and makes the region large enough for what it grew to', () => {
    const scratch = new Scratch();
    scratch.reset();
    const small = scratch.int32Room(16);
    expect(small.length).toBe(16);
    scratch.grown(5000);
    scratch.reset();
    const room = scratch.int32Room(16);
    expect(room.length).toBeGreaterThanOrEqual(5000);
    // Room is only given at the start of a phase: afterwards, arrays of their own.
    const other = scratch.int32Room(16);
    expect(other.buffer).not.toBe(room.buffer);
  });
});
