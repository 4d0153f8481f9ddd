import { resolve as resolvePath } from 'node:path';
import { pathToFileURL } from 'node:url';
import { decodeBytes } from '../../decode/decode-bytes.js';
import { fetchSource } from '../../fetch/fetch-source.js';
import { StoryfeedError, describeError } from '../../lib/errors.js';
import type { DecodedDocument, Item, ParsedFeed } from '../../model.js';
import { findDocumentBaseUrl, findHeaderLanguage } from '../../normalize/document-base-url.js';
import { normalizeFeed } from '../../normalize/normalize-feed.js';
import { normalizeFeedInfo, type FeedInfo } from '../../normalize/normalize-feed-info.js';
import { parseFeed } from '../../parse/parse-feed.js';
import { defaultUserAgent } from '../../config/resolve-config.js';
import { EXIT, type Command } from './command.js';
import { DEFAULTS } from '../../config/schema.js';

/** Everything storyfeed makes of one document, stage by stage. */
export interface FeedReport {
  decoded: Pick<DecodedDocument, 'encoding' | 'encodingSource'>;
  parsed: ParsedFeed;
  feed: FeedInfo;
  items: Item[];
  warnings: string[];
  /** The URL relative references resolved against (before xml:base): `--base`, else Content-Location, else the document URL. */
  baseUrl: string;
}

/** How to read one document: where it came from and what the transport said. */
export interface DescribeFeedOptions {
  /** The document's URL (http(s) or file:), the default base for relative URLs. */
  url: string;
  /** The Content-Type header, as the fetch stage passes it to decodeBytes. */
  contentType?: string;
  contentTypeCharset?: string;
  /** Base URL overriding `url` and Content-Location for relative links (`--base`). */
  base?: string;
  /** The Content-Location header: the document's base URL when it is http(s) (see document-base-url.ts). */
  contentLocation?: string;
  /** The Content-Language header: the language of a feed that declares none. */
  contentLanguage?: string;
  /** ISO time the document was fetched (the date of last resort for undated items). */
  fetchedAt: string;
}

/**
 * Returns what the pipeline makes of one fetched body: decode → parse → normalize, the same calls in the
 * same order as read-source.ts. Throws the stages' typed errors (ParseError for a document that is not a feed).
 */
export function describeFeed(body: Uint8Array, options: DescribeFeedOptions): FeedReport {
  const decoded = decodeBytes(body, {
    ...(options.contentType !== undefined ? { contentType: options.contentType } : {}),
    ...(options.contentTypeCharset !== undefined ? { contentTypeCharset: options.contentTypeCharset } : {}),
  });
  const parsed = parseFeed(decoded.text);
  const baseUrl = options.base ?? findDocumentBaseUrl(options.url, options.contentLocation);
  const language = findHeaderLanguage(options.contentLanguage);
  const { items, warnings } = normalizeFeed(parsed, { id: 'parse', name: options.url, url: options.url }, { fetchedAt: options.fetchedAt, baseUrl, ...(language !== undefined ? { language } : {}) });
  if (parsed.recovered) warnings.unshift(`malformed feed, recovered ${items.length} items`);
  return { decoded: { encoding: decoded.encoding, encodingSource: decoded.encodingSource }, parsed, feed: normalizeFeedInfo(parsed, baseUrl, language), items, warnings, baseUrl };
}

/** Returns the JSON shape `storyfeed parse` prints: feed metadata, then each item with ISO UTC dates (null when absent). */
export function feedReportJson(report: FeedReport): unknown {
  return {
    feed: { ...report.feed, encoding: report.decoded.encoding, encodingSource: report.decoded.encodingSource },
    items: report.items.map((item) => ({
      id: item.id,
      guid: item.guid,
      title: item.title,
      url: item.url,
      published: item.published,
      updated: item.updated,
      date: item.date,
      dateSource: item.dateSource,
      authors: item.authors,
      categories: item.categories,
      language: item.language,
      summary: item.summary,
      content: item.contentHtml,
    })),
    warnings: report.warnings,
  };
}


/** `storyfeed parse FILE|URL [--base URL]`: prints what storyfeed makes of one feed, as JSON. */
export const parseCommand: Command = {
  name: 'parse',
  synopsis: 'parse     FILE|URL [--base URL]  print what storyfeed makes of one feed, as JSON',
  help: `Usage: storyfeed parse FILE|URL [--base URL]

Prints what storyfeed makes of one feed, as JSON: the feed's metadata and encoding, each item (id,
title, url, dates and where the date came from, authors, categories, summary, sanitised content) and
warnings. Needs no configuration and stores nothing.

Options:
  --base URL   resolve relative links against URL instead of the document's own URL

Exit codes: 0 parsed; 1 cannot fetch it or it is not a feed; 2 bad usage.
`,
  options: { base: { type: 'string' } },
  async handler(ctx) {
    const target = ctx.args[0];
    const base = ctx.values['base'];
    if (target === undefined || ctx.args.length > 1 || (base !== undefined && typeof base !== 'string')) {
      ctx.stderr('storyfeed: usage: storyfeed parse FILE|URL [--base URL]\n');
      return EXIT.usage;
    }
    if (typeof base === 'string' && !URL.canParse(base)) {
      ctx.stderr(`storyfeed: --base must be an absolute URL, not ${JSON.stringify(base)}\n`);
      return EXIT.usage;
    }
    const isUrl = /^(?:https?|file):/i.test(target);
    const url = isUrl ? target : pathToFileURL(resolvePath(target)).href;
    try {
      const doc = await fetchSource(
        { id: 'parse', url: isUrl ? target : resolvePath(target) },
        { timeoutMs: DEFAULTS.fetch.timeoutMs, maxBytes: DEFAULTS.fetch.maxBytes, userAgent: defaultUserAgent(undefined) },
      );
      const contentType = doc.headers['content-type'];
      const contentLocation = doc.headers['content-location'];
      const contentLanguage = doc.headers['content-language'];
      const report = describeFeed(doc.body, {
        url: /^https?:/i.test(doc.url) ? doc.url : url,
        ...(contentType !== undefined ? { contentType } : {}),
        ...(doc.contentTypeCharset !== undefined ? { contentTypeCharset: doc.contentTypeCharset } : {}),
        ...(typeof base === 'string' ? { base } : {}),
        ...(contentLocation !== undefined ? { contentLocation } : {}),
        ...(contentLanguage !== undefined ? { contentLanguage } : {}),
        // The edge may read the clock: this is when the document was fetched.
        fetchedAt: new Date().toISOString(),
      });
      ctx.stdout(`${JSON.stringify(feedReportJson(report), null, 2)}\n`);
      return EXIT.ok;
    } catch (error) {
      if (!(error instanceof StoryfeedError)) throw error;
      const described = describeError(error);
      ctx.stderr(`storyfeed: ${described.message} (${described.code})\n`);
      return EXIT.failed;
    }
  },
};
