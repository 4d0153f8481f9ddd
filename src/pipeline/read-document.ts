// Decode + parse + normalize of one fetched body: the CPU-heavy part of reading a source, pure (no I/O), so it
// can run on the calling thread or in a worker thread (read-pool.ts) with the same result.
import { decodeBytes } from '../decode/decode-bytes.js';
import { findRssTtlMinutes } from './poll-policy.js';
import { describeError, StoryfeedError, type ErrorCode, type Stage } from '../lib/errors.js';
import type { Item, Source } from '../model.js';
import { normalizeFeed, type NormalizeContext } from '../normalize/normalize-feed.js';
import { parseFeed } from '../parse/parse-feed.js';
import { DOCUMENT_LIMITS, type DocumentLimits } from '../config/document-limits.js';

/** One fetched body to read, with what the transport said about it. */
export interface DocumentJob {
  body: Uint8Array;
  contentType?: string;
  contentTypeCharset?: string;
  source: Pick<Source, 'id' | 'name' | 'url' | 'category'>;
  context: NormalizeContext;
  /** Entries read and nesting allowed per document; DOCUMENT_LIMITS when absent. */
  limits?: DocumentLimits;
}

/** What reading a body gave: the items, or the error (as describeError gives it), and the time each step took. */
export type DocumentResult = (
  | { ok: true; items: Item[]; warnings: string[]; recovered: boolean; ttlMinutes?: number; cut?: { listed: number; kept: number } }
  | { ok: false; error: { code: string; message: string; stage: string } }
) & {
  /** Decoding and parsing, milliseconds. */
  parseMs: number;
  normalizeMs: number;
};

/** Reads one body on the calling thread. Never throws: a failure is returned as `{ ok: false }`. */
export function readDocument(job: DocumentJob): DocumentResult {
  let mark = performance.now();
  let parseMs = 0;
  try {
    const decoded = decodeBytes(job.body, {
      ...(job.contentType !== undefined ? { contentType: job.contentType } : {}),
      ...(job.contentTypeCharset !== undefined ? { contentTypeCharset: job.contentTypeCharset } : {}),
    });
    const ttlMinutes = findRssTtlMinutes(decoded.text);
    const limits = job.limits ?? DOCUMENT_LIMITS;
    const parsed = parseFeed(decoded.text, limits);
    // The first entries in document order are kept (feeds list the newest first); the cut is reported, not silent.
    const listed = parsed.entriesListed ?? parsed.entries.length;
    const feed = listed > limits.maxItemsPerDocument ? { ...parsed, entries: parsed.entries.slice(0, limits.maxItemsPerDocument) } : parsed;
    delete feed.entriesListed;
    parseMs = performance.now() - mark;
    mark = performance.now();
    // No output copies article HTML (render/story-html.ts builds merged entries from the plain-text fields), so the
    // pipeline neither sanitises it nor stores it: the text fields are the same strings either way.
    const normalized = normalizeFeed(feed, job.source, job.context, { contentHtml: false });
    return {
      ok: true,
      items: normalized.items,
      warnings: feed === parsed ? normalized.warnings : [`${listed} entries listed, the first ${limits.maxItemsPerDocument} read (fetch.maxItemsPerDocument)`, ...normalized.warnings],
      recovered: feed.recovered === true,
      ...(feed === parsed ? {} : { cut: { listed, kept: limits.maxItemsPerDocument } }),
      ...(ttlMinutes !== undefined ? { ttlMinutes } : {}),
      parseMs,
      normalizeMs: performance.now() - mark,
    };
  } catch (error) {
    const elapsed = performance.now() - mark;
    return { ok: false, error: describeError(error), parseMs: parseMs === 0 ? elapsed : parseMs, normalizeMs: parseMs === 0 ? 0 : elapsed };
  }
}

/** Returns an error that describeError turns back into `described` (an error read in a worker crosses as plain data). */
export function errorFrom(described: { code: string; message: string; stage: string }): Error {
  // An unexpected error inside the worker (a bug, not a bad document) crosses as 'internal' and stays a plain Error,
  // so the caller reports it as the bug it is.
  if (described.stage === 'internal') return new Error(described.message);
  const prefix = `${described.stage}: `;
  const message = described.message.startsWith(prefix) ? described.message.slice(prefix.length) : described.message;
  return new StoryfeedError(described.stage as Stage, described.code as ErrorCode, message);
}
