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
  read(job: DocumentJob): Promise<DocumentResult>;
  /** Stops the workers; pending reads are rejected. */
  close(): Promise<void>;
}

/** Reads on the calling thread. */
export const inlineReader: DocumentReader = {
  read: async (job) => readDocument(job),
  close: async () => undefined,
};

const WORKER_URL = new URL('./read-worker.js', import.meta.url);

/**
 * Returns a reader with up to `threads` worker threads, or the inline reader when `threads` < 1 or there is no
 * compiled worker next to this module (running from the TypeScript sources, as the unit tests do). A document is posted
 * at once to the worker with the fewest documents pending (a new one while fewer than `threads` run and each has one),
 * never held back until a worker is idle: the main thread hands out work only between its own tasks (a source's
 * response, its storing), and a worker given one document at a time waited for the next one, idle for 5.9 s of a 9.4 s
 * read phase on 2 cores. Nor does the main thread read while its workers are busy: that delayed the responses and the
 * storing it had to do, and the read phase took as long as on one thread (BENCHMARKS.md, issue #16).
 */
export function createDocumentReader(threads: number, workerUrl: URL = WORKER_URL): DocumentReader {
  if (threads < 1 || !existsSync(fileURLToPath(workerUrl))) return inlineReader;
  type Task = { resolve: (r: DocumentResult) => void; reject: (e: unknown) => void };
  // Each live worker's pending tasks, oldest first: a worker answers them in the order posted.
  const pending = new Map<Worker, Task[]>();
  let closed = false;

  const spawn = (): Worker => {
    const worker = new Worker(workerUrl);
    const tasks: Task[] = [];
    pending.set(worker, tasks);
    worker.on('message', (result: DocumentResult) => tasks.shift()?.resolve(result));
    const lost = (error: unknown): void => {
      // A worker that dies (out of memory, a crash) fails its own reads only; another one takes its place.
      if (!pending.has(worker)) return;
      pending.delete(worker);
      const reason =
        error instanceof Error
          ? error
          : new ReadError('read/worker-stopped', `document reader stopped: ${String(error)}`);
      for (const task of tasks.splice(0)) task.reject(reason);
    };
    worker.on('error', lost);
    worker.on('exit', (code) => lost(new ReadError('read/worker-stopped', `document reader exited with code ${code}`)));
    return worker;
  };

  /** The worker with the fewest documents pending; a new one while fewer than `threads` run and none is idle. */
  const leastBusy = (): Worker => {
    let best: Worker | null = null;
    let least = Infinity;
    for (const [worker, tasks] of pending)
      if (tasks.length < least) {
        best = worker;
        least = tasks.length;
      }
    return best !== null && (least === 0 || pending.size >= threads) ? best : spawn();
  };

  return {
    read(job) {
      if (closed) return Promise.reject(new ReadError('read/closed', 'document reader closed'));
      const worker = leastBusy();
      return new Promise<DocumentResult>((resolve, reject) => {
        pending.get(worker)!.push({ resolve, reject });
        // The body is copied into its own buffer and moved, not cloned: it may be a view of a larger one.
        const body = new Uint8Array(job.body);
        worker.postMessage({ ...job, body }, [body.buffer]);
      });
    },
    async close() {
      closed = true;
      const all = [...pending.keys()];
      for (const tasks of pending.values())
        for (const task of tasks.splice(0)) task.reject(new ReadError('read/closed', 'document reader closed'));
      pending.clear();
      await Promise.all(all.map((w) => w.terminate()));
    },
  };
}
