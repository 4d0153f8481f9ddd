import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { GraphSearch, type GraphPlan, type NearLists } from './graph-search.js';
import { joinProbability, type JoinModel } from './join-model.js';
import { Scratch } from './scratch.js';

// The item graph of a large batch searched by several threads at once (issue #16): the main thread and worker
// threads (graph-worker.ts) take chunks of items in turn from a shared counter, first every item's nearest list,
// then (once all lists are in) every item's linked pairs with their join probability. The plan is in shared
// memory, and every result goes to its item's own slots, so the edges come out exactly as one thread finds them.
// The main thread waits with Atomics.wait, so clustering stays one synchronous call. A worker that stops moving
// (killed, or starved of a core) holds up nothing: after STALL_MS without progress the main thread does the chunks
// still open itself (a chunk done twice gives the same values twice).

/** Items per chunk taken from the counter: small enough to share out evenly, large enough to cost nothing. */
const CHUNK = 64;
/** A batch smaller than this is searched on the calling thread: a message and a wake-up cost more than it. */
const PARALLEL_MIN_ITEMS = 2_000;
/** How long the main thread waits for a worker's open chunk without any progress before doing it itself. */
const STALL_MS = 2_000;

// Slots of the control array.
const NEXT_NEAR = 0;
const DONE_NEAR = 1;
const GO_PAIRS = 2;
const NEXT_PAIRS = 3;
const DONE_PAIRS = 4;
const CONTROL_SLOTS = 5;

/** The pairs a batch links, in the order one thread walking items 0, 1, … visits them, with their probability. */
interface LinkedPairs {
  a: Int32Array;
  b: Int32Array;
  p: Float64Array;
  size: number;
  /** Chunks (of CHUNK items, both phases) the calling thread did; the workers did the rest. */
  chunksHere: number;
  chunks: number;
}

/** Worker threads that share the item graph of large batches with the calling thread. */
export interface GraphThreads {
  /** Whether a batch of `items` is worth sharing (else the caller walks it alone, as visitPairs). */
  worthIt(items: number): boolean;
  /**
   * Returns shared nearest lists for a batch's plan: the same memory batch after batch (grown when a batch is
   * larger), so a cold run's slices do not each leave tens of MB to the garbage collector.
   */
  nearLists(items: number, neighbours: number): NearLists;
  /**
   * Fills `plan.near` (which must be shared memory, as every array of the plan) and returns every linked pair with
   * its join probability: the same pairs, probabilities and order as visitPairs on one thread.
   */
  linkPairs(plan: GraphPlan, model: JoinModel, scratch?: Scratch): LinkedPairs;
  /** Batches linked so far with the workers' help (linkPairs calls). */
  readonly batches: number;
  /** Resolves once every worker has started (a worker still starting simply takes no chunk yet). */
  ready(): Promise<void>;
  /**
   * Stops the workers and lets go of the shared lists until `resume`: a batch's graph is done, and the rest of the
   * batch (its story level, the peak of a cold run's memory) runs without them. linkPairs resumes by itself too.
   */
  rest(): void;
  /** Starts the workers again after `rest` (a no-op otherwise): called well ahead of a batch's graph. */
  resume(): void;
  /** Stops the workers for good (idempotent). */
  close(): void;
}

/** What a worker is sent for one batch. */
export interface GraphTask {
  plan: GraphPlan;
  model: JoinModel;
  control: Int32Array;
  nearDone: Int32Array;
  pairsDone: Int32Array;
  out: PairSlots;
}

/** Item i's pairs are a/b/p[i * neighbours …] (count[i] of them). */
interface PairSlots {
  count: Int32Array;
  a: Int32Array;
  b: Int32Array;
  p: Float64Array;
}

const WORKER_URL = new URL('./graph-worker.js', import.meta.url);

/** Returns shared nearest lists for a batch of `items` with `neighbours` each. */
function sharedNearLists(items: number, neighbours: number): NearLists {
  return {
    items: new Int32Array(new SharedArrayBuffer(4 * items * neighbours)),
    cos: new Float64Array(new SharedArrayBuffer(8 * items * neighbours)),
    length: new Int32Array(new SharedArrayBuffer(4 * items)),
  };
}

/** Returns shared pair slots for a batch of `items` with `neighbours` each. */
function sharedPairSlots(items: number, neighbours: number): PairSlots {
  return {
    count: new Int32Array(new SharedArrayBuffer(4 * items)),
    a: new Int32Array(new SharedArrayBuffer(4 * items * neighbours)),
    b: new Int32Array(new SharedArrayBuffer(4 * items * neighbours)),
    p: new Float64Array(new SharedArrayBuffer(8 * items * neighbours)),
  };
}

