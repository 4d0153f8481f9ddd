// The fetch stage's one door to the world: a source URL → bytes plus what the transport said.
// Files are read from disk; http(s) goes through `fetch` (undici in Node 20), injected for tests.
// Every failure is a FetchError with a stable `code`:
//
//   fetch/invalid-url           not an absolute path and not a parseable URL
//   fetch/unsupported-protocol  a URL whose scheme is not http, https or file
//   fetch/file-not-found        ENOENT / ENOTDIR
//   fetch/file-error            any other file-system error (EACCES, EISDIR, …)
//   fetch/too-large             body (file or HTTP, after content decoding) exceeds maxBytes
//   fetch/timeout               headers + body not received within timeoutMs
//   fetch/http-status           non-2xx final response; `status` is set
//   fetch/network               DNS, connection, TLS, reset, redirect-loop errors; `cause` is set
//
// All HTTP lives in `fetchHttp`, so conditional GET, a redirect policy, back-off and per-host limits
// can be added there without touching the file path or the callers.

import { open, type FileHandle } from 'node:fs/promises';
import { STATUS_CODES } from 'node:http';
import { isAbsolute } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FetchError } from '../lib/errors.js';
import type { FetchedDocument, Source } from '../model.js';
import { parseContentTypeCharset } from './parse-content-type-charset.js';

/** Limits and identity for one fetch, the `fetch` slice of the resolved config. */
export interface FetchOptions {
  /** One deadline for the whole exchange: connection, headers and body. */
  timeoutMs: number;
  /** Largest body accepted, counted after Content-Encoding is undone. */
  maxBytes: number;
  userAgent: string;
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

type Target = { kind: 'file'; path: string } | { kind: 'http'; url: URL };
type Transported = Omit<FetchedDocument, 'durationMs'>;

/** Returns the bytes of a source (an http(s) URL, an absolute file path or a file: URL), or throws a FetchError. */
export async function fetchSource(
  source: Pick<Source, 'id' | 'url'>,
  options: FetchOptions,
  deps: FetchSourceDeps = {},
): Promise<FetchedDocument> {
  const now = deps.now ?? (() => performance.now());
  const startedMs = now();
  const target = classifyUrl(source.url);
  const transported =
    target.kind === 'file'
      ? { ...(await readFileCapped(target.path, options.maxBytes)), url: source.url }
      : await fetchHttp(target.url, options, deps.fetch ?? globalThis.fetch);
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
  if (parsed.protocol === 'http:' || parsed.protocol === 'https:') return { kind: 'http', url: parsed };
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

async function fetchHttp(url: URL, options: FetchOptions, fetchImpl: typeof fetch): Promise<Transported> {
  const shownUrl = redactUrl(url);
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, options.timeoutMs);
  // Raced against every await, so the deadline holds even for an injected fetch that ignores `signal`.
  const aborted = new Promise<never>((_, reject) => {
    controller.signal.addEventListener('abort', () => reject(controller.signal.reason), { once: true });
  });
  aborted.catch(() => undefined); // handled by whichever race is pending; this only silences the orphan case
  const failure = (error: unknown, doing: string): FetchError => {
    if (error instanceof FetchError) return error;
    if (timedOut) {
      return new FetchError('fetch/timeout', `no complete response from ${shownUrl} within ${options.timeoutMs} ms`, {
        cause: error,
      });
    }
    return new FetchError('fetch/network', `network error ${doing} ${shownUrl} (${describeCause(error)})`, { cause: error });
  };

  try {
    let response: Response;
    try {
      response = await Promise.race([
        fetchImpl(url.href, {
          method: 'GET',
          headers: { 'user-agent': options.userAgent, accept: ACCEPT },
          // fetch default: follow up to 20 redirects; `response.url` is the final one.
          redirect: 'follow',
          signal: controller.signal,
        }),
        aborted,
      ]);
    } catch (error) {
      throw failure(error, 'fetching');
    }

    const finalUrl = response.url || url.href;
    const headers: Record<string, string> = {};
    response.headers.forEach((value, name) => {
      headers[name.toLowerCase()] = value;
    });

    if (response.status < 200 || response.status > 299) {
      controller.abort(); // the body is not wanted; free the connection
      const statusText = response.statusText || STATUS_CODES[response.status] || '';
      throw new FetchError(
        'fetch/http-status',
        `HTTP ${response.status}${statusText ? ' ' + statusText : ''} from ${redactUrl(finalUrl)}`,
        { status: response.status },
      );
    }

    // Content-Length counts encoded bytes; only without Content-Encoding does it equal what maxBytes caps.
    const declaredBytes = Number(headers['content-length']);
    const identity = !headers['content-encoding'] || headers['content-encoding'] === 'identity';
    if (identity && Number.isSafeInteger(declaredBytes) && declaredBytes > options.maxBytes) {
      controller.abort();
      throw tooLarge(shownUrl, options.maxBytes, declaredBytes);
    }

    let body: Uint8Array;
    try {
      body = await readBodyCapped(response.body, options.maxBytes, aborted, () => {
        controller.abort();
        return tooLarge(shownUrl, options.maxBytes);
      });
    } catch (error) {
      throw failure(error, 'reading body from');
    }

    const contentTypeCharset = parseContentTypeCharset(headers['content-type']);
    return {
      url: finalUrl,
      status: response.status,
      headers,
      body,
      ...(contentTypeCharset !== undefined ? { contentTypeCharset } : {}),
    };
  } finally {
    clearTimeout(timer);
  }
}

async function readBodyCapped(
  stream: ReadableStream<Uint8Array> | null,
  maxBytes: number,
  aborted: Promise<never>,
  onTooLarge: () => FetchError,
): Promise<Uint8Array> {
  if (!stream) return new Uint8Array(0);
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let totalBytes = 0;
  for (;;) {
    const { done, value } = await Promise.race([reader.read(), aborted]);
    if (done) break;
    totalBytes += value.byteLength;
    if (totalBytes > maxBytes) {
      // Stop at the first chunk past the cap: the rest is never downloaded (chunked bodies have no length to check).
      reader.cancel().catch(() => undefined); // cancelling a stream we abandon; its failure changes nothing
      throw onTooLarge();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, totalBytes);
}

function tooLarge(where: string, maxBytes: number, actualBytes?: number): FetchError {
  const size = actualBytes === undefined ? `more than ${maxBytes}` : `${actualBytes}`;
  return new FetchError('fetch/too-large', `${where} is ${size} bytes, over maxBytes ${maxBytes}`);
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
