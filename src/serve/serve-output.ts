import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { networkInterfaces } from 'node:os';
import { StoryfeedError, describeError } from '../lib/errors.js';
import type { Logger } from '../lib/logger.js';
import { assessHealth, type RunRecord } from './assess-health.js';
import { isNotModified } from './is-not-modified.js';
import { negotiateEncoding } from './negotiate-encoding.js';
import { usableUrls } from './usable-urls.js';
import { createOutputFileCache } from './output-file-cache.js';

/** What `serveOutput` needs: the output directory and where to listen (port 0 picks a free port). */
export interface ServeOptions {
  dir: string;
  host: string;
  port: number;
  /** GET /healthz: where the last run's record is, and the schedule's period (stale after three). */
  health?: { lastRunPath: string; periodMs: number };
}

/** A running server over output/. */
export interface OutputServer {
  /** Base URL, e.g. `http://127.0.0.1:8080/`. */
  url: string;
  /** Base URLs a reader can use: `url`, or for a wildcard address (0.0.0.0, ::) the loopback and each interface's. */
  urls: string[];
  port: number;
  /** Stops accepting connections and resolves when the open ones are done. */
  close(): Promise<void>;
}

interface Route {
  file: string;
  type: string;
  cacheControl: string;
}

// Feeds and the page change at most once per run: a short freshness lifetime, then cheap revalidation (304).
const PUBLIC_CACHE = 'public, max-age=300';
const HTML_CSP =
  "default-src 'none'; style-src 'unsafe-inline'; img-src https: data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

// An allow-list: the only files reachable. A request path is matched exactly (after percent-decoding) and never
// joined to the directory, so `..`, `%2e%2e`, `%2f` and other names cannot reach anything else.
const ROUTES: Readonly<Record<string, Route>> = {
  '/': { file: 'index.html', type: 'text/html; charset=utf-8', cacheControl: PUBLIC_CACHE },
  '/index.html': { file: 'index.html', type: 'text/html; charset=utf-8', cacheControl: PUBLIC_CACHE },
  '/feed.atom': { file: 'feed.atom', type: 'application/atom+xml; charset=utf-8', cacheControl: PUBLIC_CACHE },
  '/feed.json': { file: 'feed.json', type: 'application/feed+json; charset=utf-8', cacheControl: PUBLIC_CACHE },
  // Operators look at status right after a run: always revalidate.
  '/status.json': { file: 'status.json', type: 'application/json; charset=utf-8', cacheControl: 'no-cache' },
};

/** Below this size compression costs more than it saves. */
const MIN_COMPRESS_BYTES = 256;