/** Room for this many times a batch's items, so that the next, slightly larger slice fits too. */
const ROOM = 1.25;

/**
 * Starts `threads` worker threads (none when `threads` < 1 or there is no compiled worker next to this module, as
 * when running from the TypeScript sources), or returns null. They are unref'd: an idle one never keeps a process.
 */
export function startGraphThreads(threads: number, workerUrl: URL = WORKER_URL): GraphThreads | null {
  if (threads < 1 || !existsSync(fileURLToPath(workerUrl))) return null;
  let workers = spawnWorkers(threads, workerUrl);
  if (workers.length === 0) return null;
  let started = startedAll(workers);
  let resting = false;
  let closed = false;
  let batches = 0;
  // The lists and slots of the last batch, reused by the next unless `rest` let go of them; dropped after a stall,
  // since a worker that stalled may still write into them (the same values, but into a batch no longer theirs).
  let spare: { near: NearLists; out: PairSlots; items: number; neighbours: number } | null = null;
  const buffersFor = (items: number, neighbours: number) => {
    if (spare === null || spare.items < items || spare.neighbours !== neighbours) {
      const room = Math.ceil(items * ROOM);
      spare = {
        near: sharedNearLists(room, neighbours),
        out: sharedPairSlots(room, neighbours),
        items: room,
        neighbours,
      };
    }
    return spare;
  };
  const resume = () => {
    if (closed || !resting) return;
    resting = false;
    workers = spawnWorkers(threads, workerUrl);
    started = startedAll(workers);
  };
  return {
    worthIt: (items) => !closed && items >= PARALLEL_MIN_ITEMS,
    nearLists: (items, neighbours) => buffersFor(items, neighbours).near,
    ready: () => started,
    resume,
    rest() {
      if (closed || resting) return;
      resting = true;
      for (const w of workers) void w.terminate();
      workers = [];
      spare = null;
    },
    get batches() {
      return batches;
    },
    linkPairs(plan, model, scratch = new Scratch()) {
      const n = plan.profiles.count;
      const k = plan.neighbours;
      const chunks = Math.ceil(n / CHUNK);
      const task: GraphTask = {
        plan,
        model,
        control: new Int32Array(new SharedArrayBuffer(4 * CONTROL_SLOTS)),
        nearDone: new Int32Array(new SharedArrayBuffer(4 * chunks)),
        pairsDone: new Int32Array(new SharedArrayBuffer(4 * chunks)),
        out: buffersFor(n, k).out,
      };
      batches++;
      resume();
      for (const w of workers) w.postMessage(task);
      const { control } = task;
      const work = new TaskWork(task, scratch);
      let stalled = 0;
      try {
        work.claimChunks(NEXT_NEAR, DONE_NEAR, task.nearDone, (i) => work.search.nearest(i));
        stalled += awaitChunks(control, DONE_NEAR, task.nearDone, n, (i) => work.search.nearest(i));
        Atomics.store(control, GO_PAIRS, 1);
        Atomics.notify(control, GO_PAIRS);
        work.claimChunks(NEXT_PAIRS, DONE_PAIRS, task.pairsDone, (i) => work.pairsOf(i));
        stalled += awaitChunks(control, DONE_PAIRS, task.pairsDone, n, (i) => work.pairsOf(i));
      } finally {
        if (stalled > 0) spare = null;
        // Whatever happened here, a worker still on this task finds nothing left to take and no gate closed.
        Atomics.store(control, NEXT_NEAR, chunks);
        Atomics.store(control, NEXT_PAIRS, chunks);
        Atomics.store(control, GO_PAIRS, 1);
        Atomics.notify(control, GO_PAIRS);
      }
      // The pairs in item order, each item's in the order found: as one thread visits them.
      const { count, a, b, p } = task.out;
      let size = 0;
      for (let i = 0; i < n; i++) size += count[i]!;
      // In the caller's scratch memory, as one thread's walk would have them.
      const pairs: LinkedPairs = {
        a: scratch.int32s(size),
        b: scratch.int32s(size),
        p: scratch.float64s(size),
        size,
        chunksHere: work.chunksDone + stalled,
        chunks: 2 * chunks,
      };
      let at = 0;
      for (let i = 0; i < n; i++) {
        const from = i * k;
        const c = count[i]!;
        pairs.a.set(a.subarray(from, from + c), at);
        pairs.b.set(b.subarray(from, from + c), at);
        pairs.p.set(p.subarray(from, from + c), at);
        at += c;
      }
      return pairs;
    },
    close() {
      if (closed) return;
      closed = true;
      for (const w of workers) void w.terminate();
    },
  };
}

