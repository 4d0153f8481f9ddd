// Decode + parse + normalize off the main thread: a pool of worker threads running read-document.ts, so that on a
// machine with several cores the documents of concurrent sources are read in parallel while the main thread
// fetches and stores. Workers start on first use (a run where every source answers 304 starts none).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { readDocument, type DocumentJob, type DocumentResult } from './read-document.js';
import { ReadError } from '../lib/errors.js';

/** Reads documents, on this thread or in workers. */
export interface DocumentReader {
  /** Reads one document; it may take the body's memory (moved to a worker): the caller must not use it afterwards. */
  read(job: DocumentJob): Promise<DocumentResult>;
  /**
   * Says how many documents the run expects to read (its sources never read before: a first run's, or new ones). With
   * enough of them to start a worker (START_WORKERS), the first starts now, while the first documents are fetched.
   */
  expect(documents: number): void;
  /** Stops the workers; pending reads are rejected. */
  close(): Promise<void>;
}

/** Reads on the calling thread. */
export const inlineReader: DocumentReader = {
  read: async (job) => readDocument(job),
  expect: () => undefined,
  close: async () => undefined,
};

const WORKER_URL = new URL('./read-worker.js', import.meta.url);

/**
 * When the first worker starts: once this many documents have been asked for in the run and this many wait to be
 * read. A run that brings a few (some feeds changed since the last one) reads them on this thread without a thread's
 * start: with one, a run of 30 new documents among 300 feeds took 0.5 CPU s more and ~8 MB more, and was no faster.
 */
const START_WORKERS = { reads: 40, waiting: 3 };

/** Documents posted to one worker ahead of its answers: it always has the next one at hand. */
const WORKER_DEPTH = 2;

/**
 * Returns a reader with up to `threads` worker threads, or the inline reader when `threads` < 1 or there is no
 * compiled worker next to this module (running from the TypeScript sources, as the unit tests do).
 *
 * Each worker is given up to WORKER_DEPTH documents ahead of its answers: the main thread hands out work only between
 * its own tasks (a source's response, its storing), and a worker given one document at a time waited for the next
 * one, idle for 5.9 s of a 9.4 s read phase on 2 cores. Documents beyond that wait in a queue, from which the main
 * thread reads the newest itself when it has nothing else to do (setImmediate runs once pending I/O is handled):
 * reading on it whenever the workers were busy delayed the responses and the storing it had to do instead
 * (BENCHMARKS.md, issue #16). The first worker starts once a run has many documents and they wait (START_WORKERS):
 * until then this thread reads.
 */
