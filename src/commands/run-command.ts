import { LockError, StoryfeedError, describeError } from '../lib/errors.js';
import { runOnce } from '../run.js';
import { EXIT, type Command } from './command.js';
import { summarizeRun } from './run-summary.js';

/** `storyfeed run`: one pass of the pipeline, for system cron. */
export const runCommand: Command = {
  name: 'run',
  synopsis: 'run       fetch every source once and write the merged feed (for system cron)',
  async handler(ctx) {
    const config = await ctx.loadConfig();
    const logger = ctx.makeLogger(config);
    try {
      const report = await runOnce(config, { logger });
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
      if (error instanceof LockError) return EXIT.locked;
      if (!(error instanceof StoryfeedError)) logger.error('unexpected error', { stack: (error as Error).stack });
      return EXIT.failed;
    }
  },
};