/** Starts up to `threads` workers (fewer when no thread is to be had), unref'd: an idle one never keeps a process. */
function spawnWorkers(threads: number, workerUrl: URL): Worker[] {
  const workers: Worker[] = [];
  for (let i = 0; i < threads; i++) {
    let worker: Worker;
    try {
      worker = new Worker(workerUrl);
    } catch {
      break; // no thread to be had (a process or memory limit): fewer helpers, or none, and the same stories
    }
    worker.unref();
    // A worker that fails is simply not there any more: the main thread finishes its chunks (STALL_MS).
    worker.on('error', () => undefined);
    workers.push(worker);
  }
  return workers;
}

/** Resolves once every worker has said it started (or exited). */
function startedAll(workers: readonly Worker[]): Promise<void> {
  return Promise.all(
    workers.map(
      (w) => new Promise<void>((resolve) => w.once('message', () => resolve()).once('exit', () => resolve())),
    ),
  ).then(() => undefined);
}

/** One thread's share of a task: its searcher and the pairs of an item into the item's slots. */
class TaskWork {
  readonly search: GraphSearch;
  /** Chunks this thread did. */
  chunksDone = 0;
  private readonly chunks: number;

  constructor(
    private readonly task: GraphTask,
    scratch?: Scratch,
  ) {
    this.search = new GraphSearch(task.plan, scratch);
    this.chunks = task.nearDone.length;
  }

  /** Writes item i's linked pairs, with their join probability, to its slots. */
  pairsOf(i: number): void {
    const { out, model, plan } = this.task;
    const from = i * plan.neighbours;
    let c = 0;
    this.search.pairs(i, (a, b, features) => {
      out.a[from + c] = a;
      out.b[from + c] = b;
      out.p[from + c] = joinProbability(model, features);
      c++;
    });
    out.count[i] = c;
  }

  /** Takes chunks from the counter at `next` until none is left, doing `each` item of them. */
  claimChunks(next: number, doneCount: number, done: Int32Array, each: (i: number) => void): void {
    const { control } = this.task;
    const n = this.task.plan.profiles.count;
    for (;;) {
      const c = Atomics.add(control, next, 1);
      if (c >= this.chunks) return;
      for (let i = c * CHUNK, end = Math.min(n, i + CHUNK); i < end; i++) each(i);
      this.chunksDone++;
      Atomics.store(done, c, 1);
      Atomics.add(control, doneCount, 1);
      Atomics.notify(control, doneCount);
    }
  }
}

/**
 * Waits until every chunk is done; chunks a worker took and did not finish within STALL_MS of no progress are done
 * here (`each` item of them). Returns how many chunks it did.
 */
function awaitChunks(
  control: Int32Array,
  doneCount: number,
  done: Int32Array,
  n: number,
  each: (i: number) => void,
): number {
  const chunks = done.length;
  let seen = Atomics.load(control, doneCount);
  let since = performance.now();
  while (seen < chunks) {
    Atomics.wait(control, doneCount, seen, 50);
    const now = Atomics.load(control, doneCount);
    if (now !== seen) {
      seen = now;
      since = performance.now();
    } else if (performance.now() - since > STALL_MS) {
      let took = 0;
      for (let c = 0; c < chunks; c++) {
        if (Atomics.load(done, c) === 1) continue;
        for (let i = c * CHUNK, end = Math.min(n, i + CHUNK); i < end; i++) each(i);
        took++;
      }
      return took;
    }
  }
  return 0;
}

/** A worker's side of a task: its share of the nearest lists, then (once all are in) of the pairs. */
export function runGraphTask(task: GraphTask): void {
  const work = new TaskWork(task);
  const { control } = task;
  work.claimChunks(NEXT_NEAR, DONE_NEAR, task.nearDone, (i) => work.search.nearest(i));
  // The main thread opens the gate when every list is in (or gives the task up): a minute without it is a task
  // abandoned long ago.
  const deadline = performance.now() + 60_000;
  while (Atomics.load(control, GO_PAIRS) === 0 && performance.now() < deadline)
    Atomics.wait(control, GO_PAIRS, 0, 1_000);
  if (Atomics.load(control, GO_PAIRS) === 0) return;
  work.claimChunks(NEXT_PAIRS, DONE_PAIRS, task.pairsDone, (i) => work.pairsOf(i));
}
