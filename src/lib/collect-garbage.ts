import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** V8's full collection: node's `--expose-gc` one, else the one a new context gets once the flag is set. */
let collect: (() => void) | undefined;
let looked = false;

/**
 * Runs a full garbage collection now, where a run's large temporaries (the read phase's documents, a cluster batch's
 * arrays) have just died: V8 frees ArrayBuffers that lived past a young-generation collection only in a full one, which
 * it starts by itself only once 64 MB more of them are allocated, so without this their memory adds up across phases
 * (issue #16, BENCHMARKS.md "Session 6: peak RSS"). Changes no result; a no-op where V8 gives no collector.
 */
export function collectGarbage(): void {
  if (!looked) {
    looked = true;
    collect = typeof globalThis.gc === 'function' ? globalThis.gc : exposedCollector();
  }
  collect?.();
}

// The flag makes every context created afterwards have `gc` (as Jest's leak detector gets it); the main one keeps none.
function exposedCollector(): (() => void) | undefined {
  try {
    setFlagsFromString('--expose-gc');
    const gc: unknown = runInNewContext('gc');
    return typeof gc === 'function' ? (gc as () => void) : undefined;
  } catch {
    return undefined; // a runtime without the flag: collection is only an optimisation, so none is fine
  }
}
