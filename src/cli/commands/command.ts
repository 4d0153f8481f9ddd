import type { ParseArgsConfig } from 'node:util';
import type { ResolvedConfig } from '../../config/resolve-config.js';
import type { LogLevel, Logger } from '../../lib/logger.js';

/** What a command handler receives from the CLI edge. */
export interface CommandContext {
  /** Values of the command's own options and the global ones (config, log-level). */
  values: Record<string, string | boolean | string[] | boolean[] | undefined>;
  /** Positional arguments after the command name. */
  args: string[];
  /** Loads the config named by --config / $STORYFEED_CONFIG / ./config.json (throws ConfigError). */
  loadConfig: () => Promise<ResolvedConfig>;
  /** The path --config / $STORYFEED_CONFIG / ./config.json names. */
  configPath: string;
  /** The level of makeLogger's logger: --log-level over the config's level. */
  logLevel: (config?: ResolvedConfig) => LogLevel;
  /** Makes the logger, honouring --log-level over the config's level. */
  makeLogger: (config?: ResolvedConfig) => Logger;
  stdout: (s: string) => void;
  stderr: (s: string) => void;
}

/** One `storyfeed <name>` subcommand. */
export interface Command {
  name: string;
  /** One line for the help listing: `name args — what it does`. */
  synopsis: string;
  /** What `storyfeed <name> --help` prints: usage, what it does, its options, its input and its exit codes. */
  help: string;
  /** Options beyond the global ones. */
  options?: ParseArgsConfig['options'];
  /** Returns the exit code. */
  handler: (ctx: CommandContext) => Promise<number>;
}

/**
 * Exit codes (documented in the README): 0 done (run: feed written); 1 failed, previous output left in place;
 * 2 bad usage or configuration; 3 run: feed written but every source failed (cron should mail); 75 locked.
 */
export const EXIT = { ok: 0, failed: 1, usage: 2, sourcesFailed: 3, locked: 75 } as const;
