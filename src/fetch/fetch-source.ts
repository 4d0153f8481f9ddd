// The fetch stage's one door to the world: a source URL → bytes plus what the transport said.
// Files are read from disk; http(s) goes through node:http / node:https (http-exchange.ts), or an injected `fetch`
// (tests).
// Every failure is a FetchError with a stable `code`:
//
//   fetch/invalid-url           not an absolute path and not a parseable URL
//   fetch/unsupported-protocol  a URL whose scheme is not http, https or file
//   fetch/file-not-found        ENOENT / ENOTDIR
//   fetch/file-error            any other file-system error (EACCES, EISDIR, …)
//   fetch/too-large             body (file or HTTP, after content decoding) exceeds maxBytes
//   fetch/timeout               headers + body not received within timeoutMs (the total budget)
//   fetch/headers-timeout       no response headers (connection included) within headersTimeoutMs
//   fetch/connect-timeout       no connection within 10 s (http-exchange.ts; an injected fetch's own timeout)
//   fetch/http-status           non-2xx, non-304 final response; `status` is set (HttpStatusError)
//   fetch/gone                  HTTP 410 (HttpStatusError)
//   fetch/rate-limited          HTTP 429 (HttpStatusError, with `retryAfter`)
//   fetch/bad-redirect          a 3xx without a usable http(s) Location
//   fetch/redirect-loop         a redirect back to a URL already visited in this exchange
//   fetch/too-many-redirects    more than maxRedirects hops
//   fetch/network               DNS, connection, TLS, reset errors; `cause` is set
//
// A 304 Not Modified is returned as a document with status 304 and an empty body (RFC 9111 §4.3.4).

import { open, type FileHandle } from 'node:fs/promises';
import { STATUS_CODES } from 'node:http';
import { isAbsolute } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FetchError, type FetchErrorCode } from '../lib/errors.js';
import { fetchExchange, type HttpAnswer, type HttpExchange, nodeExchange } from './http-exchange.js';
import type { FetchedDocument, Source } from '../model.js';
import { parseContentTypeCharset } from '../lib/parse-content-type-charset.js';
import type { ResolvedConfig } from '../config/resolve-config.js';
import { DEFAULTS } from '../config/schema.js';

/**
 * Limits and identity for one fetch: keys of the `fetch` slice of the resolved config (documented in the schema).
 * headersTimeoutMs unset or ≥ timeoutMs: only the total deadline applies; maxRedirects unset: the schema's default.
 */
export type FetchOptions = Pick<ResolvedConfig['fetch'], 'timeoutMs' | 'maxBytes' | 'userAgent'> &
  Partial<Pick<ResolvedConfig['fetch'], 'headersTimeoutMs' | 'maxRedirects'>>;

/** Validators from the last 200, sent as If-None-Match / If-Modified-Since. */
export interface FetchConditions {
  etag?: string | null;
  lastModified?: string | null;
}

/** One redirect hop as followed. */
export interface RedirectHop {
  status: number;
  from: string;
  to: string;
}

/** The codes of a final non-2xx, non-304 answer. */
type HttpStatusCode = Extract<FetchErrorCode, 'fetch/gone' | 'fetch/rate-limited' | 'fetch/http-status'>;

/**
 * The one place an HTTP status becomes an error code: 410 Gone and 429 Too Many Requests change what the poll policy
 * does next.
 */
export function codeForStatus(status: number): HttpStatusCode {
  return status === 410 ? 'fetch/gone' : status === 429 ? 'fetch/rate-limited' : 'fetch/http-status';
}

/** A non-2xx HTTP answer: the status, the URL that gave it, and Retry-After as sent (RFC 9110 §10.2.3). */
export class HttpStatusError extends FetchError {
  readonly url: string;
  readonly retryAfter?: string;

  constructor(code: HttpStatusCode, message: string, options: { status: number; url: string; retryAfter?: string }) {
    super(code, message, { status: options.status });
    this.name = 'HttpStatusError';
    this.url = options.url;
    if (options.retryAfter !== undefined) this.retryAfter = options.retryAfter;
  }
}

/** Injectable world, for tests. */
export interface FetchSourceDeps {
  fetch?: typeof fetch;
  /** Monotonic milliseconds, used for `durationMs`. */
  now?: () => number;
}

// Feed types first; generic XML/JSON are fine; anything else only as a last resort (servers that
// send RSS as text/html still get answered).
const ACCEPT =
  'application/atom+xml, application/rss+xml, application/feed+json, application/json;q=0.9, application/xml;q=0.9, text/xml;q=0.8, */*;q=0.5';

