import { DOCUMENT_LIMITS } from '../config/document-limits.js';
import { createHash } from 'node:crypto';
import { decodeBytes } from '../decode/decode-bytes.js';
import { fetchSource, HttpStatusError, type FetchOptions } from '../fetch/fetch-source.js';
import {
  backoffDelayMs,
  feedMinIntervalMs,
  findRssTtlMinutes,
  parseRetryAfterMs,
  permanentRedirectTarget,
  type BackoffOptions,
} from './poll-policy.js';
import type { RunProgress } from './run-progress.js';
import { mapByHost, type HostLimits, type HostSlot, type ScheduleEvents } from '../fetch/schedule-by-host.js';
import { describeError, FetchError } from '../lib/errors.js';
import type { Logger } from '../lib/logger.js';
import type { FetchedDocument, Item, Source, SourceOutcome } from '../model.js';
import { findDocumentBaseUrl, findHeaderLanguage } from '../normalize/document-base-url.js';
import { errorFrom } from './read-document.js';
import { inlineReader, type DocumentReader } from './read-pool.js';
import type { SourceState } from '../store/open-store.js';
import { DEFAULTS } from '../config/schema.js';

/** What reading one source produced: its items (if any), its outcome, and its fetch state for next time. */
export interface SourceResult {
  items: Item[];
  outcome: SourceOutcome;
  state: SourceState;
  /** Milliseconds spent in each stage for this source (0 for a stage not reached). */
  timings: SourceTimings;
}

export interface SourceTimings {
  fetchMs: number;
  /** Decoding bytes to text and parsing the text. */
  parseMs: number;
  normalizeMs: number;
}

/** The `fetch` slice of the config readSource needs; the polling policy fields default as in the schema. */
export type ReadSourceOptions = FetchOptions &
  Partial<BackoffOptions> & {
    /** Cap on a feed's <ttl> / max-age; 0 ignores them. */
    maxFeedIntervalMs?: number;
    /** Consecutive polls a permanent redirect must be seen on before the fetch URL is updated. */
    redirectPromoteAfter?: number;
    /** Entries read from one document (DOCUMENT_LIMITS when absent). */
    maxItemsPerDocument?: number;
    /** Element nesting depth at which a document is refused (DOCUMENT_LIMITS when absent). */
    maxDepth?: number;
  };

export interface ReadSourceDeps {
  logger: Logger;
  /** ISO time of this run: items without a date of their own are dated with it, and poll times count from it. */
  fetchedAt: string;
  fetch?: typeof fetch;
  /** Monotonic milliseconds (durations, the run budget). */
  monotonicNow?: () => number;
  /** Monotonic time after which no fetch starts and running ones are cut short (the run budget). */
  deadlineMs?: number;
  /** Jitter source for back-off, in [0, 1). */
  random?: () => number;
  /** Where documents are decoded, parsed and normalised (default: on this thread). */
  reader?: Pick<DocumentReader, 'read'>;
  /** The source's host slot (readSources): released as soon as the response is read, before parsing. */
  hostSlot?: HostSlot;
}

// A run that starts a little before a stored poll time still polls: cron ticks and run start times
// drift by seconds, and a feed with <ttl>60</ttl> on a 30-minute schedule must be read every other run.
const POLL_TOLERANCE_MS = 60_000;

/**
 * Returns the URL a source is fetched from: a promoted permanent redirect while the configured URL is unchanged, else
 * the configured URL.
 */
export function effectiveUrl(source: Pick<Source, 'url'>, state: SourceState | null): string {
  return state?.fetchUrl && state.fetchUrlFrom === source.url ? state.fetchUrl : source.url;
}

/**
 * Returns why a source is not polled at `nowMs` (410 Gone, back-off, Retry-After, minimum interval), or undefined when
 * it is due.
 */
function skipReasonFor(
  source: Pick<Source, 'url'>,
  state: SourceState | null,
  nowMs: number,
): SourceOutcome['skipReason'] | undefined {
  if (!state) return undefined;
  const url = effectiveUrl(source, state);
  if (!/^https?:/i.test(url)) return undefined; // local files cost nothing to read: no politeness needed
  if (state.goneUrl && state.goneUrl === url) return 'gone';
  const next = state.nextPollAt ? Date.parse(state.nextPollAt) : NaN;
  if (!Number.isNaN(next) && next - nowMs > POLL_TOLERANCE_MS) {
    const reason = state.nextPollReason;
    return reason === 'retry-after' || reason === 'min-interval' ? reason : 'back-off';
  }
  return undefined;
}