export function createDocumentReader(
  threads: number,
  workerUrl: URL = WORKER_URL,
  /** When the first worker starts (tests start it with the first document). */
  startAt: { reads: number; waiting: number } = START_WORKERS,
): DocumentReader {
  if (threads < 1 || !existsSync(fileURLToPath(workerUrl))) return inlineReader;
  type Task = { job: DocumentJob; resolve: (r: DocumentResult) => void; reject: (e: unknown) => void };
  // Each live worker's posted tasks, oldest first: a worker answers them in the order posted, so the first is the
  // one it is reading.
  const posted = new Map<Worker, Task[]>();
  const queue: Task[] = [];
  // Workers whose code has loaded (read-worker.ts says so once); none are started once one died before that.
  const ready = new WeakSet<Worker>();
  let broken = false;
  let stealing = false;
  let closed = false;
  let asked = 0;

  const post = (worker: Worker, task: Task): void => {
    const tasks = posted.get(worker)!;
    try {
      if (!ready.has(worker) || tasks.length > 0) {
        // A copy, so that the body is still here to read if the worker dies first: before its code has loaded, or
        // while it reads the document posted ahead of this one.
        worker.postMessage(task.job);
      } else {
        // The document it reads next: its memory is moved to the worker, not cloned, and so freed there as soon as
        // it is read (a cold run's bodies otherwise waited in this thread for a full collection: ~80 MB at the end of
        // the race's read phase). A view of a larger buffer is copied into its own first.
        const own = task.job.body;
        const whole =
          own.buffer instanceof ArrayBuffer && own.byteOffset === 0 && own.byteLength === own.buffer.byteLength;
        const body = whole ? (own as Uint8Array<ArrayBuffer>) : new Uint8Array(own);
        worker.postMessage({ ...task.job, body }, [body.buffer]);
      }
    } catch (error) {
      task.reject(error); // the job could not be sent (a body that cannot be cloned): it alone fails
      return;
    }
    tasks.push(task);
  };

  const spawn = (): Worker => {
    const worker = new Worker(workerUrl);
    const tasks: Task[] = [];
    posted.set(worker, tasks);
    worker.on('message', (message: DocumentResult | { ready: true }) => {
      // An answer delivered after the worker was found dead ('error' comes before the messages it sent last): its
      // tasks are settled already.
      if (posted.get(worker) !== tasks) return;
      if ('ready' in message) {
        ready.add(worker);
        return;
      }
      tasks.shift()?.resolve(message);
      const next = queue.shift();
      if (next) post(worker, next);
    });
    const lost = (error: unknown): void => {
      if (posted.get(worker) !== tasks) return;
      posted.delete(worker);
      if (!ready.has(worker)) {
        // Its code never loaded (a damaged install, no memory for a thread): this thread reads everything, these
        // documents too, which it still holds (copies were sent).
        broken = true;
        for (const task of tasks.splice(0)) queue.push(task);
      } else {
        // It died reading its first document (out of memory on a hostile one, a crash): that read fails, as it would
        // have on this thread, and the documents posted behind it (copies) are read again; another worker takes its
        // place.
        const reason =
          error instanceof Error
            ? error
            : new ReadError('read/worker-stopped', `document reader stopped: ${String(error)}`);
        tasks.shift()?.reject(reason);
        for (const task of tasks.splice(0)) queue.push(task);
      }
      if (!closed) dispatch();
    };
    worker.on('error', lost);
    worker.on('exit', (code) => lost(new ReadError('read/worker-stopped', `document reader exited with code ${code}`)));
    return worker;
  };

  /** The worker with the fewest posted below WORKER_DEPTH (a new one while fewer than `threads` run), or null. */
  const leastBusy = (): Worker | null => {
    let best: Worker | null = null;
    let least = WORKER_DEPTH;
    for (const [worker, tasks] of posted)
      if (tasks.length < least) {
        best = worker;
        least = tasks.length;
      }
    // The first worker only once a run has many documents and they pile up (START_WORKERS).
    const wanted = posted.size > 0 || (asked >= startAt.reads && queue.length >= startAt.waiting);
    if (least > 0 && posted.size < threads && wanted && !broken) {
      try {
        return spawn();
      } catch {
        broken = true; // no thread to be had (ERR_WORKER_INIT_FAILED): this thread reads
      }
    }
    return best;
  };

  /** Posts queued documents to workers with room; the rest wait for a worker's answer or the main thread. */
  const dispatch = (): void => {
    while (queue.length > 0) {
      const worker = leastBusy();
      if (!worker) break;
      post(worker, queue.shift()!);
    }
    if (queue.length > 0 && !stealing) {
      stealing = true;
      setImmediate(steal);
    }
  };

  /** The main thread reads the newest queued document (the workers take the oldest), one per turn of the loop. */
  const steal = (): void => {
    stealing = false;
    const task = queue.pop();
    if (!task) return;
    try {
      task.resolve(readDocument(task.job));
    } catch (error) {
      task.reject(error); // readDocument returns its failures; this is only a guard
    }
    if (queue.length > 0) {
      stealing = true;
      setImmediate(steal);
    }
  };

  return {
    read(job) {
      if (closed) return Promise.reject(new ReadError('read/closed', 'document reader closed'));
      asked++;
      return new Promise<DocumentResult>((resolve, reject) => {
        queue.push({ job, resolve, reject });
        dispatch();
      });
    },
    expect(documents) {
      if (closed || broken || posted.size > 0 || documents < startAt.reads) return;
      try {
        spawn();
      } catch {
        broken = true; // no thread to be had: this thread reads
      }
    },
    async close() {
      closed = true;
      const all = [...posted.keys()];
      for (const task of queue.splice(0)) task.reject(new ReadError('read/closed', 'document reader closed'));
      for (const tasks of posted.values())
        for (const task of tasks.splice(0)) task.reject(new ReadError('read/closed', 'document reader closed'));
      posted.clear();
      await Promise.all(all.map((w) => w.terminate()));
    },
  };
}
