import type { Scratch } from './scratch.js';

// The story level's data (join-stories.ts) in typed arrays: a story's profile (term → summed weight) and the
// story-level inverted index (term → story → weight). Both were Maps; a Map boxes every double it holds, and the
// story level's lookups and sums were most of the clusterer's time and garbage on dated full texts (issue #16).

/**
 * A sparse vector of term → weight that keeps a Map's order (first insertion; a removed term added again goes
 * last), so that sums over it run in the same order as over the Map it replaces: entries live in slots
 * (`ids[s]`, `ws[s]` for s < end; a removed entry's id is negative), found through an open-addressing hash of
 * term → slot.
 */
export class Profile {
  /** Term of each slot; a removed entry's is negative (~term: the hash still finds it by its key). */
  ids!: Int32Array;
  /** Weight of each slot. */
  ws!: Float64Array;
  /** Slots in use (live and removed). */
  end = 0;
  /** Live entries. */
  size = 0;
  /**
   * Hash of term → slot + 1 (0: empty); a slot's key is its term, kept (as ~term) when the entry is removed. The three
   * arrays are views of one buffer.
   */
  private hash!: Int32Array;
  private bits = 4;
  /** Keys in the hash (live and removed). */
  private used = 0;

  /** `memory`: where its arrays come from (a phase of the clusterer's scratch); none: a buffer of its own. */
  constructor(
    capacity = 8,
    private readonly memory?: Scratch,
  ) {
    this.allocate(capacity);
  }

  /** A copy: the same entries in the same slots (the same sums in the same order), in the same memory. */
  clone(): Profile {
    const copy = new Profile(this.ids.length, this.memory);
    copy.ws.set(this.ws);
    copy.ids.set(this.ids);
    copy.hash.set(this.hash);
    copy.end = this.end;
    copy.size = this.size;
    copy.used = this.used;
    return copy;
  }

  /** The slot holding term t, or -1 when t is not in the profile. */
  slotOf(t: number): number {
    const mask = (1 << this.bits) - 1;
    const hash = this.hash;
    const ids = this.ids;
    let h = Math.imul(t, 0x9e3779b1) >>> (32 - this.bits);
    for (;;) {
      const s = hash[h]!;
      if (s === 0) return -1;
      const id = ids[s - 1]!;
      if (id === t) return s - 1;
      if (id === ~t) return -1;
      h = (h + 1) & mask;
    }
  }

  /** The weight of term t, 0 when absent. */
  get(t: number): number {
    const s = this.slotOf(t);
    return s < 0 ? 0 : this.ws[s]!;
  }

  /** Adds w to term t's weight (a new term goes last, as Map.set of `(get(t) ?? 0) + w`). */
  add(t: number, w: number): void {
    const h = this.hashSlot(t);
    const s = this.hash[h]! - 1;
    if (s >= 0 && this.ids[s] === t) this.ws[s] = this.ws[s]! + w;
    else this.append(h, t, 0 + w);
  }

  /** Sets term t's weight (a new term goes last, as Map.set). */
  put(t: number, w: number): void {
    const h = this.hashSlot(t);
    const s = this.hash[h]! - 1;
    if (s >= 0 && this.ids[s] === t) this.ws[s] = w;
    else this.append(h, t, w);
  }

  /** Removes term t (as Map.delete). */
  remove(t: number): void {
    const s = this.slotOf(t);
    if (s < 0) return;
    this.ids[s] = ~t;
    this.size--;
  }

  /** The Euclidean norm, summing the squares in the profile's order. */
  norm(): number {
    let sq = 0;
    for (let s = 0; s < this.end; s++) if (this.ids[s]! >= 0) sq += this.ws[s]! * this.ws[s]!;
    return Math.sqrt(sq);
  }

  /** The hash position of term t: its key's, or the empty one where it would go. */
  private hashSlot(t: number): number {
    const mask = (1 << this.bits) - 1;
    const hash = this.hash;
    const ids = this.ids;
    let h = Math.imul(t, 0x9e3779b1) >>> (32 - this.bits);
    for (;;) {
      const s = hash[h]!;
      if (s === 0) return h;
      const id = ids[s - 1]!;
      if (id === t || id === ~t) return h;
      h = (h + 1) & mask;
    }
  }