/**
 * Fetches, decodes, parses and normalises one source, and returns its items, its outcome and its new
 * fetch state. Never throws: a failure at any stage becomes a failed outcome. A source that is not
 * due (back-off, Retry-After, <ttl>, 410 Gone) or that the run budget has no time left for is
 * `skipped` without a request; a 304, or a 200 whose body hashes as last time, is `not-modified` and
 * not parsed.
 */
export async function readSource(
  source: Source,
  previous: SourceState | null,
  options: ReadSourceOptions,
  deps: ReadSourceDeps,
): Promise<SourceResult> {
  const monotonic = deps.monotonicNow ?? (() => performance.now());
  const t0 = monotonic();
  const nowMs = Date.parse(deps.fetchedAt);
  const url = effectiveUrl(source, previous);
  const base = {
    sourceId: source.id,
    sourceName: source.name,
    url: source.url,
    ...(url !== source.url ? { fetchUrl: url } : {}),
  };
  const elapsed = () => Math.max(0, Math.round(monotonic() - t0));
  const timings: SourceTimings = { fetchMs: 0, parseMs: 0, normalizeMs: 0 };

  const skip =
    skipReasonFor(source, previous, nowMs) ??
    (deps.deadlineMs !== undefined && t0 >= deps.deadlineMs ? 'run-budget' : undefined);
  if (skip) {
    const lastError =
      previous?.lastError && skip !== 'min-interval'
        ? {
            code: previous.lastErrorCode ?? 'unknown',
            message: previous.lastError,
            stage: (previous.lastErrorCode ?? 'fetch').split('/')[0]!,
          }
        : null;
    const outcome: SourceOutcome = {
      ...base,
      status: 'skipped',
      itemsSeen: 0,
      newItems: 0,
      error: lastError,
      warnings: [],
      durationMs: 0,
      skipReason: skip,
      ...(skip !== 'gone' && skip !== 'run-budget' && previous?.nextPollAt ? { nextPollAt: previous.nextPollAt } : {}),
    };
    deps.hostSlot?.release('unused');
    deps.logger.info('source skipped', { sourceId: source.id, reason: skip, nextPollAt: outcome.nextPollAt });
    return { items: [], outcome, state: previous ?? initialState(source), timings };
  }

  const remainingMs = deps.deadlineMs === undefined ? Infinity : Math.max(1, Math.floor(deps.deadlineMs - t0));
  const fetchOptions: FetchOptions = {
    timeoutMs: Math.min(options.timeoutMs, remainingMs),
    maxBytes: options.maxBytes,
    userAgent: options.userAgent,
    ...(options.headersTimeoutMs !== undefined ? { headersTimeoutMs: options.headersTimeoutMs } : {}),
    ...(options.maxRedirects !== undefined ? { maxRedirects: options.maxRedirects } : {}),
  };
  const policy = {
    backoffBaseMs: options.backoffBaseMs ?? DEFAULTS.fetch.backoffBaseMs,
    backoffMaxMs: options.backoffMaxMs ?? DEFAULTS.fetch.backoffMaxMs,
    maxFeedIntervalMs: options.maxFeedIntervalMs ?? DEFAULTS.fetch.maxFeedIntervalMs,
    promoteAfter: options.redirectPromoteAfter ?? DEFAULTS.fetch.redirectPromoteAfter,
  };
  const isHttp = /^https?:/i.test(url);
  const warnings: string[] = [];

  let doc: FetchedDocument | undefined;
  try {
    const mark = monotonic();
    doc = await fetchSource({ id: source.id, url }, fetchOptions, deps.fetch ? { fetch: deps.fetch } : {}, {
      etag: previous?.etag ?? null,
      lastModified: previous?.lastModified ?? null,
    });
    timings.fetchMs = monotonic() - mark;
    // The host's part is done (the whole body is read): the next request to it need not wait for this parse.
    deps.hostSlot?.release('answered');
    const redirect = trackRedirect(source, previous, doc, policy.promoteAfter, warnings, deps.logger);
    const headers = doc.headers;
    // RFC 9111 §4.3.4: a 304 keeps the stored validators, updated by any the 304 itself carries.
    const validators = {
      etag: headers.etag ?? (doc.status === 304 ? (previous?.etag ?? null) : null),
      lastModified: headers['last-modified'] ?? (doc.status === 304 ? (previous?.lastModified ?? null) : null),
    };

    if (doc.status === 304) {
      const interval = isHttp
        ? feedMinIntervalMs(
            { ...(headers['cache-control'] ? { cacheControl: headers['cache-control'] } : {}) },
            policy.maxFeedIntervalMs,
          )
        : 0;
      const outcome = notModified(base, warnings, elapsed(), interval, nowMs);
      return {
        items: [],
        outcome,
        state: successState(source, previous, deps.fetchedAt, outcome, {
          ...validators,
          ...redirect,
          bodyHash: previous?.bodyHash ?? null,
          itemCount: previous?.itemCount ?? null,
          interval,
        }),
        timings,
      };
    }

    const bodyHash = createHash('sha256').update(doc.body).digest('hex');
    const hints = {
      ...(headers['content-type'] !== undefined ? { contentType: headers['content-type'] } : {}),
      ...(doc.contentTypeCharset !== undefined ? { contentTypeCharset: doc.contentTypeCharset } : {}),
    };
    const intervalFor = (ttlMinutes: number | undefined): number =>
      isHttp
        ? feedMinIntervalMs(
            {
              ...(ttlMinutes !== undefined ? { ttlMinutes } : {}),
              ...(headers['cache-control'] ? { cacheControl: headers['cache-control'] } : {}),
            },
            policy.maxFeedIntervalMs,
          )
        : 0;

    // The same bytes as the last successful parse: nothing can have changed, so parsing is skipped.
    if (previous?.bodyHash === bodyHash) {
      const interval = intervalFor(findRssTtlMinutes(decodeBytes(doc.body, hints).text));
      const outcome = notModified(base, warnings, elapsed(), interval, nowMs);
      return {
        items: [],
        outcome,
        state: successState(source, previous, deps.fetchedAt, outcome, {
          ...validators,
          ...redirect,
          bodyHash,
          itemCount: previous.itemCount ?? null,
          interval,
        }),
        timings,
      };
    }

    // Decode, parse and normalise (read-document.ts), on this thread or in a worker thread. The same document context
    // `storyfeed parse` uses: Content-Location as base, Content-Language as last-resort language.
    const baseUrl = /^https?:/i.test(doc.url) ? findDocumentBaseUrl(doc.url, headers['content-location']) : undefined;
    const language = findHeaderLanguage(headers['content-language']);
    const read = await (deps.reader ?? inlineReader).read({
      body: doc.body,
      ...hints,
      source: {
        id: source.id,
        name: source.name,
        url: source.url,
        ...(source.category !== undefined ? { category: source.category } : {}),
      },
      limits: {
        maxItemsPerDocument: options.maxItemsPerDocument ?? DOCUMENT_LIMITS.maxItemsPerDocument,
        maxDepth: options.maxDepth ?? DOCUMENT_LIMITS.maxDepth,
      },
      context: { fetchedAt: deps.fetchedAt, ...(baseUrl ? { baseUrl } : {}), ...(language ? { language } : {}) },
    });
    timings.parseMs = read.parseMs;
    timings.normalizeMs = read.normalizeMs;
    if (!read.ok) throw errorFrom(read.error);
    const interval = intervalFor(read.ttlMinutes);
    const items = read.items;
    for (const w of read.warnings) warnings.push(w);
    if (read.cut)
      deps.logger.warn('entries over the per-document cap left out', {
        sourceId: source.id,
        listed: read.cut.listed,
        kept: read.cut.kept,
      });
    if (read.recovered) warnings.unshift(`malformed feed, recovered ${items.length} items`);
    for (const w of warnings) deps.logger.debug('source warning', { sourceId: source.id, warning: w });
    const outcome: SourceOutcome = {
      ...base,
      status: 'ok',
      itemsSeen: items.length,
      newItems: 0,
      error: null,
      warnings,
      durationMs: elapsed(),
      ...(interval > 0 ? { nextPollAt: new Date(nowMs + interval).toISOString() } : {}),
    };
    return {
      items,
      outcome,
      state: successState(source, previous, deps.fetchedAt, outcome, {
        ...validators,
        ...redirect,
        bodyHash,
        itemCount: items.length,
        interval,
      }),
      timings,
    };
  } catch (error) {
    deps.hostSlot?.release('failed'); // a no-op when the host answered and reading the document failed
    const described = describeError(error);
    deps.logger.warn('source failed', {
      sourceId: source.id,
      stage: described.stage,
      code: described.code,
      error: described.message,
    });
    const failures = (previous?.consecutiveFailures ?? 0) + 1;
    let nextPollAt: string | null = null;
    let nextPollReason: string | null = null;
    let goneUrl: string | null = null;
    if (error instanceof FetchError && error.code === 'fetch/gone') {
      goneUrl = url; // disabled until the configured URL changes; status.json keeps saying why
      deps.logger.warn('source disabled: HTTP 410 Gone', { sourceId: source.id, url });
      warnings.push('HTTP 410 Gone: the source is disabled until its URL is changed in the config');
    } else if (isHttp) {
      const backoffMs = backoffDelayMs(failures, policy, deps.random);
      const retryAfterMs =
        error instanceof HttpStatusError && (error.status === 429 || error.status === 503)
          ? parseRetryAfterMs(error.retryAfter, nowMs)
          : undefined;
      const delayMs = Math.max(backoffMs, retryAfterMs ?? 0);
      if (delayMs > 0) {
        nextPollAt = new Date(nowMs + delayMs).toISOString();
        nextPollReason = retryAfterMs !== undefined && retryAfterMs >= backoffMs ? 'retry-after' : 'back-off';
      }
    }
    const outcome: SourceOutcome = {
      ...base,
      status: 'failed',
      itemsSeen: 0,
      newItems: 0,
      error: described,
      warnings,
      durationMs: elapsed(),
      ...(nextPollAt ? { nextPollAt } : {}),
    };
    const state: SourceState = {
      ...(previous ?? initialState(source)),
      id: source.id,
      url: source.url,
      name: source.name,
      lastStatus: 'failed',
      lastError: described.message,
      lastErrorCode: described.code,
      lastFetchedAt: deps.fetchedAt,
      consecutiveFailures: failures,
      nextPollAt,
      nextPollReason,
      goneUrl,
      // A failure is a poll on which the permanent redirect was not confirmed.
      redirectUrl: null,
      redirectCount: 0,
    };
    return { items: [], outcome, state, timings };
  }
}

