// When to poll a source next: exponential back-off with jitter after failures, Retry-After on 429/503,
// and the minimum interval a feed asks for (<ttl>, Cache-Control max-age). Pure: the clock and the
// random source are arguments.

import type { RedirectHop } from '../fetch/fetch-source.js';
import type { ResolvedConfig } from '../config/resolve-config.js';

/** Retry-After is capped: a server asking for a week is polled again after a day. */
export const RETRY_AFTER_CAP_MS = 24 * 3_600_000;

/** Back-off settings: keys of the `fetch` slice of the config. */
export type BackoffOptions = Pick<ResolvedConfig['fetch'], 'backoffBaseMs' | 'backoffMaxMs'>;

/**
 * Returns the delay before polling a source again after its `failures`-th consecutive failure:
 * base × 2^(failures−1), capped at backoffMaxMs, times a jitter factor in [0.8, 1.2) (itself capped),
 * so that sources that failed together do not come back together.
 */
export function backoffDelayMs(failures: number, options: BackoffOptions, random: () => number = Math.random): number {
  if (failures < 1 || options.backoffBaseMs <= 0) return 0;
  const exponential = options.backoffBaseMs * 2 ** Math.min(failures - 1, 40);
  const capped = Math.min(exponential, options.backoffMaxMs);
  return Math.round(Math.min(capped * (0.8 + 0.4 * random()), options.backoffMaxMs));
}

/**
 * Returns the delay a Retry-After value asks for (RFC 9110 §10.2.3: delay-seconds or an HTTP-date),
 * capped at 24 h, or undefined when the value is neither.
 */
export function parseRetryAfterMs(value: string | undefined, nowMs: number): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Math.min(Number(text) * 1000, RETRY_AFTER_CAP_MS);
  // HTTP-date (IMF-fixdate, or the obsolete RFC 850 / asctime forms Date.parse also reads).
  if (!/[a-z]/i.test(text)) return undefined;
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return Math.min(Math.max(0, at - nowMs), RETRY_AFTER_CAP_MS);
}

/**
 * Returns the minimum poll interval a response asks for — the larger of RSS `<ttl>` (minutes,
 * RSS 2.0) and Cache-Control `max-age` (seconds, RFC 9111 §5.2.2.1) — capped at `capMs`; 0 when it
 * asks for none, when Cache-Control says no-cache/no-store, or when capMs is 0 (honouring disabled).
 */
export function feedMinIntervalMs(input: { ttlMinutes?: number; cacheControl?: string }, capMs: number): number {
  if (capMs <= 0) return 0;
  let ms = 0;
  if (input.ttlMinutes !== undefined && Number.isFinite(input.ttlMinutes) && input.ttlMinutes > 0) ms = input.ttlMinutes * 60_000;
  const cc = input.cacheControl?.toLowerCase();
  if (cc !== undefined) {
    if (/(?:^|,)\s*(?:no-cache|no-store)\b/.test(cc)) return 0;
    const maxAge = /(?:^|,)\s*max-age\s*=\s*"?(\d+)"?/.exec(cc);
    if (maxAge) ms = Math.max(ms, Number(maxAge[1]) * 1000);
  }
  return Math.min(ms, capMs);
}

/** Returns the RSS 2.0 `<ttl>` of a document's text in minutes, if it has one (looked for before the first item). */
export function findRssTtlMinutes(text: string): number | undefined {
  // The channel's head: up to the first item, within the first 64 KiB (an Atom or JSON document has no <item>,
  // and searching all of a large one for it cost a full case-insensitive scan per document).
  const window = text.slice(0, 65_536);
  const head = window.slice(0, Math.max(0, window.search(/<item[\s>]/i)) || 65_536);
  const match = /<ttl>\s*(\d{1,7})\s*<\/ttl>/i.exec(head);
  return match ? Number(match[1]) : undefined;
}

/**
 * Returns where a chain of redirects permanently moved the resource: the target of the last hop of
 * the leading run of 301/308 hops (a later 302/307 is temporary and not followed into the store),
 * or undefined when the first hop is not permanent.
 */
export function permanentRedirectTarget(hops: readonly RedirectHop[] | undefined): string | undefined {
  let target: string | undefined;
  for (const hop of hops ?? []) {
    if (hop.status !== 301 && hop.status !== 308) break;
    target = hop.to;
  }
  return target;
}