// Files are read in pieces of at most this size once the stat-size guess is used up.
const FILE_CHUNK_BYTES = 64 * 1024;

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

type Target = { kind: 'file'; path: string } | { kind: 'http'; url: URL };
type Transported = Omit<FetchedDocument, 'durationMs'>;

/**
 * Returns the bytes of a source (an http(s) URL, an absolute file path or a file: URL) — or, for a
 * conditional GET the server answers with 304, a status-304 document with an empty body — or throws a FetchError.
 */
export async function fetchSource(
  source: Pick<Source, 'id' | 'url'>,
  options: FetchOptions,
  deps: FetchSourceDeps = {},
  conditions: FetchConditions = {},
): Promise<FetchedDocument> {
  const now = deps.now ?? (() => performance.now());
  const startedMs = now();
  const target = classifyUrl(source.url);
  const transported =
    target.kind === 'file'
      ? { ...(await readFileCapped(target.path, options.maxBytes)), url: source.url }
      : await fetchHttp(target.url, options, deps.fetch ? fetchExchange(deps.fetch) : nodeExchange, conditions);
  return { ...transported, durationMs: Math.max(0, Math.round(now() - startedMs)) };
}

function classifyUrl(url: string): Target {
  if (/^file:/i.test(url)) {
    try {
      return { kind: 'file', path: fileURLToPath(url) };
    } catch (error) {
      // e.g. file://remote-host/x on POSIX, or an encoded `/` in the path.
      throw new FetchError('fetch/invalid-url', `cannot use file URL ${url}`, { cause: error });
    }
  }
  // Before URL parsing, so that a Windows path (`C:\feeds\x.xml`) is not read as scheme `c:`.
  if (isAbsolute(url)) return { kind: 'file', path: url };
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (error) {
    throw new FetchError('fetch/invalid-url', `not an absolute URL or file path: ${url}`, { cause: error });
  }
  if (parsed.protocol === 'http:' || parsed.protocol === 'https:') {
    // Sent as Basic authentication by node, and carried into item links by a feed's relative ones: not supported.
    if (parsed.username || parsed.password) {
      const shown = redactUrl(parsed);
      throw new FetchError('fetch/invalid-url', `a user name or password in a source URL is not supported: ${shown}`);
    }
    return { kind: 'http', url: parsed };
  }
  throw new FetchError('fetch/unsupported-protocol', `unsupported protocol ${parsed.protocol} in ${redactUrl(parsed)}`);
}

async function readFileCapped(path: string, maxBytes: number): Promise<Omit<Transported, 'url'>> {
  let handle: FileHandle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    throw fileError(error, path);
  }
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) throw new FetchError('fetch/file-error', `not a regular file: ${path}`);
    if (stat.size > maxBytes) throw tooLarge(path, maxBytes, stat.size);
    // Read up to maxBytes + 1, not stat.size: a file that grew since stat() is still capped.
    const chunks: Buffer[] = [];
    let totalBytes = 0;
    for (;;) {
      const wantBytes = Math.min(Math.max(stat.size + 1 - totalBytes, FILE_CHUNK_BYTES), maxBytes + 1 - totalBytes);
      const chunk = Buffer.alloc(wantBytes);
      const { bytesRead } = await handle.read(chunk, 0, wantBytes, null);
      if (bytesRead === 0) break;
      chunks.push(chunk.subarray(0, bytesRead));
      totalBytes += bytesRead;
      if (totalBytes > maxBytes) throw tooLarge(path, maxBytes);
    }
    return { status: 200, headers: {}, body: Buffer.concat(chunks, totalBytes) };
  } catch (error) {
    throw error instanceof FetchError ? error : fileError(error, path);
  } finally {
    // A failed close after a successful read loses nothing we returned.
    await handle.close().catch(() => undefined);
  }
}

function fileError(error: unknown, path: string): FetchError {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT' || code === 'ENOTDIR') {
    return new FetchError('fetch/file-not-found', `file not found: ${path}`, { cause: error });
  }
  return new FetchError('fetch/file-error', `cannot read file ${path} (${code ?? 'unknown error'})`, { cause: error });
}

