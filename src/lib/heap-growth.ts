import { setFlagsFromString } from 'node:v8';
import { givesNodeFlag } from './node-flags.js';

/**
 * How far past what the last full collection left alive V8 lets the old generation grow before the next one, in a
 * run: 50 %. V8's own choice goes up to 300 % while collecting is cheap, which on a cold import let both the main
 * thread's and the read worker's heaps grow to 3–4× their live data: the read phase peaked at 246–274 MB against
 * 215–221 at 50 %, for ~0.3 CPU s more of full collections in a ~14 CPU s run (BENCHMARKS.md, "Session 14";
 * issue #16).
 */
const RUN_HEAP_GROWING_PERCENT = 50;

let applied = false;

/**
 * Caps the old generation's growth (RUN_HEAP_GROWING_PERCENT) for the rest of the process, every thread included,
 * unless node was started with a `--heap-growing-percent` of the operator's own. Unlike the young generation's size,
 * V8 reads this flag at every full collection, so a process can still set it for itself. Changes no result.
 */
export function limitHeapGrowth(): void {
  if (applied) return;
  applied = true;
  if (setsHeapGrowth(process.execArgv, process.env.NODE_OPTIONS)) return;
  try {
    setFlagsFromString(`--heap-growing-percent=${RUN_HEAP_GROWING_PERCENT}`);
  } catch {
    // A runtime without the flag: the heap grows as V8 decides, which changes memory only.
  }
}

/** Whether node's arguments or NODE_OPTIONS give a `--heap-growing-percent` of the operator's own. */
export function setsHeapGrowth(execArgv: readonly string[], nodeOptions: string | undefined): boolean {
  return givesNodeFlag('--heap-growing-percent', execArgv, nodeOptions);
}
