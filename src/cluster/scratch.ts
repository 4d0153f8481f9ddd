/**
 * Memory for the large arrays of one phase of the clusterer (learning a batch's texts; a batch's profiles,
 * postings, nearest lists and edges), reused by the next phase: a few regions, each handed out in turn (bump
 * allocation) until `reset`. A cold run clustered a slice at a time then holds about the size of its largest
 * phase instead of making, and leaving to the garbage collector, tens of MB of arrays per phase.
 * An array handed out is valid until the next reset. An array that fits in no region gets a new region (with room
 * to grow: later batches carry stories over and are larger), which later phases use too: nothing is thrown away,
 * unless the regions come to hold more than twice the largest phase, when they are made into one. Without resets
 * (a new Scratch per call), this is plain allocation. A shared Scratch hands out arrays in shared memory only, which
 * other threads can read and write (graph-threads.ts). Within a phase, `mark` and `release` give back the arrays
 * handed out since a mark (a step's temporaries), so the phase's next step reuses their memory.
 */
export class Scratch {
  private regions: ArrayBufferLike[] = [];
  /** Bytes handed out from each region since the last reset. */
  private used: number[] = [];
  /** Bytes the phase holds now (handed out and not released). */
  private wanted = 0;
  /** The most the phase has held at once. */
  private phasePeak = 0;
  /** The most any phase held at once. */
  private most = 0;
  /** Whether a phase was started (reset): until then, plain allocation. */
  private phased = false;

  constructor(private readonly shared = false) {}

  /** Starts a phase: the arrays handed out before are no longer used. */
  reset(): void {
    this.phased = true;
    this.most = Math.max(this.most, this.phasePeak, this.wanted);
    if (this.held() > 2 * this.most && this.regions.length > 1) {
      // Many regions left over from phases of other shapes: one large enough for the largest phase instead.
      this.regions = [this.buffer(align(Math.ceil(this.most * GROWTH)))];
    }
    this.used = this.regions.map(() => 0);
    this.wanted = 0;
    this.phasePeak = 0;
  }

  /** Where the phase stands: what `release` goes back to. */
  mark(): ScratchMark {
    return { used: [...this.used], wanted: this.wanted };
  }

  /**
   * Gives back every array handed out since `mark` (they must not be used again): the phase's next arrays take their
   * memory. Regions made since the mark are kept, empty. A no-op before a phase is started (plain allocation).
   */
  release(mark: ScratchMark): void {
    if (!this.phased) return;
    this.phasePeak = Math.max(this.phasePeak, this.wanted);
    this.used = this.used.map((u, i) => (i < mark.used.length ? Math.min(u, mark.used[i]!) : 0));
    this.wanted = mark.wanted;
  }

  /** Returns `length` zeros as an Int32Array. */
  int32s(length: number): Int32Array {
    const [region, at] = this.take(length * 4);
    return new Int32Array(region, at, length).fill(0);
  }

  /** Returns `length` zeros as a Float64Array. */
  float64s(length: number): Float64Array {
    const [region, at] = this.take(length * 8);
    return new Float64Array(region, at, length).fill(0);
  }

  /**
   * Returns an Int32Array of at least `length` (contents undefined) for the phase's one growable array: the whole of
   * the largest region not used yet in this phase, when it is large enough. Once the array has grown, hand its last
   * version to `keep`.
   */
  int32Room(length: number): Int32Array {
    let best = -1;
    this.regions.forEach((r, i) => {
      if (
        this.used[i] === 0 &&
        r.byteLength >= length * 4 &&
        (best < 0 || r.byteLength > this.regions[best]!.byteLength)
      )
        best = i;
    });
    this.wanted += length * 4;
    if (best < 0 || !this.phased) return new Int32Array(this.buffer(length * 4));
    this.used[best] = this.regions[best]!.byteLength;
    return new Int32Array(this.regions[best]!);
  }

  /**
   * Records the phase's growable array (from int32Room, grown or not), of which `length` ints were used, as in use
   * until the next reset; when it grew out of the regions, its memory becomes a region for the next phases.
   */
  keep(array: Int32Array, length: number): void {
    this.wanted = Math.max(this.wanted, length * 4);
    // A shared Scratch keeps only shared regions: a plain one would be copied to every thread it is posted to.
    if (this.regions.includes(array.buffer) || (this.shared && !(array.buffer instanceof SharedArrayBuffer))) return;
    this.regions.push(array.buffer);
    this.used.push(array.buffer.byteLength);
  }

  /** The region and offset of `bytes` handed out: the first region with room, else a new one. */
  private take(bytes: number): [ArrayBufferLike, number] {
    const size = align(bytes);
    this.wanted += size;
    if (!this.phased) return [this.buffer(size), 0];
    for (let i = 0; i < this.regions.length; i++) {
      const at = this.used[i]!;
      if (at + size <= this.regions[i]!.byteLength) {
        this.used[i] = at + size;
        return [this.regions[i]!, at];
      }
    }
    // A quarter of what is held at least: the arrays that follow (and those a release gives back) then share a few
    // regions instead of each leaving a region of its own size behind.
    const region = this.buffer(Math.max(align(Math.ceil(size * GROWTH)), MIN_REGION_BYTES, align(this.held() / 4)));
    this.regions.push(region);
    this.used.push(size);
    return [region, 0];
  }

  /** Bytes of every region. */
  private held(): number {
    return this.regions.reduce((sum, r) => sum + r.byteLength, 0);
  }

  /** A new zeroed buffer of `bytes`, shared or not. */
  private buffer(bytes: number): ArrayBufferLike {
    return this.shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes);
  }
}

/** A point in a phase (Scratch.mark): what each region had handed out, and what the phase held. */
export interface ScratchMark {
  readonly used: readonly number[];
  readonly wanted: number;
}

/** Room to spare in a new region: later batches (which carry stories over) are larger than the first. */
const GROWTH = 1.1;
/** The smallest region made: small arrays share one instead of each leaving a region behind. */
const MIN_REGION_BYTES = 1 << 20;

/** Rounded up to 8 bytes (a Float64Array's alignment). */
function align(bytes: number): number {
  return Math.ceil(bytes / 8) * 8;
}