async function fetchHttp(
  url: URL,
  options: FetchOptions,
  exchange: HttpExchange,
  conditions: FetchConditions,
): Promise<Transported> {
  const controller = new AbortController();
  // Which deadline fired, so the error says which budget was spent.
  let expired: 'total' | 'headers' | undefined;
  const expire = (which: 'total' | 'headers') => {
    expired ??= which;
    controller.abort();
  };
  const totalTimer = setTimeout(() => expire('total'), options.timeoutMs);
  let headersTimer: NodeJS.Timeout | undefined;
  // Raced against every await (untilAborted), so the deadline holds even for an exchange that ignores `signal`.
  const signal = controller.signal;
  const failure = (error: unknown, doing: string, where: URL): FetchError => {
    if (error instanceof FetchError) return error;
    const shown = redactUrl(where);
    if (expired === 'total') {
      return new FetchError('fetch/timeout', `no complete response from ${shown} within ${options.timeoutMs} ms`, {
        cause: error,
      });
    }
    if (expired === 'headers') {
      return new FetchError(
        'fetch/headers-timeout',
        `no response headers from ${shown} within ${options.headersTimeoutMs} ms`,
        { cause: error },
      );
    }
    if (causeCode(error) === 'UND_ERR_CONNECT_TIMEOUT') {
      return new FetchError('fetch/connect-timeout', `could not connect to ${shown} in time`, { cause: error });
    }
    return new FetchError('fetch/network', `network error ${doing} ${shown} (${describeCause(error)})`, {
      cause: error,
    });
  };

  const requestHeaders: Record<string, string> = {
    'user-agent': options.userAgent,
    accept: ACCEPT,
    // All three are decoded (http-exchange.ts).
    'accept-encoding': 'gzip, deflate, br',
  };
  // RFC 9110 §13.1: conditional GET with the validators of the last 200.
  if (conditions.etag) requestHeaders['if-none-match'] = conditions.etag;
  if (conditions.lastModified) requestHeaders['if-modified-since'] = conditions.lastModified;

  const maxRedirects = options.maxRedirects ?? DEFAULTS.fetch.maxRedirects;
  const redirects: RedirectHop[] = [];
  const visited = new Set<string>([url.href]);
  let current = url;
  try {
    let response: HttpAnswer;
    for (;;) {
      if (options.headersTimeoutMs !== undefined && options.headersTimeoutMs < options.timeoutMs) {
        headersTimer = setTimeout(() => expire('headers'), options.headersTimeoutMs);
      }
      try {
        response = await untilAborted(
          // Redirects are followed here, not by the exchange, so that each hop is counted, checked and recorded.
          exchange(current, requestHeaders, signal),
          signal,
        );
      } catch (error) {
        throw failure(error, 'fetching', current);
      } finally {
        clearTimeout(headersTimer);
      }
      if (!REDIRECT_STATUSES.has(response.status)) break;
      // The body of a redirect is not wanted.
      response.release();
      const location = response.headers.location;
      const next = location === undefined ? undefined : parseHttpUrl(location, current);
      if (!next) {
        throw new FetchError(
          'fetch/bad-redirect',
          `HTTP ${response.status} from ${redactUrl(current)} without a usable http(s) Location`,
          {
            status: response.status,
          },
        );
      }
      redirects.push({ status: response.status, from: current.href, to: next.href });
      if (visited.has(next.href)) {
        throw new FetchError(
          'fetch/redirect-loop',
          `redirect loop: ${redirects.map((r) => redactUrl(r.from)).join(' → ')} → ${redactUrl(next)}`,
          {
            status: response.status,
          },
        );
      }
      if (redirects.length > maxRedirects) {
        throw new FetchError('fetch/too-many-redirects', `more than ${maxRedirects} redirects from ${redactUrl(url)}`, {
          status: response.status,
        });
      }
      visited.add(next.href);
      current = next;
    }

    const shownUrl = redactUrl(current);
    const headers = response.headers;
    const hops = redirects.length > 0 ? { redirects } : {};

    // RFC 9111 §4.3.4: a 304 is an answer, not an error; the caller keeps its stored body and validators.
    if (response.status === 304) {
      response.release(); // a 304 has no body; nothing to lose
      return { url: current.href, status: 304, headers, body: new Uint8Array(0), ...hops };
    }

    if (response.status < 200 || response.status > 299) {
      response.release(); // the body is not wanted
      const statusText = response.statusText || STATUS_CODES[response.status] || '';
      const code = codeForStatus(response.status);
      throw new HttpStatusError(code, `HTTP ${response.status}${statusText ? ` ${statusText}` : ''} from ${shownUrl}`, {
        status: response.status,
        url: current.href,
        ...(headers['retry-after'] !== undefined ? { retryAfter: headers['retry-after'] } : {}),
      });
    }

    // Content-Length counts encoded bytes; only without Content-Encoding does it equal what maxBytes caps.
    const declaredBytes = Number(headers['content-length']);
    const identity = !headers['content-encoding'] || headers['content-encoding'] === 'identity';
    if (identity && Number.isSafeInteger(declaredBytes) && declaredBytes > options.maxBytes) {
      response.release();
      throw tooLarge(shownUrl, options.maxBytes, declaredBytes);
    }

    let body: Uint8Array;
    try {
      // The exchange undoes gzip, deflate and br while streaming, so the cap counts decoded bytes: a bomb stops at
      // maxBytes.
      body = await readBodyCapped(response, options.maxBytes, signal, () => tooLarge(shownUrl, options.maxBytes));
    } catch (error) {
      throw failure(error, 'reading body from', current);
    }

    const contentTypeCharset = parseContentTypeCharset(headers['content-type']);
    return {
      url: current.href,
      status: response.status,
      headers,
      body,
      ...(contentTypeCharset !== undefined ? { contentTypeCharset } : {}),
      ...hops,
    };
  } finally {
    clearTimeout(totalTimer);
    clearTimeout(headersTimer);
  }
}

