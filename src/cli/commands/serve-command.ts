import type { ParseArgsConfig } from 'node:util';
import type { ResolvedConfig } from '../../config/resolve-config.js';
import { StoryfeedError, describeError } from '../../lib/errors.js';
import { createTask } from 'node-cron';
import { serveOutput, type OutputServer, type ServeOptions } from '../../serve/serve-output.js';
import { selfUrlMismatch } from '../../serve/usable-urls.js';
import { EXIT, type Command, type CommandContext } from './command.js';

/** The --host/--port options shared by `serve` and `daemon --serve`. */
export const SERVE_OPTIONS = {
  host: { type: 'string' },
  port: { type: 'string' },
} satisfies ParseArgsConfig['options'];

/** Returns where to serve: --host/--port over the config's `serve` section; a string naming the problem when invalid. */
export function resolveServeOptions(values: CommandContext['values'], config: ResolvedConfig): ServeOptions | string {
  const host = values.host === undefined ? config.serve.host : String(values.host).trim();
  if (!host) return '--host must not be empty';
  let port = config.serve.port;
  if (values.port !== undefined) {
    const raw = String(values.port);
    if (!/^\d{1,5}$/.test(raw) || Number(raw) > 65_535) return `--port must be a number from 0 to 65535, got "${raw}"`;
    port = Number(raw);
  }
  return { dir: config.output.dir, host, port, health: { lastRunPath: config.output.lastRunPath, periodMs: schedulePeriodMs(config.schedule) } };
}

/** Returns the longest gap between the schedule's next runs (node-cron), the period /healthz counts staleness in. */
export function schedulePeriodMs(schedule: { cron: string; timezone: string }): number {
  const task = createTask(schedule.cron, () => {}, { timezone: schedule.timezone });
  try {
    const runs = task.getNextRuns(12).map((d) => d.getTime());
    let longest = 0;
    for (let i = 1; i < runs.length; i++) longest = Math.max(longest, runs[i]! - runs[i - 1]!);
    return longest > 0 ? longest : 30 * 60_000;
  } finally {
    void task.destroy();
  }
}

/** Returns what `serve` and `daemon --serve` print once listening: the URLs to use, and a warning line when output.selfUrl points elsewhere. */
export function describeServing(server: OutputServer, dir: string, selfUrl: string, host: string): { lines: string[]; warning: string | null } {
  const [first, ...more] = server.urls;
  const lines = [`serving ${dir} at ${first} (feed: ${first}feed.atom, health: ${first}healthz)`, ...more.map((u) => `  also at ${u} (feed: ${u}feed.atom)`)];
  return { lines, warning: selfUrlMismatch(selfUrl, host, server.urls) };
}

/** Resolves on the first SIGINT/SIGTERM, with the signal's name. */
export function waitForStopSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const onSignal = (signal: NodeJS.Signals) => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      resolve(signal);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}

/** `storyfeed serve`: serve output/ (feeds, page, status) over HTTP until SIGINT/SIGTERM. */
export const serveCommand: Command = {
  name: 'serve',
  synopsis: 'serve     serve the feeds and the page in output/ over HTTP [--host H] [--port N]',
  help: `Usage: storyfeed serve [--host H] [--port N] [--config PATH]

Serves output/ over HTTP until SIGINT/SIGTERM: feed.atom, feed.json, index.html, status.json, with
ETags, 304s and gzip/br. Prints the URLs readers can use (each interface's address for 0.0.0.0) and
warns when output.selfUrl, the feed's rel="self" and the page's subscribe link, points elsewhere.
GET /healthz answers 200 with the last run's time and result as JSON; 503 when no run is recorded,
the last run failed or every source failed in it, or it is older than three schedule.cron periods.

Options:
  --host H     address to listen on (default: serve.host, 127.0.0.1; 0.0.0.0 for every interface)
  --port N     port to listen on (default: serve.port, 8080; 0 picks a free one)

Exit codes: 0 stopped by a signal; 1 could not listen (port in use…); 2 bad usage or configuration.
`,
  options: SERVE_OPTIONS,
  async handler(ctx) {
    const config = await ctx.loadConfig();
    const options = resolveServeOptions(ctx.values, config);
    if (typeof options === 'string') {
      ctx.stderr(`storyfeed: ${options}\n`);
      return EXIT.usage;
    }
    const logger = ctx.makeLogger(config);
    try {
      const server = await serveOutput(options, { logger });
      const stopped = waitForStopSignal();
      const serving = describeServing(server, options.dir, config.output.selfUrl, options.host);
      for (const line of serving.lines) ctx.stdout(`${line}\n`);
      if (serving.warning) ctx.stderr(`storyfeed: warning: ${serving.warning}\n`);
      const signal = await stopped;
      logger.info('signal received, stopping', { signal });
      await server.close();
      logger.info('server stopped');
      return EXIT.ok;
    } catch (error) {
      logger.error('serve failed', describeError(error));
      if (!(error instanceof StoryfeedError)) throw error;
      return EXIT.failed;
    }
  },
};
