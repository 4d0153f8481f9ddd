// One HTTP GET as fetch-source.ts needs it: the status, the headers and the decoded body, nothing followed or checked.
// By default through Node's own client (node:http, node:https) with keep-alive agents: WHATWG fetch (undici in Node
// 20) cost ~2.3 ms of CPU per request on top of that (BENCHMARKS.md, session 13), most of a run that is all 304s.
// An injected `fetch` (the tests' fakes) goes through fetchExchange instead.

import { Agent as HttpAgent, type IncomingMessage, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { finished, type Readable, pipeline, Transform, type TransformCallback } from 'node:stream';
import {
  constants,
  createBrotliDecompress,
  createGunzip,
  createInflate,
  createInflateRaw,
  type ZlibOptions,
} from 'node:zlib';
import { FetchError } from '../lib/errors.js';

/** An answer to a GET: status, headers (names lower-cased, a repeated header's values joined by ", "), body. */
export interface HttpAnswer {
  status: number;
  statusText: string;
  headers: Record<string, string>;
  /** The body with its Content-Encoding undone (gzip, deflate, br; an unknown coding: as sent), chunk by chunk. */
  body: AsyncIterable<Uint8Array>;
  /** The body is not wanted: frees the connection (kept for the next request when the answer has no body). */
  release(): void;
}

/** Sends a GET of `url` with `headers`; `signal` aborts it, body included. Rejects on a network failure. */
export type HttpExchange = (url: URL, headers: Record<string, string>, signal: AbortSignal) => Promise<HttpAnswer>;

/** How long a connection may take to open: undici's own connect timeout, which fetch applied before. */
const CONNECT_TIMEOUT_MS = 10_000;

/** An idle kept-alive connection is closed after this long (undici's default keep-alive timeout). */
const KEEP_ALIVE_MS = 4_000;

// One pool of connections per scheme for the process: a host's next request (a redirect, the next source on a shared
// host) reuses an idle connection. Requests per host are limited above (schedule-by-host.ts).
const HTTP_AGENT = new HttpAgent({ keepAlive: true, timeout: KEEP_ALIVE_MS });
const HTTPS_AGENT = new HttpsAgent({ keepAlive: true, timeout: KEEP_ALIVE_MS });

/** More codings than this in one Content-Encoding are refused, as undici does (each decoder is a cost to the CPU). */
const MAX_CODINGS = 5;

/**
 * A GET through node:http / node:https. `url` carries no user name or password (fetch-source.ts refuses them: node
 * would send them as Basic authentication).
 */
export const nodeExchange: HttpExchange = (url, headers, signal) =>
  new Promise<HttpAnswer>((resolve, reject) => {
    const secure = url.protocol === 'https:';
    const request = (secure ? httpsRequest : httpRequest)(url, {
      method: 'GET',
      headers,
      agent: secure ? HTTPS_AGENT : HTTP_AGENT,
      signal,
    });
    // Every error the request emits, also one after its answer (a reset, an abort): only the first one counts.
    request.on('error', reject);
    request.once('socket', (socket) => {
      if (!socket.connecting) return; // a kept-alive connection
      const timer = setTimeout(() => {
        const message = `could not connect to ${url.host} within ${CONNECT_TIMEOUT_MS} ms`;
        request.destroy(new FetchError('fetch/connect-timeout', message));
      }, CONNECT_TIMEOUT_MS);
      const clear = () => clearTimeout(timer);
      // Over https the connection counts as open once TLS is set up, as undici's connect timeout counted it.
      socket.once(secure ? 'secureConnect' : 'connect', clear);
      socket.once('close', clear);
      request.once('close', clear);
    });
    request.once('response', (response: IncomingMessage) => {
      // A body's failure is seen by whoever reads it; one nobody reads (released) must not end the process.
      response.on('error', () => undefined);
      const answerHeaders = joinHeaders(response.rawHeaders);
      let body: Readable;
      try {
        body = decode(response, answerHeaders['content-encoding'], url);
      } catch (error) {
        response.destroy();
        reject(error);
        return;
      }
      body.on('error', () => undefined);
      const status = response.statusCode ?? 0;
      const bodiless = status === 304 || status === 204 || answerHeaders['content-length'] === '0';
      const answer: HttpAnswer = {
        status,
        statusText: response.statusMessage ?? '',
        headers: answerHeaders,
        body,
        release: () => {
          if (bodiless) return;
          response.destroy(); // a body not wanted: its connection is closed
          body.destroy();
        },
      };
      if (!bodiless) {
        resolve(answer);
        return;
      }
      // An answer without a body is read to its end first, so that its connection is back in the pool for the
      // host's next request (a shared host's next feed; each one of a warm run is a 304).
      // (Ended, failed or cut short: the answer is the same, and the request's deadline still holds.)
      finished(response, () => setImmediate(() => resolve(answer)));
      response.resume();
    });
    request.end();
  });

/** An injected WHATWG `fetch` as an HttpExchange (redirects not followed: fetch-source.ts follows them itself). */
export function fetchExchange(fetchImpl: typeof fetch): HttpExchange {
  return async (url, headers, signal) => {
    const response = await fetchImpl(url.href, { method: 'GET', headers, redirect: 'manual', signal });
    const answerHeaders: Record<string, string> = {};
    response.headers.forEach((value, name) => {
      answerHeaders[name.toLowerCase()] = value;
    });
    return {
      status: response.status,
      statusText: response.statusText,
      headers: answerHeaders,
      body: chunksOf(response.body),
      release: () => {
        response.body?.cancel().catch(() => undefined); // a body we abandon: its failure changes nothing
      },
    };
  };
}

/** The chunks of a WHATWG stream (none for a null body); an abandoned iteration cancels the stream. */
async function* chunksOf(stream: ReadableStream<Uint8Array> | null): AsyncGenerator<Uint8Array> {
  if (!stream) return;
  const reader = stream.getReader();
  let done = false;
  try {
    for (;;) {
      const next = await reader.read();
      if (next.done) {
        done = true;
        return;
      }
      yield next.value;
    }
  } finally {
    if (!done) reader.cancel().catch(() => undefined); // abandoned: its failure changes nothing
  }
}

/** Headers from node's raw list: names lower-cased, a repeated header's values joined by ", " (as WHATWG Headers). */
export function joinHeaders(raw: readonly string[]): Record<string, string> {
  const headers: Record<string, string> = {};
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i]!.toLowerCase();
    const value = raw[i + 1]!;
    headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
  }
  return headers;
}

