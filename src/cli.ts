import { parseArgs } from 'node:util';
import { loadConfig } from './config/load-config.js';
import type { ResolvedConfig } from './config/resolve-config.js';
import { startDaemon } from './daemon.js';
import { ConfigError, LockError, StoryfeedError, describeError } from './lib/errors.js';
import { createLogger, type LogLevel, type Logger } from './lib/logger.js';
import { runOnce } from './run.js';
import { VERSION } from './version.js';

/** Exit codes (documented in the README). */
export const EXIT = { ok: 0, failed: 1, usage: 2, locked: 75 } as const;

const HELP = `storyfeed ${VERSION} — many outlets' feeds in, one Atom feed of stories out

Usage:
  storyfeed run     [--config PATH]   fetch every source once and write the merged feed (for system cron)
  storyfeed daemon  [--config PATH]   run now, then on the cron schedule in the config, until SIGINT/SIGTERM

Options:
  -c, --config PATH   configuration file (default: ./config.json)
      --log-level L   debug | info | warn | error | silent (overrides the config)
  -h, --help          show this help
  -v, --version       show the version

Exit codes: 0 feed written, 1 run failed (previous feed left in place), 2 bad usage or configuration,
75 another run holds the lock (try again later).
`;

/** Runs the command line and returns the process exit code; the only reader of argv and env. */
export async function main(argv: string[], io: { stdout?: (s: string) => void; stderr?: (s: string) => void } = {}): Promise<number> {
  const out = io.stdout ?? ((s: string) => void process.stdout.write(s));
  const err = io.stderr ?? ((s: string) => void process.stderr.write(s));
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        config: { type: 'string', short: 'c' },
        'log-level': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'v' },
      },
    });
  } catch (error) {
    err(`storyfeed: ${(error as Error).message}\n\n${HELP}`);
    return EXIT.usage;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    out(HELP);
    return EXIT.ok;
  }
  if (values.version) {
    out(`${VERSION}\n`);
    return EXIT.ok;
  }
  const command = positionals[0];
  if (command !== 'run' && command !== 'daemon') {
    err(command ? `storyfeed: unknown command "${command}"\n\n${HELP}` : HELP);
    return EXIT.usage;
  }
  const levelOverride = values['log-level'];
  if (levelOverride !== undefined && !['debug', 'info', 'warn', 'error', 'silent'].includes(levelOverride)) {
    err(`storyfeed: --log-level must be one of debug, info, warn, error, silent\n`);
    return EXIT.usage;
  }

  let config: ResolvedConfig;
  try {
    config = await loadConfig(values.config ?? process.env.STORYFEED_CONFIG ?? 'config.json');
  } catch (error) {
    if (error instanceof ConfigError) {
      err(`storyfeed: ${error.message}\n`);
      return EXIT.usage;
    }
    throw error;
  }
  const logger = createLogger({ level: (levelOverride as LogLevel | undefined) ?? config.log.level });

  if (command === 'run') return runCommand(config, logger, out);
  const daemon = startDaemon(config, () => runOnce(config, { logger }), logger);
  await daemon.done;
  return EXIT.ok;
}

async function runCommand(config: ResolvedConfig, logger: Logger, out: (s: string) => void): Promise<number> {
  try {
    const report = await runOnce(config, { logger });
    const failed = report.sources.filter((s) => s.status === 'failed');
    out(
      `wrote ${report.outputPath}: ${report.stories} stories from ${report.sources.length - failed.length}/${report.sources.length} sources` +
        ` (${report.newItems} new items${report.feedChanged ? '' : ', feed unchanged'})\n`,
    );
    for (const f of failed) out(`  failed: ${f.sourceId}: ${f.error?.message ?? 'unknown error'}\n`);
    return EXIT.ok;
  } catch (error) {
    const d = describeError(error);
    logger.error('run failed', d);
    if (error instanceof LockError) return EXIT.locked;
    if (!(error instanceof StoryfeedError)) logger.error('unexpected error', { stack: (error as Error).stack });
    return EXIT.failed;
  }
}