  /** Puts term t in a new last slot; h is its hash position (hashSlot). */
  private append(h: number, t: number, w: number): void {
    if (this.hash[h] === 0) {
      // A new key: grow first when the hash would be over half full (the position is then found again).
      if ((this.used + 1) * 2 > 1 << this.bits || this.end === this.ids.length) {
        this.grow();
        this.append(this.hashSlot(t), t, w);
        return;
      }
      this.used++;
    } else if (this.end === this.ids.length) {
      this.grow();
      this.append(this.hashSlot(t), t, w);
      return;
    }
    this.ids[this.end] = t;
    this.ws[this.end] = w;
    this.hash[h] = ++this.end;
    this.size++;
  }

  /**
   * Makes empty arrays for `capacity` slots, from `memory` or all views of one buffer: a typed array's own buffer costs
   * about as much as its data at these sizes, and the story level makes tens of thousands of profiles (BENCHMARKS.md,
   * session 10).
   */
  private allocate(capacity: number): void {
    let bits = 4;
    while (1 << bits < capacity * 2) bits++;
    this.bits = bits;
    if (this.memory) {
      this.ws = this.memory.float64s(capacity);
      this.ids = this.memory.int32s(capacity);
      this.hash = this.memory.int32s(1 << bits);
      return;
    }
    const buffer = new ArrayBuffer(capacity * 12 + (4 << bits));
    this.ws = new Float64Array(buffer, 0, capacity);
    this.ids = new Int32Array(buffer, capacity * 8, capacity);
    this.hash = new Int32Array(buffer, capacity * 12, 1 << bits);
  }

  /** Drops removed entries (the live ones keep their order) and makes room for twice the live entries. */
  private grow(): void {
    const oldIds = this.ids;
    const oldWs = this.ws;
    const oldEnd = this.end;
    this.allocate(Math.max(8, this.size * 2));
    const { ids, ws, hash } = this;
    let end = 0;
    for (let s = 0; s < oldEnd; s++) {
      if (oldIds[s]! < 0) continue;
      ids[end] = oldIds[s]!;
      ws[end++] = oldWs[s]!;
    }
    this.end = end;
    this.used = end;
    const mask = (1 << this.bits) - 1;
    for (let s = 0; s < end; s++) {
      let h = Math.imul(ids[s]!, 0x9e3779b1) >>> (32 - this.bits);
      while (hash[h] !== 0) h = (h + 1) & mask;
      hash[h] = s + 1;
    }
  }
}

/**
 * The story-level inverted index: per term, the stories posted under it and their weights, as parallel arrays (in
 * no particular order: a lookup sums each story's terms in the query's order, one term at a time), and per story
 * where it sits in each term's list (a Profile of term → position). A term's list, once made, stays (possibly empty).
 */
export class StoryPostings {
  private readonly stories: (number[] | undefined)[];
  private readonly weights: (number[] | undefined)[];
  private readonly where: (Profile | undefined)[] = [];

  constructor(vocab: number) {
    this.stories = new Array<number[] | undefined>(vocab).fill(undefined);
    this.weights = new Array<number[] | undefined>(vocab).fill(undefined);
  }

  /** The stories posted under term t (undefined: no list was ever made); read-only. */
  storiesOf(t: number): readonly number[] | undefined {
    return this.stories[t];
  }

  /** Their weights, parallel to storiesOf(t). */
  weightsOf(t: number): readonly number[] | undefined {
    return this.weights[t];
  }

  /** Posts story x under term t with weight w (replacing its weight when already there), making the list if needed. */
  set(t: number, x: number, w: number): void {
    let list = this.stories[t];
    let ws = this.weights[t]!;
    if (list === undefined) {
      list = this.stories[t] = [];
      ws = this.weights[t] = [];
    }
    let at = this.where[x];
    if (at === undefined) this.where[x] = at = new Profile(32);
    const s = at.slotOf(t);
    if (s >= 0) {
      ws[at.ws[s]!] = w;
      return;
    }
    at.put(t, list.length);
    list.push(x);
    ws.push(w);
  }

  /** Takes story x out of term t's list (the last entry moves into its place), making the list if needed. */
  delete(t: number, x: number): void {
    const list = this.stories[t];
    if (list === undefined) {
      this.stories[t] = [];
      this.weights[t] = [];
      return;
    }
    const at = this.where[x];
    const s = at === undefined ? -1 : at.slotOf(t);
    if (s < 0) return;
    const pos = at!.ws[s]!;
    at!.remove(t);
    const ws = this.weights[t]!;
    const last = list.length - 1;
    if (pos !== last) {
      const y = list[last]!;
      list[pos] = y;
      ws[pos] = ws[last]!;
      this.where[y]!.put(t, pos);
    }
    list.pop();
    ws.pop();
  }
}
