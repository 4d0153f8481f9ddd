// Typed errors. Branch on `instanceof` or `code`, never on message text.

export type Stage =
  | 'config'
  | 'fetch'
  | 'decode'
  | 'parse'
  | 'normalize'
  | 'store'
  | 'cluster'
  | 'render'
  | 'write'
  | 'lock'
  | 'serve'
  | 'read'
  | 'run';

// Every code storyfeed can report, one union per stage: status.json, logs and `--debug` show them, and code that
// branches on them (`error.code === 'fetch/gone'`) is checked by the compiler against this list.
export type ConfigErrorCode = 'config/invalid';
export type FetchErrorCode =
  | 'fetch/bad-redirect'
  | 'fetch/connect-timeout'
  | 'fetch/file-error'
  | 'fetch/file-not-found'
  | 'fetch/gone'
  | 'fetch/headers-timeout'
  | 'fetch/http-status'
  | 'fetch/invalid-url'
  | 'fetch/network'
  | 'fetch/no-feed-found'
  | 'fetch/rate-limited'
  | 'fetch/redirect-loop'
  | 'fetch/timeout'
  | 'fetch/too-large'
  | 'fetch/too-many-redirects'
  | 'fetch/unsupported-protocol';
export type ParseErrorCode =
  | 'parse/empty'
  | 'parse/malformed'
  | 'parse/not-a-feed'
  | 'parse/not-opml'
  | 'parse/too-deep';
export type StoreErrorCode =
  | 'store/busy'
  | 'store/corrupt'
  | 'store/disk-full'
  | 'store/empty'
  | 'store/failed'
  | 'store/io'
  | 'store/read-only'
  | 'store/too-new'
  | 'store/invariant';
export type WriteErrorCode = 'write/failed';
export type LockErrorCode = 'lock/held' | 'lock/io';
export type ClusterErrorCode = 'cluster/bad-input' | 'cluster/read-failed' | 'cluster/invariant';
type RenderErrorCode = 'render/opml';
type ServeErrorCode = 'serve/listen-failed';
/** A document reader (worker thread) that stopped, or was closed with work outstanding. */
export type ReadErrorCode = 'read/worker-stopped' | 'read/closed';
/** A daemon's run in its own process that ended without saying how it went (killed, crashed, not started). */
export type RunErrorCode = 'run/process-ended';
export type ErrorCode =
  | ConfigErrorCode
  | FetchErrorCode
  | ParseErrorCode
  | StoreErrorCode
  | WriteErrorCode
  | LockErrorCode
  | ClusterErrorCode
  | RenderErrorCode
  | ServeErrorCode
  | ReadErrorCode
  | RunErrorCode;

/** Base class of every error storyfeed throws on purpose. Message is prefixed with the stage. */
export class StoryfeedError<Code extends ErrorCode = ErrorCode> extends Error {
  readonly code: Code;
  readonly stage: Stage;

  constructor(stage: Stage, code: Code, message: string, options?: { cause?: unknown }) {
    super(`${stage}: ${message}`, options);
    this.name = 'StoryfeedError';
    this.stage = stage;
    this.code = code;
  }
}

/** A configuration file that cannot be used; `problems` lists every problem, one per key. */
export class ConfigError extends StoryfeedError<ConfigErrorCode> {
  readonly problems: string[];

  constructor(problems: string[], options?: { cause?: unknown }) {
    // One problem reads on one line (a cron mail's subject); several are listed one per line.
    super(
      'config',
      'config/invalid',
      problems.length === 1
        ? `invalid configuration: ${problems[0]}`
        : `invalid configuration:\n  - ${problems.join('\n  - ')}`,
      options,
    );
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

/** A source that could not be fetched (network, HTTP status, timeout, size cap, missing file). */
export class FetchError extends StoryfeedError<FetchErrorCode> {
  readonly status?: number;

  constructor(code: FetchErrorCode, message: string, options?: { cause?: unknown; status?: number }) {
    super('fetch', code, message, options);
    this.name = 'FetchError';
    if (options?.status !== undefined) this.status = options.status;
  }
}

/** Bytes that are not a feed, or a feed nothing usable can be pulled out of. */
export class ParseError extends StoryfeedError<ParseErrorCode> {
  constructor(code: ParseErrorCode, message: string, options?: { cause?: unknown }) {
    super('parse', code, message, options);
    this.name = 'ParseError';
  }
}

/** The state database could not be opened or migrated. */
export class StoreError extends StoryfeedError<StoreErrorCode> {
  constructor(code: StoreErrorCode, message: string, options?: { cause?: unknown }) {
    super('store', code, message, options);
    this.name = 'StoreError';
  }
}

/** Output could not be written. */
export class WriteError extends StoryfeedError<WriteErrorCode> {
  constructor(code: WriteErrorCode, message: string, options?: { cause?: unknown }) {
    super('write', code, message, options);
    this.name = 'WriteError';
  }
}

/** Another storyfeed process holds the run lock. */
export class LockError extends StoryfeedError<LockErrorCode> {
  constructor(code: LockErrorCode, message: string, options?: { cause?: unknown }) {
    super('lock', code, message, options);
    this.name = 'LockError';
  }
}

/** The clusterer was given what it cannot use, or broke one of its own invariants. */
export class ClusterError extends StoryfeedError<ClusterErrorCode> {
  constructor(code: ClusterErrorCode, message: string, options?: { cause?: unknown }) {
    super('cluster', code, message, options);
    this.name = 'ClusterError';
  }
}

/** A document reader (read-pool.ts) failed as a whole, not one document. */
export class ReadError extends StoryfeedError<ReadErrorCode> {
  constructor(code: ReadErrorCode, message: string, options?: { cause?: unknown }) {
    super('read', code, message, options);
    this.name = 'ReadError';
  }
}

/** A daemon's run in its own process (run-process.ts) that ended without saying how it went. */
export class RunProcessError extends StoryfeedError<RunErrorCode> {
  constructor(code: RunErrorCode, message: string, options?: { cause?: unknown }) {
    super('run', code, message, options);
    this.name = 'RunProcessError';
  }
}

/** Returns a plain `{code, message, stage}` for logs and status.json from anything thrown. */
export function describeError(error: unknown): { code: string; message: string; stage: string } {
  if (error instanceof StoryfeedError) return { code: error.code, message: error.message, stage: error.stage };
  if (error instanceof Error) return { code: 'internal', message: error.message, stage: 'internal' };
  return { code: 'internal', message: String(error), stage: 'internal' };
}
