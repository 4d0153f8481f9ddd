// Worker-thread entry of checkpoint-wal.ts: copies the WAL's committed pages into the database file (a PASSIVE
// checkpoint on a connection of its own), then says how it went. SQLite syncs the WAL and then the database file:
// most of the time is the disk's, and the main thread renders the feeds meanwhile.
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';

const { path } = workerData as { path: string };
try {
  const db = new Database(path, { fileMustExist: true });
  try {
    db.pragma('busy_timeout = 5000');
    const [result] = db.pragma('wal_checkpoint(PASSIVE)') as { busy: number; log: number; checkpointed: number }[];
    parentPort?.postMessage({ ok: true, ...result });
  } finally {
    db.close();
  }
} catch (error) {
  parentPort?.postMessage({ ok: false, message: error instanceof Error ? error.message : String(error) });
}