/** What reading every source needs beyond one source's options. */
export interface ReadSourcesDeps extends Omit<ReadSourceDeps, 'deadlineMs' | 'hostSlot'> {
  progress?: RunProgress | undefined;
  /**
   * Called with each source's result as soon as it settles (in settling order), with the source's index in
   * `sources`. It may take the items (store them and empty `result.items`), so that a run need not hold every
   * source's items until the last one settles. If it throws, readSources rejects.
   */
  onResult?: (result: SourceResult, index: number) => void;
  /** The per-host scheduler's decisions (tests, diagnostics). */
  scheduleEvents?: ScheduleEvents;
}

/**
 * Reads every source under the global and per-host limits and the run budget; returns one result
 * per source, in config order (with whatever items `deps.onResult` left in them). Sources that will be
 * skipped take no host slot and no spacing.
 */
export async function readSources(
  sources: readonly Source[],
  stateOf: (id: string) => SourceState | null,
  options: ReadSourceOptions & HostLimits & { runBudgetMs?: number },
  deps: ReadSourcesDeps,
): Promise<SourceResult[]> {
  const monotonic = deps.monotonicNow ?? (() => performance.now());
  const nowMs = Date.parse(deps.fetchedAt);
  const deadlineMs = options.runBudgetMs !== undefined ? monotonic() + options.runBudgetMs : undefined;
  const { progress, onResult, scheduleEvents, ...rest } = deps;
  const logger = progress ? progress.wrapLogger(deps.logger) : deps.logger;
  const states = sources.map((s) => stateOf(s.id));
  progress?.start(sources.length);
  try {
    return await mapByHost(
      sources,
      options,
      (source, i) => {
        const state = states[i] ?? null;
        if (skipReasonFor(source, state, nowMs)) return null;
        const url = effectiveUrl(source, state);
        return /^https?:/i.test(url) ? new URL(url).hostname.toLowerCase() : null;
      },
      async (source, i, hostSlot) => {
        const result = await readSource(source, states[i] ?? null, options, {
          ...rest,
          logger,
          hostSlot,
          ...(deadlineMs !== undefined ? { deadlineMs } : {}),
        });
        progress?.settled(result.outcome);
        onResult?.(result, i);
        return result;
      },
      { now: monotonic, ...(scheduleEvents ? { events: scheduleEvents } : {}) },
    );
  } finally {
    progress?.end();
  }
}

