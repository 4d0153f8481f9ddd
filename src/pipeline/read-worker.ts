// Worker-thread entry of read-pool.ts: reads each DocumentJob posted to it and posts the DocumentResult back.
import { parentPort } from 'node:worker_threads';
import { readDocument, type DocumentJob } from './read-document.js';

parentPort?.on('message', (job: DocumentJob) => {
  parentPort!.postMessage(readDocument(job));
});
