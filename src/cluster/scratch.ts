/**
 * Typed arrays reused from batch to batch (grow-only), by name: a long import clustered a slice at a time
 * does not allocate, and leave to the garbage collector, tens of MB of arrays per slice (the profile table,
 * the postings, the edges), which kept the previous slice's arrays alive next to the current one's. An
 * array handed out is valid until the same name is asked for again. Without one (new Scratch() per call),
 * this is plain allocation.
 */
export class Scratch {
  private readonly int32 = new Map<string, Int32Array>();
  private readonly float64 = new Map<string, Float64Array>();

  /** Returns `length` zeros as an Int32Array. */
  int32s(name: string, length: number): Int32Array {
    const buf = this.int32.get(name);
    if (buf && buf.length >= length) return buf.subarray(0, length).fill(0);
    const next = new Int32Array(grown(buf?.length ?? 0, length));
    this.int32.set(name, next);
    return next.subarray(0, length);
  }

  /** Returns `length` zeros as a Float64Array. */
  float64s(name: string, length: number): Float64Array {
    const buf = this.float64.get(name);
    if (buf && buf.length >= length) return buf.subarray(0, length).fill(0);
    const next = new Float64Array(grown(buf?.length ?? 0, length));
    this.float64.set(name, next);
    return next.subarray(0, length);
  }
}

/** The new length of a buffer of `old` that must hold `length`. */
function grown(old: number, length: number): number {
  return Math.max(length, Math.ceil(old * 1.25));
}
