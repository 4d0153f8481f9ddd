/**
 * Memory for the large arrays of one phase of the clusterer (learning a batch's texts; a batch's profiles,
 * postings, nearest lists and edges), reused by the next phase: one region, handed out in turn (bump
 * allocation) until `reset`. A cold run clustered a slice at a time then holds one region the size of its
 * largest phase instead of making, and leaving to the garbage collector, tens of MB of arrays per phase.
 * An array handed out is valid until the next reset. Arrays that do not fit are made on their own (the first
 * phases), and the next reset makes the region large enough for the largest phase seen. Without resets (a
 * new Scratch per call), this is plain allocation. A shared Scratch hands out arrays in shared memory only, which
 * other threads can read and write (graph-threads.ts).
 */
export class Scratch {
  private region: ArrayBufferLike;
  /** Bytes handed out from the region since the last reset. */
  private used = 0;
  /** Bytes the phase asked for in all (in the region or not). */
  private wanted = 0;
  /** The most any phase asked for. */
  private most = 0;

  constructor(private readonly shared = false) {
    this.region = this.buffer(0);
  }

  /** Starts a phase: the arrays handed out before are no longer used. */
  reset(): void {
    this.most = Math.max(this.most, this.wanted);
    if (this.region.byteLength < this.most) {
      // Room to spare: later batches (which carry stories over) are larger than the first.
      this.region = this.buffer(align(Math.ceil(this.most * 1.1)));
    }
    this.used = 0;
    this.wanted = 0;
  }

  /** Returns `length` zeros as an Int32Array. */
  int32s(length: number): Int32Array {
    const at = this.take(length * 4);
    return at < 0 ? new Int32Array(this.buffer(length * 4)) : new Int32Array(this.region, at, length).fill(0);
  }

  /** Returns `length` zeros as a Float64Array. */
  float64s(length: number): Float64Array {
    const at = this.take(length * 8);
    return at < 0 ? new Float64Array(this.buffer(length * 8)) : new Float64Array(this.region, at, length).fill(0);
  }

  /**
   * Returns an Int32Array of at least `length` (contents undefined) for the phase's one growable array: the whole
   * region when it is large enough. `grown` tells how long it had to become.
   */
  int32Room(length: number): Int32Array {
    if (this.used === 0 && this.region.byteLength >= length * 4) {
      this.used = this.region.byteLength;
      this.wanted += length * 4;
      return new Int32Array(this.region, 0, this.region.byteLength >> 2);
    }
    this.wanted += length * 4;
    return new Int32Array(this.buffer(length * 4));
  }

  /** Records that the phase's growable array (int32Room) had to hold `length` ints. */
  grown(length: number): void {
    this.wanted = Math.max(this.wanted, length * 4);
  }

  /** A new zeroed buffer of `bytes`, shared or not. */
  private buffer(bytes: number): ArrayBufferLike {
    return this.shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes);
  }

  /** The offset of `bytes` in the region, or -1 when they do not fit. */
  private take(bytes: number): number {
    const size = align(bytes);
    this.wanted += size;
    if (this.used + size > this.region.byteLength) return -1;
    const at = this.used;
    this.used += size;
    return at;
  }
}

/** Rounded up to 8 bytes (a Float64Array's alignment). */
function align(bytes: number): number {
  return Math.ceil(bytes / 8) * 8;
}
