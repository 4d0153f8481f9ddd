// Worker-thread entry of graph-threads.ts: says it has started, then takes its share of each batch's item graph.
import { parentPort } from 'node:worker_threads';
import { collectGarbage } from '../lib/collect-garbage.js';
import { runGraphTask, type GraphTask } from './graph-threads.js';

parentPort?.on('message', (task: GraphTask) => {
  runGraphTask(task);
  // This thread allocates little, so V8 would seldom collect here: the task's views of the batch's shared memory would
  // keep every earlier batch's arrays alive (tens of MB). A full collection of this small heap takes a few ms.
  setImmediate(collectGarbage);
});
parentPort?.postMessage('started');
