import { LockError, StoryfeedError, describeError } from '../lib/errors.js';
import { runOnce } from '../run.js';
import { EXIT, type Command } from './command.js';

/** `storyfeed run`: one pass of the pipeline, for system cron. */
export const runCommand: Command = {
  name: 'run',
  synopsis: 'run       fetch every source once and write the merged feed (for system cron)',
  async handler(ctx) {
    const config = await ctx.loadConfig();
    const logger = ctx.makeLogger(config);
    try {
      const report = await runOnce(config, { logger });
      const failed = report.sources.filter((s) => s.status === 'failed');
      ctx.stdout(
        `wrote ${report.outputPath}: ${report.stories} stories from ${report.sources.length - failed.length}/${report.sources.length} sources` +
          ` (${report.newItems} new items${report.feedChanged ? '' : ', feed unchanged'})\n`,
      );
      for (const f of failed) ctx.stdout(`  failed: ${f.sourceId}: ${f.error?.message ?? 'unknown error'}\n`);
      return EXIT.ok;
    } catch (error) {
      logger.error('run failed', describeError(error));
      if (error instanceof LockError) return EXIT.locked;
      if (!(error instanceof StoryfeedError)) logger.error('unexpected error', { stack: (error as Error).stack });
      return EXIT.failed;
    }
  },
};
