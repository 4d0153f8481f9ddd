// The WAL checkpoint after a run's commit, on another thread when there is much to copy (issue #16).
import { existsSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';

const WORKER_URL = new URL('./checkpoint-worker.js', import.meta.url);

/**
 * A WAL at least this large is checkpointed on a worker thread: after a cold import of 15,000 articles it holds
 * ~80 MB, and the checkpoint (syncing it, copying it, syncing the database) took ~0.5 s, most of it waiting for the
 * disk. A smaller one (a run of a few changed feeds) is checkpointed at once: a thread's start (~30 ms) would be
 * more than the copy.
 */
const THREAD_MIN_WAL_BYTES = 8 * 1024 * 1024;

/** How a checkpoint went: on a thread or here, and the error it met (the WAL is then left for the next one). */
export interface CheckpointOutcome {
  where: 'thread' | 'here';
  error?: string;
}

/**
 * Checkpoints the WAL of the database at `path`: on a worker thread when the WAL holds THREAD_MIN_WAL_BYTES or more
 * (`here` runs otherwise, and when the thread cannot start or fails). Never rejects: a checkpoint that fails leaves
 * the committed pages in the WAL, where SQLite still reads them, for the next checkpoint.
 */
export function checkpointWal(
  path: string,
  here: () => void,
  minBytes: number = THREAD_MIN_WAL_BYTES,
  workerUrl: URL = WORKER_URL,
): Promise<CheckpointOutcome> {
  const inline = (): CheckpointOutcome => {
    try {
      here();
      return { where: 'here' };
    } catch (error) {
      return { where: 'here', error: error instanceof Error ? error.message : String(error) };
    }
  };
  let walBytes = 0;
  try {
    walBytes = statSync(`${path}-wal`).size;
  } catch {
    // No WAL (an in-memory database, or nothing written): the inline checkpoint is a no-op.
  }
  if (walBytes < minBytes || !existsSync(fileURLToPath(workerUrl))) return Promise.resolve(inline());
  return new Promise((resolve) => {
    let settled = false;
    const settle = (outcome: () => CheckpointOutcome): void => {
      if (settled) return;
      settled = true;
      resolve(outcome());
    };
    let worker: Worker;
    try {
      worker = new Worker(workerUrl, { workerData: { path } });
    } catch {
      settle(inline);
      return;
    }
    worker.on('message', (message: { ok: boolean; message?: string }) => {
      // A thread that could not checkpoint (it could not open the file, say): once more here, which reports why.
      settle(message.ok ? () => ({ where: 'thread' }) : inline);
    });
    worker.on('error', () => settle(inline));
    // Gone without a word (killed, out of memory): here, after any answer still on its way.
    worker.on('exit', () => setImmediate(() => settle(inline)));
  });
}
