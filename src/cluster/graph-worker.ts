// Worker-thread entry of graph-threads.ts: says it has started, then takes its share of each batch's item graph.
import { parentPort } from 'node:worker_threads';
import { runGraphTask, type GraphTask } from './graph-threads.js';

parentPort?.on('message', (task: GraphTask) => runGraphTask(task));
parentPort?.postMessage('started');
