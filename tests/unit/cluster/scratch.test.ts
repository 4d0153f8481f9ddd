import { describe, expect, it } from 'vitest';
import { Scratch } from '../../../src/cluster/scratch.js';

describe('Scratch', () => {
  it('when shared, hands out shared memory only, also after a phase grew an array of its own', () => {
    const scratch = new Scratch(true);
    scratch.reset();
    const room = scratch.int32Room(16);
    expect(room.buffer).toBeInstanceOf(SharedArrayBuffer);
    // The corpus's token buffer grows with a plain Int32Array: a shared Scratch does not take it as a region.
    const grown = new Int32Array(1 << 20);
    scratch.keep(grown, grown.length);
    scratch.reset();
    const arrays = [scratch.int32s(1 << 19), scratch.float64s(1 << 17), scratch.int32Room(1 << 18)];
    for (const a of arrays) expect(a.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(arrays.some((a) => a.buffer === grown.buffer)).toBe(false);
  });

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

  it('keeps the regions a phase needed for the next phases, and zeroes what it hands out again', () => {
    const scratch = new Scratch();
    scratch.reset();
    const first = scratch.float64s(1000);
    first.fill(3);
    scratch.reset();
    // The same memory, as another type, zeroed.
    const second = scratch.int32s(2000);
    expect(second.buffer).toBe(first.buffer);
    expect(second.every((x) => x === 0)).toBe(true);
    // What does not fit in the regions gets a region of its own, kept too.
    const large = scratch.float64s(1 << 18);
    expect(large.buffer).not.toBe(first.buffer);
    scratch.reset();
    expect(scratch.float64s(1 << 18).buffer).toBe(large.buffer);
  });

  it('allocates plainly until a phase is started', () => {
    const scratch = new Scratch();
    const a = scratch.int32s(4);
    const b = scratch.int32s(4);
    expect(a.buffer).not.toBe(b.buffer);
    expect(a.buffer.byteLength).toBe(16);
  });

  it('makes its regions into one when they hold more than twice the largest phase', () => {
    const scratch = new Scratch();
    scratch.reset();
    const a = scratch.float64s(1 << 17);
    // A grown array kept as a region, of which the phase used little.
    scratch.keep(new Int32Array(1 << 20), 16);
    scratch.reset();
    // 5 MB held for a phase of 1 MB: one region, large enough for that phase.
    const b = scratch.float64s(1 << 17);
    expect(b.buffer).not.toBe(a.buffer);
    expect(b.buffer.byteLength).toBeLessThan(2 << 20);
    scratch.reset();
    expect(scratch.float64s(1 << 17).buffer).toBe(b.buffer);
  });

  it('gives the largest free region as room for a growable array, and keeps a grown array as a region', () => {
    const scratch = new Scratch();
    scratch.reset();
    const small = scratch.int32Room(16);
    expect(small.length).toBe(16);
    // The array grew (as TokenBuffer grows) past the room given.
    const grown = new Int32Array(5000);
    scratch.keep(grown, 4000);
    scratch.reset();
    const room = scratch.int32Room(16);
    expect(room.buffer).toBe(grown.buffer);
    expect(room.length).toBe(5000);
    // Room is only a region not used yet in the phase: afterwards, arrays of their own.
    const other = scratch.int32Room(16);
    expect(other.buffer).not.toBe(room.buffer);
  });

  it('gives back what was handed out since a mark: the next arrays reuse that memory, zeroed', () => {
    const scratch = new Scratch();
    scratch.reset();
    const kept = scratch.int32s(100);
    kept.fill(5);
    const mark = scratch.mark();
    const temp = scratch.float64s(1000);
    temp.fill(2.5);
    scratch.release(mark);
    const next = scratch.float64s(1000);
    expect(next.buffer).toBe(temp.buffer);
    expect(next.byteOffset).toBe(temp.byteOffset);
    expect(next.every((x) => x === 0)).toBe(true);
    // What was handed out before the mark is untouched.
    expect(kept.every((x) => x === 5)).toBe(true);
    expect(next.byteOffset).toBeGreaterThanOrEqual(kept.byteOffset + kept.byteLength);
  });

  it('keeps a region made after a mark, empty, for the arrays after the release', () => {
    const scratch = new Scratch();
    scratch.reset();
    scratch.int32s(16);
    const mark = scratch.mark();
    // Larger than the first region: a region of its own.
    const large = scratch.float64s(1 << 18);
    scratch.release(mark);
    const again = scratch.int32s(1 << 19);
    expect(again.buffer).toBe(large.buffer);
    expect(again.byteOffset).toBe(0);
  });

  it('releases nothing before a phase is started (plain allocation)', () => {
    const scratch = new Scratch();
    const mark = scratch.mark();
    const a = scratch.int32s(8);
    a.fill(1);
    scratch.release(mark);
    const b = scratch.int32s(8);
    expect(b.buffer).not.toBe(a.buffer);
    expect(a.every((x) => x === 1)).toBe(true);
  });

  it('counts what a phase held at once, not all it was handed, when it makes its regions into one', () => {
    const scratch = new Scratch();
    scratch.reset();
    const first = scratch.float64s(1 << 17); // 1 MB
    // A grown array kept as a region (4 MB), of which the phase used little.
    scratch.keep(new Int32Array(1 << 20), 16);
    // Eight arrays of 0.5 MB, one at a time: 4 MB handed out in all, 1.5 MB held at most.
    for (let k = 0; k < 8; k++) {
      const mark = scratch.mark();
      scratch.float64s(1 << 16);
      scratch.release(mark);
    }
    scratch.reset();
    // ~6.4 MB of regions for a phase that held 1.5 MB: one region instead, sized for 1.5 MB (counting the 4 MB handed
    // out, they would be kept).
    const b = scratch.float64s(1 << 17);
    expect(b.buffer).not.toBe(first.buffer);
    expect(b.buffer.byteLength).toBeLessThan(2 << 20);
  });

  it('makes a new region a quarter of what it holds at least, so later arrays share it', () => {
    const scratch = new Scratch();
    scratch.reset();
    const big = scratch.float64s(1 << 20); // 8 MB, in a region of 8 MB + 10 %
    // 1.2 MB: more than the first region has left. Its own size (+ 10 %) would be 1.32 MB; a quarter of the 8.8 MB
    // held is 2.2 MB.
    const next = scratch.int32s(300_000);
    expect(next.buffer).not.toBe(big.buffer);
    expect(next.buffer.byteLength).toBeGreaterThanOrEqual(big.buffer.byteLength / 4);
    // 1 MB more fits in neither region's own-size room, but in the quarter.
    expect(scratch.int32s(250_000).buffer).toBe(next.buffer);
  });
});
