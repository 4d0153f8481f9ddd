// One run of `storyfeed daemon`: the pipeline once with the daemon's config and log level, and the run record. The
// daemon has it done in a process of its own (run-process.ts), or here when there is none to start.
import type { ResolvedConfig } from '../../config/resolve-config.js';
import { LockError, describeError } from '../../lib/errors.js';
import { createLogger, type LogLevel } from '../../lib/logger.js';
import { runOnce } from '../../pipeline/run-once.js';
import { recordOfFailure, recordOfReport, writeRunRecord } from './record-run.js';

/** What the daemon sends the run's process. */
export interface RunJob {
  config: ResolvedConfig;
  level: LogLevel;
}

/** What the run's process answers: done, or the error it failed with (as describeError gives it). */
export type RunOutcome = { ok: true } | { ok: false; error: { code: string; message: string; stage: string } };

/** Runs the pipeline once with the daemon's config and logging, and records the run, as the daemon itself did. */
export async function runJob({ config, level }: RunJob): Promise<RunOutcome> {
  const logger = createLogger({ level });
  try {
    const report = await runOnce(config, { logger, progress: false });
    await writeRunRecord(config.output.lastRunPath, recordOfReport(report), logger);
    return { ok: true };
  } catch (error) {
    // Another run holds the lock: its result is the one to record.
    if (!(error instanceof LockError))
      await writeRunRecord(config.output.lastRunPath, recordOfFailure(error, new Date()), logger);
    return { ok: false, error: describeError(error) };
  }
}
