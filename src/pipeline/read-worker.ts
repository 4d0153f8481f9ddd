// Worker-thread entry of read-pool.ts: says it is ready, then reads each DocumentJob posted to it and posts the
// DocumentResult back.
import { parentPort } from 'node:worker_threads';
import { readDocument, type DocumentJob } from './read-document.js';

parentPort?.on('message', (job: DocumentJob) => {
  parentPort!.postMessage(readDocument(job));
});
// Loaded: from now on a death is a document's doing, not the install's (read-pool.ts).
parentPort?.postMessage({ ready: true });
