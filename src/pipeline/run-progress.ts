// Progress of the fetch phase for people at a terminal: one line, redrawn in place
// ("fetching 7/20 sources, 2 failed, 1 skipped"). Cron and the daemon get log lines only:
// the caller passes no progress there, or stderr is not a TTY.

import type { Logger, LogFields } from '../lib/logger.js';
import type { SourceOutcome } from '../model.js';

/** Receives the fetch phase's progress. */
export interface RunProgress {
  start(total: number): void;
  settled(outcome: SourceOutcome): void;
  end(): void;
  /** Wraps a logger so its lines do not collide with the progress line. */
  wrapLogger(logger: Logger): Logger;
}

/** Returns a progress line on `stream` when it is a terminal, or undefined when it is not (pipes, files, cron). */
export function createTerminalProgress(stream: { isTTY?: boolean; write(s: string): unknown }): RunProgress | undefined {
  if (!stream.isTTY) return undefined;
  let total = 0;
  let done = 0;
  let failed = 0;
  let skipped = 0;
  let shown = false;
  const clear = () => {
    if (shown) stream.write('\r\x1b[2K');
    shown = false;
  };
  const draw = () => {
    stream.write(`\r\x1b[2Kfetching ${done}/${total} sources${failed ? `, ${failed} failed` : ''}${skipped ? `, ${skipped} skipped` : ''}`);
    shown = true;
  };
  return {
    start(n) {
      total = n;
      draw();
    },
    settled(outcome) {
      done++;
      if (outcome.status === 'failed') failed++;
      if (outcome.status === 'skipped') skipped++;
      draw();
    },
    end() {
      clear();
    },
    wrapLogger(logger) {
      const around =
        (emit: (m: string, f?: LogFields) => void) =>
        (message: string, fields?: LogFields) => {
          const redraw = shown;
          clear();
          emit(message, fields);
          if (redraw) draw();
        };
      return {
        debug: around(logger.debug),
        info: around(logger.info),
        warn: around(logger.warn),
        error: around(logger.error),
      };
    },
  };
}