async function readBodyCapped(
  answer: HttpAnswer,
  maxBytes: number,
  signal: AbortSignal,
  onTooLarge: () => FetchError,
): Promise<Uint8Array> {
  const chunks = answer.body[Symbol.asyncIterator]();
  const parts: Uint8Array[] = [];
  let totalBytes = 0;
  for (;;) {
    const { done, value } = await untilAborted(chunks.next(), signal);
    if (done) break;
    totalBytes += value.byteLength;
    if (totalBytes > maxBytes) {
      // Stop at the first chunk past the cap: the rest is never downloaded (chunked bodies have no length to check).
      answer.release();
      chunks.return?.().catch(() => undefined); // an iteration we abandon; its failure changes nothing
      throw onTooLarge();
    }
    parts.push(value);
  }
  return Buffer.concat(parts, totalBytes);
}

/**
 * Returns `promise`'s outcome, or rejects with `signal`'s reason if it aborts first. Nothing of the race outlives it:
 * its abort listener is removed once `promise` settles. (Racing each await against one promise that rejects on abort
 * kept every result on that promise until it settled, which a request that succeeds never does, and undici holds a
 * request's signal until a finalizer runs: each document's body chunks, 28 MB of them, lived into the cluster stage.)
 */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) {
    promise.catch(() => undefined); // abandoned: its failure changes nothing
    return Promise.reject(signal.reason);
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

function tooLarge(where: string, maxBytes: number, actualBytes?: number): FetchError {
  const size = actualBytes === undefined ? `more than ${maxBytes}` : `${actualBytes}`;
  return new FetchError('fetch/too-large', `${where} is ${size} bytes, over maxBytes ${maxBytes}`);
}

/** Returns `text` parsed as an http(s) URL relative to `base`, or undefined. */
function parseHttpUrl(text: string, base: URL): URL | undefined {
  try {
    const url = new URL(text, base);
    // A Location with a user name or password is not followed (see classifyUrl).
    return (url.protocol === 'http:' || url.protocol === 'https:') && !url.username && !url.password ? url : undefined;
  } catch {
    return undefined; // not a URL: the caller reports a bad redirect
  }
}

function causeCode(error: unknown): string | undefined {
  const cause = error instanceof Error && error.cause !== undefined ? error.cause : error;
  const code = cause && typeof cause === 'object' ? (cause as { code?: unknown }).code : undefined;
  return typeof code === 'string' ? code : undefined;
}

// undici reports `TypeError: fetch failed` with the useful part (ENOTFOUND, ECONNREFUSED, cert errors) in `cause`.
function describeCause(error: unknown): string {
  const cause = error instanceof Error && error.cause !== undefined ? error.cause : error;
  if (cause && typeof cause === 'object') {
    const { code, message } = cause as { code?: unknown; message?: unknown };
    if (typeof code === 'string') return code;
    if (typeof message === 'string') return message;
  }
  return String(cause);
}

// Credentials in a source URL must not reach logs or status.json.
function redactUrl(url: URL | string): string {
  let parsed: URL;
  try {
    parsed = typeof url === 'string' ? new URL(url) : new URL(url.href);
  } catch {
    return String(url); // not a URL, so it carries no userinfo to hide
  }
  if (parsed.username || parsed.password) {
    parsed.username = '';
    parsed.password = '';
  }
  return parsed.href;
}
