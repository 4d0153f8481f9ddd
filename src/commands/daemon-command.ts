import { startDaemon } from '../daemon.js';
import { runOnce } from '../run.js';
import { EXIT, type Command } from './command.js';

/** `storyfeed daemon`: run now, then on the configured cron schedule until SIGINT/SIGTERM. */
export const daemonCommand: Command = {
  name: 'daemon',
  synopsis: 'daemon    run now, then on the cron schedule in the config, until SIGINT/SIGTERM',
  async handler(ctx) {
    const config = await ctx.loadConfig();
    const logger = ctx.makeLogger(config);
    const daemon = startDaemon(config, () => runOnce(config, { logger }), logger);
    await daemon.done;
    return EXIT.ok;
  },
};
