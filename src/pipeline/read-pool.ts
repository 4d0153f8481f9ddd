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
 * compiled worker next to this module (running from the TypeScript sources, as the unit tests do).
 */
export function createDocumentReader(threads: number, workerUrl: URL = WORKER_URL): DocumentReader {
  if (threads < 1 || !existsSync(fileURLToPath(workerUrl))) return inlineReader;
  type Task = { job: DocumentJob; resolve: (r: DocumentResult) => void; reject: (e: unknown) => void };
  const queue: Task[] = [];
  const idle: Worker[] = [];
  const busy = new Map<Worker, Task>();
  let workers = 0;
  let closed = false;

  const spawn = (): void => {
    workers++;
    const worker = new Worker(workerUrl);
    worker.on('message', (result: DocumentResult) => {
      const task = busy.get(worker);
      busy.delete(worker);
      idle.push(worker);
      task?.resolve(result);
      pump();
    });
    const lost = (error: unknown): void => {
      // A worker that dies (out of memory, a crash) fails its own read only; another one takes its place.
      const task = busy.get(worker);
      busy.delete(worker);
      const at = idle.indexOf(worker);
      if (at >= 0) idle.splice(at, 1);
      workers--;
      task?.reject(error instanceof Error ? error : new ReadError('read/worker-stopped', `document reader stopped: ${String(error)}`));
      if (!closed) pump();
    };
    worker.on('error', lost);
    worker.on('exit', (code) => {
      if (busy.has(worker) || idle.includes(worker)) lost(new ReadError('read/worker-stopped', `document reader exited with code ${code}`));
    });
    idle.push(worker);
  };

  const pump = (): void => {
    while (queue.length > 0) {
      if (idle.length === 0 && workers < threads) spawn();
      const worker = idle.pop();
      if (!worker) return;
      const task = queue.shift()!;
      busy.set(worker, task);
      // The body is copied into its own buffer and moved, not cloned: it may be a view of a larger one.
      const body = new Uint8Array(task.job.body);
      worker.postMessage({ ...task.job, body }, [body.buffer]);
    }
  };

  return {
    read(job) {
      if (closed) return Promise.reject(new ReadError('read/closed', 'document reader closed'));
      return new Promise<DocumentResult>((resolve, reject) => {
        queue.push({ job, resolve, reject });
        pump();
      });
    },
    async close() {
      closed = true;
      for (const task of queue.splice(0)) task.reject(new ReadError('read/closed', 'document reader closed'));
      const all = [...idle, ...busy.keys()];
      idle.length = 0;
      for (const [, task] of busy) task.reject(new ReadError('read/closed', 'document reader closed'));
      busy.clear();
      await Promise.all(all.map((w) => w.terminate()));
    },
  };
}
