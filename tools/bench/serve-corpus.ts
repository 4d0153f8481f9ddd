import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { CorpusManifest } from './generate-corpus.js';
import { InFlightCounter } from './in-flight-counter.js';

// Serves a generated corpus over loopback HTTP with ETags (304 on a matching If-None-Match). Each source
// gets its own loopback address (127.0.x.y; Linux routes all of 127/8 to lo), so the pipeline sees one
// source per host as with real outlets and keeps its default per-host politeness — which never delays anything
// when every host has a single feed. With --same-host every source is on 127.0.0.1 (issue #16's one-host case).

export interface CorpusServer {
  /** The URL of each source, by source id. */
  urls: Map<string, string>;
  /** Which documents are served: the base corpus or the changed variant (10 % of sources with new items). */
  setVariant(variant: 'base' | 'changed'): void;
  /** Requests answered since the last reset, by status. */
  counts(): { ok: number; notModified: number; notFound: number };
  /** The most requests in flight at once to one address since the last reset (the politeness check of issue #16). */
  maxInFlightPerHost(): number;
  /** Resets counts() and maxInFlightPerHost(). */
  resetCounts(): void;
  close(): Promise<void>;
}

/** Returns the loopback address of source number `i` (127.0.1.1, 127.0.1.2, … 250 per third octet). */
export function loopbackAddress(i: number, distinctHosts: boolean): string {
  return distinctHosts ? `127.0.${1 + Math.floor(i / 250)}.${1 + (i % 250)}` : '127.0.0.1';
}

/**
 * Whether this machine accepts listening on loopback addresses other than 127.0.0.1 (Linux does; macOS does not by
 * default).
 */
export async function canUseLoopbackAliases(): Promise<boolean> {
  const server = createServer();
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.1.1', resolve);
    });
    return true;
  } catch {
    return false; // EADDRNOTAVAIL: the caller falls back to one host
  } finally {
    server.close();
  }
}

/** Starts the servers (one per source address, port 0) and returns the sources' URLs. */
export async function serveCorpus(
  manifest: CorpusManifest,
  options: { distinctHosts?: boolean } = {},
): Promise<CorpusServer> {
  const distinct = options.distinctHosts ?? true;
  let variant: 'base' | 'changed' = 'base';
  const counts = { ok: 0, notModified: 0, notFound: 0 };
  // Requests in flight per address, counted at the server: what a host would see of our politeness.
  const inFlight = new InFlightCounter();
  const byPath = new Map(manifest.sources.map((s) => [`/${s.id}.${s.format === 'json' ? 'json' : 'xml'}`, s]));
  const types = {
    rss: 'application/rss+xml',
    atom: 'application/atom+xml',
    rdf: 'application/rdf+xml',
    json: 'application/feed+json',
  };

  const handler = async (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => {
    const entry = byPath.get(req.url ?? '');
    if (!entry) {
      counts.notFound++;
      res.writeHead(404).end();
      return;
    }
    const changed = variant === 'changed' && entry.changedFile !== null;
    const etag = changed ? entry.changedEtag! : entry.etag;
    if (req.headers['if-none-match'] === etag) {
      counts.notModified++;
      res.writeHead(304, { etag }).end();
      return;
    }
    const body = await readFile(changed ? entry.changedFile! : entry.file);
    counts.ok++;
    res.writeHead(200, {
      'content-type': `${types[entry.format]}; charset=utf-8`,
      'content-length': body.length,
      etag,
    });
    res.end(body);
  };

  const servers = new Map<string, { server: Server; port: number }>();
  const urls = new Map<string, string>();
  for (const [i, s] of manifest.sources.entries()) {
    const address = loopbackAddress(i, distinct);
    let listening = servers.get(address);
    if (!listening) {
      const server = createServer((req, res) => {
        // Counted from the request's arrival to the response's end or the connection's close ('close' fires once for
        // either).
        inFlight.start(address);
        res.once('close', () => inFlight.end(address));
        handler(req, res).catch(() => res.writeHead(500).end()); // a bench file vanished: the run reports the source as failed
      });
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(0, address, resolve);
      });
      listening = { server, port: (server.address() as AddressInfo).port };
      servers.set(address, listening);
    }
    urls.set(s.id, `http://${address}:${listening.port}/${s.id}.${s.format === 'json' ? 'json' : 'xml'}`);
  }
  return {
    urls,
    setVariant(v) {
      variant = v;
    },
    counts: () => ({ ...counts }),
    maxInFlightPerHost: () => inFlight.maxPeak(),
    resetCounts() {
      counts.ok = counts.notModified = counts.notFound = 0;
      inFlight.resetPeaks();
    },
    async close() {
      await Promise.all(
        [...servers.values()].map(
          ({ server }) =>
            new Promise<void>((resolve) => {
              server.closeAllConnections();
              server.close(() => resolve());
            }),
        ),
      );
    },
  };
}