// Lenient about a truncated or slightly wrong compressed body, as browsers, curl and undici are: what was decoded
// is kept rather than failing the whole document.
const ZLIB_LENIENT: ZlibOptions = { flush: constants.Z_SYNC_FLUSH, finishFlush: constants.Z_SYNC_FLUSH };
const BROTLI_LENIENT = { flush: constants.BROTLI_OPERATION_FLUSH, finishFlush: constants.BROTLI_OPERATION_FLUSH };

/**
 * The body with its content codings undone, the last applied first (RFC 9110 §8.4): gzip (x-gzip), deflate (zlib or
 * raw, as sent) and br. A coding it does not know leaves the body as sent, as fetch did.
 */
function decode(body: Readable, contentEncoding: string | undefined, url: URL): Readable {
  if (!contentEncoding) return body;
  const codings = contentEncoding
    .toLowerCase()
    .split(',')
    .map((c) => c.trim());
  if (codings.length > MAX_CODINGS) {
    const message = `${url.host} sent too many content codings (${codings.length}, at most ${MAX_CODINGS})`;
    throw new FetchError('fetch/network', message);
  }
  const decoders: Transform[] = [];
  for (let i = codings.length - 1; i >= 0; i--) {
    const coding = codings[i];
    if (coding === 'gzip' || coding === 'x-gzip') decoders.push(createGunzip(ZLIB_LENIENT));
    else if (coding === 'deflate') decoders.push(new InflateEither());
    else if (coding === 'br') decoders.push(createBrotliDecompress(BROTLI_LENIENT));
    else return body;
  }
  if (decoders.length === 0) return body;
  // Errors end the last stream (its reader sees them); the callback only keeps them from being unhandled.
  return pipeline([body, ...decoders], () => undefined) as unknown as Readable;
}

/**
 * "deflate" as servers send it: zlib-wrapped (RFC 9110 §8.4.1.2), or raw deflate data, which many send instead. The
 * first byte tells: a zlib header's low nibble is 8 (the deflate method).
 */
class InflateEither extends Transform {
  private inner: Transform | undefined;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    if (chunk.length === 0) {
      callback();
      return;
    }
    if (!this.inner) {
      this.inner = (chunk[0]! & 0x0f) === 0x08 ? createInflate(ZLIB_LENIENT) : createInflateRaw(ZLIB_LENIENT);
      this.inner.on('data', (data: Buffer) => this.push(data));
      this.inner.on('error', (error) => this.destroy(error));
    }
    this.inner.write(chunk, callback);
  }

  override _flush(callback: TransformCallback): void {
    if (!this.inner) {
      callback();
      return;
    }
    this.inner.once('end', () => callback());
    this.inner.end();
  }

  override _destroy(error: Error | null, callback: (error: Error | null) => void): void {
    this.inner?.destroy();
    callback(error);
  }
}
