import { decodeBytes } from './fetch/decode-bytes.js';
import { fetchSource, type FetchOptions } from './fetch/fetch-source.js';
import { describeError } from './lib/errors.js';
import type { Logger } from './lib/logger.js';
import type { Item, Source, SourceOutcome } from './model.js';
import { normalizeFeed } from './normalize/normalize-feed.js';
import { parseFeed } from './parse/parse-feed.js';
import type { SourceState } from './store/open-store.js';

/** What reading one source produced: its items (if any), its outcome, and its fetch state for next time. */
export interface SourceResult {
  items: Item[];
  outcome: SourceOutcome;
  state: SourceState;
}

export interface ReadSourceDeps {
  logger: Logger;
  /** ISO time of this run: items without a date of their own are dated with it. */
  fetchedAt: string;
  fetch?: typeof fetch;
}

/**
 * Fetches, decodes, parses and normalises one source, and returns its items, its outcome and its new
 * fetch state. Never throws: a failure at any stage becomes a failed outcome.
 */
export async function readSource(source: Source, previous: SourceState | null, options: FetchOptions, deps: ReadSourceDeps): Promise<SourceResult> {
  const t0 = Date.now();
  const base = { sourceId: source.id, sourceName: source.name, url: source.url };
  try {
    const doc = await fetchSource(source, options, deps.fetch ? { fetch: deps.fetch } : undefined);
    const decoded = decodeBytes(doc.body, {
      ...(doc.headers['content-type'] !== undefined ? { contentType: doc.headers['content-type'] } : {}),
      ...(doc.contentTypeCharset !== undefined ? { contentTypeCharset: doc.contentTypeCharset } : {}),
    });
    const feed = parseFeed(decoded.text);
    const baseUrl = /^https?:/i.test(doc.url) ? doc.url : undefined;
    const { items, warnings } = normalizeFeed(feed, source, { fetchedAt: deps.fetchedAt, ...(baseUrl ? { baseUrl } : {}) });
    if (feed.recovered) warnings.unshift(`malformed feed, recovered ${items.length} items`);
    for (const w of warnings) deps.logger.debug('source warning', { sourceId: source.id, warning: w });
    const outcome: SourceOutcome = { ...base, status: 'ok', itemsSeen: items.length, newItems: 0, error: null, warnings, durationMs: Date.now() - t0 };
    return { items, outcome, state: nextState(source, previous, outcome, deps.fetchedAt) };
  } catch (error) {
    const described = describeError(error);
    deps.logger.warn('source failed', { sourceId: source.id, stage: described.stage, code: described.code, error: described.message });
    const outcome: SourceOutcome = { ...base, status: 'failed', itemsSeen: 0, newItems: 0, error: described, warnings: [], durationMs: Date.now() - t0 };
    return { items: [], outcome, state: nextState(source, previous, outcome, deps.fetchedAt) };
  }
}

function nextState(source: Source, prev: SourceState | null, outcome: SourceOutcome, at: string): SourceState {
  const ok = outcome.status !== 'failed';
  return {
    id: source.id,
    url: source.url,
    name: source.name,
    lastStatus: outcome.status,
    lastError: outcome.error?.message ?? null,
    lastFetchedAt: at,
    lastSuccessAt: ok ? at : (prev?.lastSuccessAt ?? null),
    consecutiveFailures: ok ? 0 : (prev?.consecutiveFailures ?? 0) + 1,
    etag: prev?.etag ?? null,
    lastModified: prev?.lastModified ?? null,
    bodyHash: prev?.bodyHash ?? null,
  };
}
