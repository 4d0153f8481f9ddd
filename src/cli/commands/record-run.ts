import { describeError } from '../../lib/errors.js';
import type { Logger } from '../../lib/logger.js';
import type { RunReport } from '../../model.js';
import type { RunRecord } from '../../serve/assess-health.js';
import { writeFileAtomic } from '../../write/write-file-atomic.js';
import { isHealthy, summarizeRun } from './run-summary.js';

/** Returns the record of a run that wrote the feed. */
export function recordOfReport(report: RunReport): RunRecord {
  const summary = summarizeRun(report);
  return {
    finishedAt: report.finishedAt,
    result: summary.everySourceFailed ? 'sources-failed' : 'ok',
    durationMs: report.durationMs,
    stories: report.stories,
    sources: {
      total: report.sources.length,
      healthy: report.sources.filter(isHealthy).length,
      failed: report.sources.filter((s) => s.status === 'failed').length,
      skipped: report.sources.filter((s) => s.status === 'skipped').length,
    },
  };
}

/** Returns the record of a run that failed. */
export function recordOfFailure(error: unknown, finishedAt: Date): RunRecord {
  return { finishedAt: finishedAt.toISOString(), result: 'failed', error: describeError(error).message };
}

/** Writes the record for GET /healthz; a failure to write it is logged, never fatal (the run's result stands). */
export async function writeRunRecord(path: string, record: RunRecord, logger: Logger): Promise<void> {
  try {
    await writeFileAtomic(path, JSON.stringify(record, null, 2) + '\n');
  } catch (error) {
    logger.warn('cannot record the run for /healthz', { path, ...describeError(error) });
  }
}
