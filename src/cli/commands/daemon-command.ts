import { startDaemon } from '../daemon.js';
import { StoryfeedError, describeError } from '../../lib/errors.js';
import { errorFrom } from '../../pipeline/read-document.js';
import { runForked } from './fork-run.js';
import { runJob, type RunJob } from './run-job.js';
import { serveOutput, type OutputServer } from '../../serve/serve-output.js';
import { EXIT, type Command } from './command.js';
import { SERVE_OPTIONS, describeServing, resolveServeOptions } from './serve-command.js';

/**
 * `storyfeed daemon`: run now, then on the configured cron schedule until SIGINT/SIGTERM; with --serve, also serve
 * output/.
 */
export const daemonCommand: Command = {
  name: 'daemon',
  synopsis:
    'daemon    run now, then on the cron schedule in the config, until SIGINT/SIGTERM [--serve [--host H] [--port N]]',
  help: `Usage: storyfeed daemon [--serve [--host H] [--port N]] [--config PATH] [--log-level L]

Runs once now, then on schedule.cron (in schedule.timezone) until SIGINT/SIGTERM; a run in progress
finishes before it stops. Runs never overlap. With --serve it also serves output/ over HTTP, as
"storyfeed serve" does (GET /healthz included).

Options:
  --serve      also serve output/ over HTTP
  --host H     address to listen on (default: serve.host, 127.0.0.1)
  --port N     port to listen on (default: serve.port, 8080; 0 picks a free one)

Exit codes: 0 stopped by a signal; 1 could not listen; 2 bad usage or configuration.
`,
  options: { serve: { type: 'boolean' }, ...SERVE_OPTIONS },
  async handler(ctx) {
    const config = await ctx.loadConfig();
    const wantsServe = ctx.values.serve === true;
    if (!wantsServe && (ctx.values.host !== undefined || ctx.values.port !== undefined)) {
      ctx.stderr('storyfeed: --host and --port need --serve\n');
      return EXIT.usage;
    }
    const serveOptions = wantsServe ? resolveServeOptions(ctx.values, config) : undefined;
    if (typeof serveOptions === 'string') {
      ctx.stderr(`storyfeed: ${serveOptions}\n`);
      return EXIT.usage;
    }
    const logger = ctx.makeLogger(config);
    let server: OutputServer | undefined;
    if (serveOptions) {
      // Listen before scheduling: a port in use fails the start instead of leaving a daemon nobody can read.
      try {
        server = await serveOutput(serveOptions, { logger });
        const serving = describeServing(server, serveOptions.dir, config.output.selfUrl, serveOptions.host);
        for (const line of serving.lines) ctx.stdout(`${line}\n`);
        if (serving.warning) ctx.stderr(`storyfeed: warning: ${serving.warning}\n`);
      } catch (error) {
        logger.error('serve failed', describeError(error));
        if (!(error instanceof StoryfeedError)) throw error;
        return EXIT.failed;
      }
    }
    // Daemon mode logs lines only: no progress line, even when started on a terminal.
    // Each run in a process of its own (fork-run.ts): the memory it takes goes back to the system when it ends.
    const job: RunJob = { config, level: ctx.logLevel(config) };
    const daemon = startDaemon(
      config,
      async () => {
        const forked = runForked(job);
        if (forked) return forked;
        const outcome = await runJob(job);
        if (!outcome.ok) throw errorFrom(outcome.error);
      },
      logger,
    );
    await daemon.done;
    await server?.close();
    return EXIT.ok;
  },
};