function notModified(
  base: Pick<SourceOutcome, 'sourceId' | 'sourceName' | 'url' | 'fetchUrl'>,
  warnings: string[],
  durationMs: number,
  intervalMs: number,
  nowMs: number,
): SourceOutcome {
  return {
    ...base,
    status: 'not-modified',
    itemsSeen: 0,
    newItems: 0,
    error: null,
    warnings,
    durationMs,
    ...(intervalMs > 0 ? { nextPollAt: new Date(nowMs + intervalMs).toISOString() } : {}),
  };
}

type RedirectState = Pick<SourceState, 'fetchUrl' | 'fetchUrlFrom' | 'redirectUrl' | 'redirectCount'>;

// A permanent redirect (301/308) seen on `promoteAfter` consecutive polls becomes the URL fetched;
// the config stays the user's, so the promoted URL lives in the store, tied to the configured URL.
function trackRedirect(
  source: Source,
  prev: SourceState | null,
  doc: FetchedDocument,
  promoteAfter: number,
  warnings: string[],
  logger: Logger,
): RedirectState {
  const kept: RedirectState = {
    fetchUrl: prev?.fetchUrlFrom === source.url ? (prev.fetchUrl ?? null) : null,
    fetchUrlFrom: prev?.fetchUrlFrom === source.url ? source.url : null,
    redirectUrl: null,
    redirectCount: 0,
  };
  const target = permanentRedirectTarget(doc.redirects);
  if (target === undefined) return kept;
  const count = prev?.redirectUrl === target ? (prev.redirectCount ?? 0) + 1 : 1;
  if (count >= promoteAfter) {
    logger.info('source URL updated after a permanent redirect', {
      sourceId: source.id,
      from: doc.redirects?.[0]?.from,
      to: target,
      polls: count,
    });
    warnings.push(`permanent redirect seen on ${count} consecutive polls: now fetching ${target}`);
    return { fetchUrl: target, fetchUrlFrom: source.url, redirectUrl: null, redirectCount: 0 };
  }
  warnings.push(
    `permanent redirect to ${target} (seen on ${count} of ${promoteAfter} polls before the URL is updated)`,
  );
  return { ...kept, redirectUrl: target, redirectCount: count };
}

function successState(
  source: Source,
  prev: SourceState | null,
  at: string,
  outcome: SourceOutcome,
  fields: RedirectState & {
    etag: string | null;
    lastModified: string | null;
    bodyHash: string | null;
    itemCount: number | null;
    interval: number;
  },
): SourceState {
  const { interval, ...rest } = fields;
  return {
    ...(prev ?? initialState(source)),
    ...rest,
    id: source.id,
    url: source.url,
    name: source.name,
    lastStatus: outcome.status,
    lastError: null,
    lastErrorCode: null,
    lastFetchedAt: at,
    lastSuccessAt: at,
    consecutiveFailures: 0,
    nextPollAt: interval > 0 ? (outcome.nextPollAt ?? null) : null,
    nextPollReason: interval > 0 ? 'min-interval' : null,
    goneUrl: null,
  };
}

/** A source's state before its first fetch: nothing known of it yet. */
export function initialState(source: Source): SourceState {
  return {
    id: source.id,
    url: source.url,
    name: source.name,
    lastStatus: null,
    lastError: null,
    lastFetchedAt: null,
    lastSuccessAt: null,
    consecutiveFailures: 0,
    etag: null,
    lastModified: null,
    bodyHash: null,
  };
}
