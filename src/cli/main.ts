import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { Command } from './commands/command.js';
import { EXIT } from './commands/command.js';
import { clusterCommand } from './commands/cluster-command.js';
import { daemonCommand } from './commands/daemon-command.js';
import { explainCommand } from './commands/explain-command.js';
import { parseCommand } from './commands/parse-command.js';
import { runCommand } from './commands/run-command.js';
import { sourcesCommand } from './commands/sources-command.js';
import { serveCommand } from './commands/serve-command.js';
import { loadConfig } from '../config/load-config.js';
import type { ResolvedConfig } from '../config/resolve-config.js';
import { ConfigError, StoryfeedError, describeError } from '../lib/errors.js';
import { createLogger, type LogLevel } from '../lib/logger.js';
import { VERSION } from '../lib/version.js';

export { EXIT } from './commands/command.js';

/** Every subcommand, in the order the help lists them. */
export const COMMANDS: readonly Command[] = [
  runCommand,
  daemonCommand,
  explainCommand,
  serveCommand,
  parseCommand,
  sourcesCommand,
  clusterCommand,
];

const GLOBAL_OPTIONS = {
  config: { type: 'string', short: 'c' },
  'log-level': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
  debug: { type: 'boolean' },
} satisfies ParseArgsConfig['options'];

const LEVELS = ['debug', 'info', 'warn', 'error', 'silent'];

function help(): string {
  return `storyfeed ${VERSION} — many outlets' feeds in, one Atom feed of stories out

Usage: storyfeed <command> [options]     (storyfeed <command> --help for one command)

Commands:
${COMMANDS.map((c) => `  ${c.synopsis}`).join('\n')}

Options:
  -c, --config PATH   configuration file, JSON with comments (default: $STORYFEED_CONFIG or ./config.json);
                      STORYFEED_<SECTION>_<KEY> variables override it (STORYFEED_FETCH_TIMEOUT_MS=5000)
      --log-level L   debug | info | warn | error | silent (overrides the config)
      --debug         print the stack trace of an unexpected error
  -h, --help          show this help
  -v, --version       show the version

Exit codes: 0 done (for run: feed written), 1 failed (previous output left in place),
2 bad usage or configuration, 3 feed written but every source failed,
75 another run holds the lock (try again later).
`;
}

/** Runs the command line and returns the process exit code; the only reader of argv and env. */
export async function main(
  argv: string[],
  io: { stdout?: (s: string) => void; stderr?: (s: string) => void } = {},
): Promise<number> {
  const stdout = io.stdout ?? processWriter(process.stdout);
  const stderr = io.stderr ?? processWriter(process.stderr);
  try {
    return await dispatch(argv, stdout, stderr);
  } catch (error) {
    // The last line of defence: one line naming the problem, the stack only when asked for.
    const debug = argv.includes('--debug');
    const { message } = describeError(error);
    const typed = error instanceof StoryfeedError; // a typed error names the thing; only a surprise needs the hint
    stderr(
      `storyfeed: ${typed ? message : `unexpected error: ${message}`}${debug || typed ? '' : ' (--debug shows the stack trace)'}\n`,
    );
    if (debug && error instanceof Error && error.stack) stderr(`${error.stack}\n`);
    return EXIT.failed;
  }
}

/**
 * Returns a writer to a process stream that stops writing once the reader has gone (`storyfeed … | head`):
 * EPIPE is the reader saying it has seen enough, so the command finishes its work and keeps its exit code.
 */
function processWriter(stream: NodeJS.WriteStream): (s: string) => void {
  let closed = false;
  // Without a listener Node throws the 'error' event (EPIPE) as an uncaught exception with a stack trace.
  stream.on('error', () => {
    closed = true; // any write error means the stream is unusable; nothing else can be told about it
  });
  return (s) => {
    if (!closed && !stream.destroyed) stream.write(s);
  };
}

async function dispatch(argv: string[], stdout: (s: string) => void, stderr: (s: string) => void): Promise<number> {
  const name = argv.find((a) => !a.startsWith('-'));
  const command = COMMANDS.find((c) => c.name === name);

  let parsed: ReturnType<typeof parseArgs<{ args: string[]; allowPositionals: true; options: typeof GLOBAL_OPTIONS }>>;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { ...GLOBAL_OPTIONS, ...(command?.options ?? {}) },
    });
  } catch (error) {
    stderr(`storyfeed: ${(error as Error).message}\n\n${help()}`);
    return EXIT.usage;
  }
  const { values, positionals } = parsed;
  if (values.version) {
    stdout(`${VERSION}\n`);
    return EXIT.ok;
  }
  if (values.help && command) {
    stdout(command.help);
    return EXIT.ok;
  }
  if (values.help || !name) {
    (values.help ? stdout : stderr)(help());
    return values.help ? EXIT.ok : EXIT.usage;
  }
  if (!command) {
    stderr(`storyfeed: unknown command "${name}"\n\n${help()}`);
    return EXIT.usage;
  }
  const level = values['log-level'];
  if (level !== undefined && (typeof level !== 'string' || !LEVELS.includes(level))) {
    stderr(`storyfeed: --log-level must be one of ${LEVELS.join(', ')}\n`);
    return EXIT.usage;
  }

  const configPath =
    typeof values.config === 'string' ? values.config : (process.env.STORYFEED_CONFIG ?? 'config.json');
  try {
    return await command.handler({
      values,
      args: positionals.slice(1),
      configPath,
      loadConfig: () => loadConfig(configPath, process.env),
      logLevel: (config?: ResolvedConfig) => logLevel(level, config),
      makeLogger: (config?: ResolvedConfig) => createLogger({ level: logLevel(level, config) }),
      stdout,
      stderr,
    });
  } catch (error) {
    if (error instanceof ConfigError) {
      stderr(`storyfeed: ${error.message}\n`);
      return EXIT.usage;
    }
    throw error;
  }
}

/** The log level: --log-level, else the config's, else info. */
function logLevel(flag: unknown, config?: ResolvedConfig): LogLevel {
  return (flag as LogLevel | undefined) ?? config?.log.level ?? 'info';
}
