import type { NetworkInterfaceInfo } from 'node:os';

const WILDCARDS = new Set(['0.0.0.0', '::', '0:0:0:0:0:0:0:0']);

/** Whether a host name or address is this machine's loopback (only local readers can use it). */
function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127\./.test(h);
}

function baseUrl(address: string, port: number): string {
  return `http://${address.includes(':') ? `[${address}]` : address}:${port}/`;
}

/**
 * Returns the base URLs a reader can really use for a server listening on `address`: the address itself, or for
 * a wildcard (0.0.0.0, ::) the loopback and each of this machine's interface addresses, never `0.0.0.0`.
 */
export function usableUrls(
  address: string,
  port: number,
  interfaces: Readonly<Record<string, NetworkInterfaceInfo[] | undefined>>,
): string[] {
  if (!WILDCARDS.has(address)) return [baseUrl(address, port)];
  const ipv6 = address !== '0.0.0.0';
  const addresses = Object.values(interfaces)
    .flatMap((list) => list ?? [])
    .filter(
      (i) => (i.family === 'IPv4' || ipv6) && !(i.family === 'IPv6' && i.address.toLowerCase().startsWith('fe80:')),
    )
    .map((i) => i.address)
    .sort((a, b) => Number(isLoopback(b)) - Number(isLoopback(a)) || Number(a.includes(':')) - Number(b.includes(':')));
  return [...new Set(addresses.length > 0 ? addresses : ['127.0.0.1'])].map((a) => baseUrl(a, port));
}

/**
 * Returns a one-line warning when `output.selfUrl` (the feed's rel="self" and the page's subscribe box) cannot be
 * where readers reach this server, else null. A selfUrl on another host name is taken as a reverse proxy's public
 * URL and not second-guessed; one on a loopback or served address must match the port and the feed's path, and a
 * loopback one is useless to other machines when the server listens beyond loopback.
 */
export function selfUrlMismatch(selfUrl: string, listenHost: string, urls: readonly string[]): string | null {
  let self: URL;
  try {
    self = new URL(selfUrl);
  } catch {
    return null; // the config schema has already refused it
  }
  const served = urls.map((u) => new URL(u));
  const selfPort = self.port || (self.protocol === 'https:' ? '443' : '80');
  const direct = isLoopback(self.hostname) || served.some((u) => u.hostname === self.hostname);
  if (!direct) return null;
  const feedUrls = urls.map((u) => `${u}feed.atom`);
  const where = feedUrls.length === 1 ? feedUrls[0]! : `${feedUrls[0]} (and ${feedUrls.length - 1} more)`;
  const fix = `readers who subscribe get that link; set output.selfUrl (or STORYFEED_OUTPUT_SELF_URL) to the feed's public URL`;
  if (!served.some((u) => u.port === selfPort) || self.pathname !== '/feed.atom') {
    return `output.selfUrl is ${selfUrl}, but the feed is served at ${where}: ${fix}`;
  }
  if (isLoopback(self.hostname) && !isLoopback(listenHost)) {
    return `output.selfUrl is ${selfUrl}, a loopback address other machines cannot reach, while the feed is served at ${where}: ${fix}`;
  }
  return null;
}
