import { validate as validateCron } from 'node-cron';
import { z } from 'zod';
import { DOCUMENT_LIMITS } from './document-limits.js';

// The shape of config.json. Defaults live here and nowhere else; `resolveConfig` turns the parsed
// value into a ResolvedConfig with absolute paths.

const isTimezone = (tz: string): boolean => {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false; // Intl throws RangeError for unknown zones: that is the answer we want.
  }
};

const isHttpUrl = (value: string): boolean => {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false; // not a URL at all: the caller reports it
  }
};

/** A source's url: an http(s) URL, or a file path (relative to the config file). */
const sourceUrl = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .refine((v) => !/^[a-z][a-z0-9+.-]+:/i.test(v) || isHttpUrl(v) || v.startsWith('file://'), {
    message: 'must be an http(s) URL or a file path',
  });

const sourceSchema = z.strictObject({
  id: z
    .string()
    .regex(
      /^[a-z0-9][a-z0-9_-]{0,63}$/,
      'must be 1-64 characters of a-z, 0-9, "-" or "_", starting with a letter or digit',
    ),
  name: z.string().trim().min(1, 'must not be empty'),
  url: sourceUrl,
  priority: z.number().int().min(-100).max(100).default(0),
  /** A folder of the reader's own (OPML folders, nested ones joined with " / "); a category of every article. */
  category: z.string().trim().min(1, 'must not be empty (leave the key out instead)').max(200).optional(),
  /** The site's page (OPML htmlUrl). */
  siteUrl: z.string().refine(isHttpUrl, { message: 'must be an http(s) URL' }).optional(),
});

const scheduleSchema = z.strictObject({
  cron: z
    .string()
    .refine((v) => validateCron(v), { message: 'is not a valid cron expression (e.g. "*/30 * * * *")' })
    .default('*/30 * * * *'),
  timezone: z
    .string()
    .refine(isTimezone, { message: 'is not a known IANA time zone (e.g. "UTC", "Europe/Berlin")' })
    .default('UTC'),
  /** Lets schedule.cron fire more than once a minute (a seconds field other than one number): for tests and demos. */
  allowSubMinute: z.boolean().default(false),
});

const outputSchema = z.strictObject({
  dir: z.string().min(1).default('output'),
  title: z.string().trim().min(1).default('storyfeed'),
  subtitle: z.string().optional(),
  id: z
    .string()
    .refine((v) => /^[a-z][a-z0-9+.-]*:/i.test(v), {
      message: 'must be an absolute IRI such as "urn:storyfeed:my-news" or a URL',
    })
    .default('urn:storyfeed:feed'),
  selfUrl: z.url({ protocol: /^https?$/ }).default('http://127.0.0.1:8080/feed.atom'),
  author: z.string().trim().min(1).default('storyfeed'),
  maxStories: z.number().int().min(1).max(10_000).default(100),
});

const clusterSchema = z.strictObject({
  /** Items further apart than this (by date) are never grouped; undated items are not constrained. */
  windowHours: z
    .number()
    .positive()
    .max(24 * 365)
    .default(72),
  /** Minimum mean pair probability (the pair model's estimate) for two groups of items to merge. */
  threshold: z.number().gt(0).lt(1).default(0.54),
  /** Minimum mean pair probability when both groups already have an item of the same outlet. */
  sameSourceThreshold: z.number().gt(0).max(1).default(0.7),
  /**
   * Story level (cluster/join-stories.ts): least profile cosine × closeness in time for a dated group to join a story.
   */
  storyJoinThreshold: z.number().gt(0).max(1).default(0.12),
  /** Story level: least profile cosine × closeness in time for two stories to merge after the pass. */
  storyMergeThreshold: z.number().gt(0).max(1).default(0.18),
  /**
   * Worker threads that share the item graph of a large batch (a cold run, a big import) with the main thread, at
   * most the machine's cores less one (cluster/graph-threads.ts); 0: the main thread alone. The same stories either
   * way.
   */
  threads: z.number().int().min(0).max(16).default(1),
});

