// Typed errors. Branch on `instanceof` or `code`, never on message text.

export type Stage = 'config' | 'fetch' | 'decode' | 'parse' | 'normalize' | 'store' | 'cluster' | 'render' | 'write' | 'lock' | 'serve';

/** Base class of every error storyfeed throws on purpose. Message is prefixed with the stage. */
export class StoryfeedError extends Error {
  readonly code: string;
  readonly stage: Stage;

  constructor(stage: Stage, code: string, message: string, options?: { cause?: unknown }) {
    super(`${stage}: ${message}`, options);
    this.name = 'StoryfeedError';
    this.stage = stage;
    this.code = code;
  }
}

/** A configuration file that cannot be used; `problems` lists every problem, one per key. */
export class ConfigError extends StoryfeedError {
  readonly problems: string[];

  constructor(problems: string[], options?: { cause?: unknown }) {
    // One problem reads on one line (a cron mail's subject); several are listed one per line.
    super('config', 'config/invalid', problems.length === 1 ? `invalid configuration: ${problems[0]}` : `invalid configuration:\n  - ${problems.join('\n  - ')}`, options);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

/** A source that could not be fetched (network, HTTP status, timeout, size cap, missing file). */
export class FetchError extends StoryfeedError {
  readonly status?: number;

  constructor(code: string, message: string, options?: { cause?: unknown; status?: number }) {
    super('fetch', code, message, options);
    this.name = 'FetchError';
    if (options?.status !== undefined) this.status = options.status;
  }
}

/** Bytes that are not a feed, or a feed nothing usable can be pulled out of. */
export class ParseError extends StoryfeedError {
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super('parse', code, message, options);
    this.name = 'ParseError';
  }
}

/** The state database could not be opened or migrated. */
export class StoreError extends StoryfeedError {
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super('store', code, message, options);
    this.name = 'StoreError';
  }
}

/** Output could not be written. */
export class WriteError extends StoryfeedError {
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super('write', code, message, options);
    this.name = 'WriteError';
  }
}

/** Another storyfeed process holds the run lock. */
export class LockError extends StoryfeedError {
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super('lock', code, message, options);
    this.name = 'LockError';
  }
}

/** Returns a plain `{code, message, stage}` for logs and status.json from anything thrown. */
export function describeError(error: unknown): { code: string; message: string; stage: string } {
  if (error instanceof StoryfeedError) return { code: error.code, message: error.message, stage: error.stage };
  if (error instanceof Error) return { code: 'internal', message: error.message, stage: 'internal' };
  return { code: 'internal', message: String(error), stage: 'internal' };
}