/** Starts an HTTP server (node:http) serving the feeds, page and status of `options.dir`; resolves once it listens. */
export async function serveOutput(options: ServeOptions, deps: { logger: Logger }): Promise<OutputServer> {
  const log = deps.logger;
  const files = createOutputFileCache(options.dir);

  const server = createServer((req, res) => {
    const started = process.hrtime.bigint();
    handle(req, res).catch((error: unknown) => {
      log.error('request failed', { path: req.url, ...describeError(error) });
      if (!res.headersSent) sendText(res, 500, 'internal server error\n', req.method === 'HEAD');
      else res.destroy();
    });
    res.on('finish', () => {
      const durationMs = Number(process.hrtime.bigint() - started) / 1e6;
      log.debug('request', {
        method: req.method,
        path: req.url,
        status: res.statusCode,
        durationMs: Math.round(durationMs * 10) / 10,
      });
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = req.method ?? 'GET';
    const head = method === 'HEAD';
    if (method !== 'GET' && !head) {
      res.setHeader('Allow', 'GET, HEAD');
      sendText(res, 405, 'method not allowed\n', false);
      return;
    }
    const path = findPath(req.url ?? '/');
    if (path === '/healthz') {
      await sendHealth(res, head);
      return;
    }
    const route = path === null ? undefined : ROUTES[path];
    if (!route) {
      sendText(res, path === null ? 400 : 404, path === null ? 'bad request\n' : 'not found\n', head);
      return;
    }
    const file = await files.load(route.file);
    if (file === 'not-a-file') {
      sendText(res, 404, 'not found\n', head);
      return;
    }
    if (file === 'missing') {
      // Known but not generated yet (serving before the first run): temporary, so readers retry rather than give up.
      res.setHeader('Retry-After', '60');
      sendText(res, 503, 'not generated yet: run `storyfeed run` first\n', head);
      return;
    }

    const coding =
      file.bytes.byteLength >= MIN_COMPRESS_BYTES ? negotiateEncoding(req.headers['accept-encoding']) : 'identity';
    const body = await file.encoded(coding);
    res.setHeader('Cache-Control', route.cacheControl);
    res.setHeader('ETag', body.etag);
    // RFC 9110 §8.8.2.2: a modification time in the current second is not a usable validator (the file may change again
    // within that second), so Last-Modified is sent, and If-Modified-Since honoured, only once that second is over.
    const lastModified =
      Math.floor(file.lastModified.getTime() / 1000) < Math.floor(Date.now() / 1000) ? file.lastModified : undefined;
    if (lastModified) res.setHeader('Last-Modified', lastModified.toUTCString());
    res.setHeader('Vary', 'Accept-Encoding');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    if (route.file === 'index.html') res.setHeader('Content-Security-Policy', HTML_CSP);
    if (isNotModified(req.headers, file.etags, lastModified)) {
      // RFC 9110 §15.4.5: a 304 carries the validators and caching headers a 200 would have, and no body.
      res.writeHead(304).end();
      return;
    }
    res.setHeader('Content-Type', route.type);
    res.setHeader('Content-Length', body.bytes.byteLength);
    if (coding !== 'identity') res.setHeader('Content-Encoding', coding);
    res.writeHead(200);
    res.end(head ? undefined : body.bytes);
  }

  async function sendHealth(res: ServerResponse, head: boolean): Promise<void> {
    let record: RunRecord | null = null;
    if (options.health) {
      try {
        record = JSON.parse(await readFile(options.health.lastRunPath, 'utf8')) as RunRecord;
      } catch {
        record = null; // no run recorded yet (or a torn file, which writeFileAtomic rules out): reported as no-run
      }
    }
    // The edge may read the clock: health is about now.
    const health = assessHealth(record, Date.now(), options.health?.periodMs ?? 30 * 60_000);
    const bytes = Buffer.from(`${JSON.stringify(health.body, null, 2)}\n`, 'utf8');
    res.writeHead(health.status, {
      'Content-Type': 'application/json; charset=utf-8',
      'Content-Length': bytes.byteLength,
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
    });
    res.end(head ? undefined : bytes);
  }

  await new Promise<void>((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      reject(
        new StoryfeedError(
          'serve',
          'serve/listen-failed',
          `cannot listen on ${options.host}:${options.port}: ${error.code ?? error.message}`,
          { cause: error },
        ),
      );
    };
    server.once('error', onError);
    server.listen({ host: options.host, port: options.port }, () => {
      server.off('error', onError);
      resolve();
    });
  });
  server.on('error', (error) => log.error('server error', describeError(error)));
  const { address, port } = server.address() as AddressInfo;
  const url = `http://${address.includes(':') ? `[${address}]` : address}:${port}/`;
  const urls = usableUrls(address, port, networkInterfaces());
  log.info('serving output', { dir: options.dir, url, urls });

  let closing: Promise<void> | undefined;
  return {
    url,
    urls,
    port,
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
        // A keep-alive client mid-request gets a moment to finish; then the socket is cut so shutdown never hangs.
        setTimeout(() => server.closeAllConnections(), 2000).unref();
      });
      return closing;
    },
  };
}

/** Returns the decoded path of a request target (origin- or absolute-form), without query; null when malformed. */
function findPath(target: string): string | null {
  let path = target;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(path)) {
    try {
      path = new URL(path).pathname; // absolute-form (RFC 9112 §3.2.2), as sent to proxies
    } catch {
      return null;
    }
  }
  path = path.split(/[?#]/, 1)[0] ?? '';
  try {
    return decodeURIComponent(path);
  } catch {
    return null; // a malformed percent-encoding such as `%E0%A4%A`
  }
}

/** Sends a short plain-text response (no body for HEAD). */
function sendText(res: ServerResponse, status: number, text: string, head: boolean): void {
  const bytes = Buffer.from(text, 'utf8');
  res.writeHead(status, {
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': bytes.byteLength,
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
  });
  res.end(head ? undefined : bytes);
}
