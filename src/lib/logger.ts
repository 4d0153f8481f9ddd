import { pino } from 'pino';

export type LogFields = Record<string, unknown>;
export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';

/** The logger every stage receives: constant messages, details in fields. */
export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

/** Returns a logger writing to stderr: JSON lines (pino) when stderr is not a TTY, readable text when it is. */
export function createLogger(options: { level?: LogLevel; pretty?: boolean } = {}): Logger {
  const level = options.level ?? 'info';
  const pretty = options.pretty ?? Boolean(process.stderr.isTTY);
  if (pretty) return createTextLogger(level, (line) => process.stderr.write(line));
  const log = pino({ level, base: { name: 'storyfeed' } }, pino.destination({ fd: 2, sync: true }));
  return {
    debug: (m, f) => log.debug(f ?? {}, m),
    info: (m, f) => log.info(f ?? {}, m),
    warn: (m, f) => log.warn(f ?? {}, m),
    error: (m, f) => log.error(f ?? {}, m),
  };
}

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 99 };

/** Returns a logger that formats `HH:MM:SS LEVEL message key=value …` lines for people. */
export function createTextLogger(level: LogLevel, write: (line: string) => void): Logger {
  const emit = (lvl: Exclude<LogLevel, 'silent'>, message: string, fields?: LogFields) => {
    if (ORDER[lvl] < ORDER[level]) return;
    const time = new Date().toISOString().slice(11, 19);
    const details = Object.entries(fields ?? {})
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => `${k}=${formatValue(v)}`)
      .join(' ');
    write(`${time} ${lvl.toUpperCase().padEnd(5)} ${message}${details ? ` ${details}` : ''}\n`);
  };
  return {
    debug: (m, f) => emit('debug', m, f),
    info: (m, f) => emit('info', m, f),
    warn: (m, f) => emit('warn', m, f),
    error: (m, f) => emit('error', m, f),
  };
}

function formatValue(value: unknown): string {
  if (value instanceof Error) return JSON.stringify(value.message);
  if (typeof value === 'string') return /[\s"=]/.test(value) ? JSON.stringify(value) : value;
  return JSON.stringify(value) ?? String(value);
}

/** A logger that keeps every record in memory, for tests. */
export function createMemoryLogger(): Logger & { records: { level: string; message: string; fields: LogFields }[] } {
  const records: { level: string; message: string; fields: LogFields }[] = [];
  const push = (level: string) => (message: string, fields?: LogFields) => {
    records.push({ level, message, fields: fields ?? {} });
  };
  return { records, debug: push('debug'), info: push('info'), warn: push('warn'), error: push('error') };
}

/** A logger that drops everything. */
export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };
