// A node:http server on 127.0.0.1 port 0 for fetch tests; every server and timer is closed after each test.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, expect } from 'vitest';
import type { FetchOptions } from '../../src/fetch/fetch-source.js';
import { FetchError } from '../../src/lib/errors.js';

export type Handler = (req: IncomingMessage, res: ServerResponse) => void;

const servers: Server[] = [];
export const timers: NodeJS.Timeout[] = [];

/** Starts a loopback server; returns its base URL, the requests it saw and the peak of requests in flight at once. */
export async function serve(handler: Handler): Promise<{ base: string; requests: IncomingMessage[]; peak: () => number; server: Server }> {
  const requests: IncomingMessage[] = [];
  let inFlight = 0;
  let peak = 0;
  const server = createServer((req, res) => {
    requests.push(req);
    inFlight++;
    peak = Math.max(peak, inFlight);
    res.on('close', () => inFlight--);
    handler(req, res);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { base: `http://127.0.0.1:${port}`, requests, peak: () => peak, server };
}

afterEach(async () => {
  for (const timer of timers.splice(0)) clearInterval(timer);
  await Promise.all(
    servers.splice(0).map(
      (server) =>
        new Promise<void>((resolve) => {
          server.closeAllConnections();
          server.close(() => resolve());
        }),
    ),
  );
});

/** Fetch options for tests: generous limits unless overridden. */
export const options = (overrides: Partial<FetchOptions> = {}): FetchOptions => ({
  timeoutMs: 5_000,
  maxBytes: 1_000_000,
  userAgent: 'storyfeed-test/1.0 (+https://example.invalid)',
  ...overrides,
});

/** Runs `promise` and returns the FetchError it rejects with (fails the test if it resolves or throws something else). */
export async function fetchError(promise: Promise<unknown>): Promise<FetchError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(FetchError);
  return error as FetchError;
}