const fetchSchema = z.strictObject({
  /** One deadline for a whole fetch: connection, redirects, headers and body. */
  timeoutMs: z.number().int().min(100).max(600_000).default(20_000),
  /** Largest body accepted, counted after Content-Encoding is undone. */
  maxBytes: z
    .number()
    .int()
    .min(1024)
    .max(1024 * 1024 * 1024)
    .default(10 * 1024 * 1024),
  /** Sources fetched at once. */
  concurrency: z.number().int().min(1).max(64).default(4),
  /** The User-Agent header; by default `storyfeed/<version>` with contactUrl. */
  userAgent: z.string().min(1).optional(),
  /**
   * Where publishers can learn about this installation and reach its operator (in the User-Agent and the feed's
   * generator).
   */
  contactUrl: z
    .string()
    .refine((v) => isHttpUrl(v) || /^mailto:[^@\s]+@[^@\s]+$/i.test(v), {
      message: 'must be an http(s) URL or a mailto: address (where publishers can reach you)',
    })
    .optional(),
  /** Per hop, until response headers (connection included). */
  headersTimeoutMs: z.number().int().min(100).max(600_000).default(10_000),
  /** Redirect hops followed before giving up. */
  maxRedirects: z.number().int().min(0).max(20).default(5),
  /** Requests in flight to one host name at a time; 2 as RFC 2616 §8.1.4 put it (docs/politeness.md). */
  perHostConcurrency: z.number().int().min(1).max(16).default(2),
  /**
   * Longest pause after a request before the host's next one: a request earns as long as it took, a failed one all of
   * it.
   */
  hostSpacingMs: z.number().int().min(0).max(60_000).default(250),
  /** Wall-time budget of all fetching in one run; sources not done by then are cut off or skipped. */
  runBudgetMs: z
    .number()
    .int()
    .min(1_000)
    .max(24 * 3_600_000)
    .default(300_000),
  /** First back-off delay after a failure; doubles per consecutive failure, with jitter… */
  backoffBaseMs: z
    .number()
    .int()
    .min(0)
    .max(24 * 3_600_000)
    .default(300_000),
  /** …up to this. */
  backoffMaxMs: z
    .number()
    .int()
    .min(0)
    .max(7 * 24 * 3_600_000)
    .default(24 * 3_600_000),
  /** Cap on the minimum poll interval a feed may ask for (<ttl>, Cache-Control max-age); 0 ignores them. */
  maxFeedIntervalMs: z
    .number()
    .int()
    .min(0)
    .max(7 * 24 * 3_600_000)
    .default(6 * 3_600_000),
  /** Consecutive polls a permanent redirect must be seen on before the fetch URL is updated. */
  redirectPromoteAfter: z.number().int().min(1).max(100).default(3),
  /**
   * Worker threads that decode, parse and normalise documents (pipeline/read-pool.ts); 0: the main thread. Used by a
   * run of 20 sources or more, at most the machine's cores less one, started once the run has asked for 40 documents
   * and three wait to be read.
   */
  readThreads: z.number().int().min(0).max(64).default(1),
  /** Entries read from one document; the rest are left out, with a warning. */
  maxItemsPerDocument: z.number().int().min(1).max(10_000_000).default(DOCUMENT_LIMITS.maxItemsPerDocument),
  /** Element nesting depth at which an XML document is refused before it is parsed. */
  maxDepth: z.number().int().min(16).max(100_000).default(DOCUMENT_LIMITS.maxDepth),
});

const storeSchema = z.strictObject({
  path: z.string().min(1).default('state/storyfeed.db'),
  // Below a day a run prunes nearly every story it just made (1e-300 pruned 11 of 12; issue #15).
  retentionDays: z.number().min(1, 'must be at least 1 (day)').max(36_500).default(30),
});

const logSchema = z.strictObject({
  level: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
});

const serveSchema = z.strictObject({
  host: z.string().trim().min(1, 'must not be empty').default('127.0.0.1'),
  port: z.number().int().min(0).max(65_535).default(8080),
});

export const configSchema = z.strictObject({
  $schema: z.string().optional(),
  sources: z.array(sourceSchema).min(1, 'must list at least one source'),
  schedule: scheduleSchema.prefault({}),
  output: outputSchema.prefault({}),
  cluster: clusterSchema.prefault({}),
  fetch: fetchSchema.prefault({}),
  store: storeSchema.prefault({}),
  log: logSchema.prefault({}),
  serve: serveSchema.prefault({}),
});

/** Problems zod cannot see while other keys are invalid (it skips refinements then): duplicate source ids. */
export function findDuplicateSourceIds(raw: unknown): string[] {
  const sources = (raw as { sources?: unknown } | null)?.sources;
  if (!Array.isArray(sources)) return [];
  const seen = new Map<string, number>();
  const problems: string[] = [];
  sources.forEach((source: unknown, index) => {
    const id = (source as { id?: unknown } | null)?.id;
    if (typeof id !== 'string') return;
    const first = seen.get(id);
    if (first !== undefined) problems.push(`sources[${index}].id: duplicates sources[${first}].id "${id}"`);
    else seen.set(id, index);
  });
  return problems;
}

/**
 * Returns a problem when schedule.cron fires more than once a minute (a 6-field expression whose seconds field is not
 * one number) and schedule.allowSubMinute is not set: a run every second only hammers the sources (issue #15).
 */
export function findSubMinuteSchedule(raw: unknown): string[] {
  const schedule = (raw as { schedule?: { cron?: unknown; allowSubMinute?: unknown } } | null)?.schedule;
  if (typeof schedule?.cron !== 'string' || schedule.allowSubMinute === true) return [];
  const fields = schedule.cron.trim().split(/\s+/);
  if (fields.length !== 6 || /^\d{1,2}$/.test(fields[0]!)) return [];
  return [
    `schedule.cron: fires more than once a minute (seconds field "${fields[0]}"): use 5 fields (minute hour day month weekday), or set schedule.allowSubMinute: true`,
  ];
}

export type ParsedConfig = z.output<typeof configSchema>;

/**
 * Every section's defaults, read off the schema above (the only place a default is written): code that runs
 * without a config file (the `cluster` and `parse` commands, tools, tests) takes its defaults from here.
 */
export const DEFAULTS = {
  schedule: scheduleSchema.parse({}),
  output: outputSchema.parse({}),
  cluster: clusterSchema.parse({}),
  fetch: fetchSchema.parse({}),
  store: storeSchema.parse({}),
  log: logSchema.parse({}),
  serve: serveSchema.parse({}),
} as const;
