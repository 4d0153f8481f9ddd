import type { ParseArgsConfig } from 'node:util';
import type { ResolvedConfig } from '../config/resolve-config.js';
import { StoryfeedError, describeError } from '../lib/errors.js';
import { serveOutput, type ServeOptions } from '../serve/serve-output.js';
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
  return { dir: config.output.dir, host, port };
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
ETags, 304s and gzip/br.

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
      ctx.stdout(`serving ${options.dir} at ${server.url} (feed: ${server.url}feed.atom)\n`);
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
