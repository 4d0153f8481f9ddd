import type { RunReport, SourceOutcome } from '../../model.js';

/** What `storyfeed run` tells the operator about one run, and whether every source failed. */
export interface RunSummary {
  /** The first line: what was written, from how many healthy sources. */
  line: string;
  /** One line per failing source: failed this run, or skipped because of earlier errors (back-off, 410 Gone…). */
  problems: string[];
  /** No source is healthy: the feed was written from stored items only (exit code EXIT.sourcesFailed). */
  everySourceFailed: boolean;
}

/** True when a source is not failing: it answered this run, or was not due for a reason that is not an error. */
export function isHealthy(outcome: SourceOutcome): boolean {
  if (outcome.status === 'ok' || outcome.status === 'not-modified') return true;
  return outcome.status === 'skipped' && outcome.error === null && outcome.skipReason !== 'gone' && outcome.skipReason !== 'run-budget';
}

/** Returns the summary `storyfeed run` prints: a source in back-off counts as failing, with its last error. */
export function summarizeRun(report: RunReport): RunSummary {
  const total = report.sources.length;
  const healthy = report.sources.filter(isHealthy).length;
  const failed = report.sources.filter((s) => s.status === 'failed');
  const skipped = report.sources.filter((s) => s.status === 'skipped');
  const failingSkipped = skipped.filter((s) => !isHealthy(s));
  const counts = [`${report.newItems} new items`];
  if (failed.length > 0) counts.push(`${failed.length} failed`);
  if (skipped.length > 0) counts.push(`${skipped.length} skipped`);
  if (!report.feedChanged) counts.push('feed unchanged');
  const line = `wrote ${report.outputPath}: ${report.stories} stories from ${healthy}/${total} sources (${counts.join(', ')})`;
  const problems = [
    ...failed.map((s) => `failed: ${s.sourceId}: ${s.error?.message ?? 'unknown error'}`),
    ...failingSkipped.map((s) => `skipped (${describeSkip(s)}): ${s.sourceId}: ${s.error?.message ?? 'no error recorded'}`),
  ];
  return { line, problems, everySourceFailed: total > 0 && healthy === 0 };
}

function describeSkip(s: SourceOutcome): string {
  switch (s.skipReason) {
    case 'back-off':
      return `in back-off${s.nextPollAt ? ` until ${s.nextPollAt}` : ''}`;
    case 'retry-after':
      return `Retry-After${s.nextPollAt ? ` until ${s.nextPollAt}` : ''}`;
    case 'gone':
      return '410 Gone, disabled';
    case 'run-budget':
      return 'run budget spent';
    default:
      return s.skipReason ?? 'skipped';
  }
}
