import { LockError, StoryfeedError, describeError } from '../../lib/errors.js';
import { runOnce } from '../../pipeline/run-once.js';
import { EXIT, type Command } from './command.js';
import { recordOfFailure, recordOfReport, writeRunRecord } from './record-run.js';
import { summarizeRun } from './run-summary.js';

/** `storyfeed run`: one pass of the pipeline, for system cron. */
export const runCommand: Command = {
  name: 'run',
  synopsis: 'run       fetch every source once and write the merged feed (for system cron)',
  help: `Usage: storyfeed run [--config PATH] [--log-level L]

Fetches every source that is due once, stores the new articles, groups them into stories and writes
output/feed.atom, feed.json, index.html and status.json. Prints one summary line, then one line per
failing source (failed this run, or skipped because of earlier errors: back-off, 410 Gone).

Exit codes: 0 feed written; 1 run failed (previous output left in place); 2 bad usage or configuration;
3 feed written but every source failed; 75 another run holds the lock.
`,
  async handler(ctx) {
    const config = await ctx.loadConfig();
    const logger = ctx.makeLogger(config);
    try {
      const report = await runOnce(config, { logger });
      await writeRunRecord(config.output.lastRunPath, recordOfReport(report), logger);
      const summary = summarizeRun(report);
      ctx.stdout(`${summary.line}\n`);
      for (const problem of summary.problems) ctx.stdout(`  ${problem}\n`);
      if (summary.everySourceFailed) {
        ctx.stderr(`storyfeed: every source failed; the feed holds stored stories only (exit ${EXIT.sourcesFailed})\n`);
        return EXIT.sourcesFailed;
      }
      return EXIT.ok;
    } catch (error) {
      logger.error('run failed', describeError(error));
      if (error instanceof LockError) return EXIT.locked; // another run is in progress: its result is the one to record
      await writeRunRecord(config.output.lastRunPath, recordOfFailure(error, new Date()), logger);
      if (!(error instanceof StoryfeedError)) logger.error('unexpected error', { stack: (error as Error).stack });
      return EXIT.failed;
    }
  },
};
