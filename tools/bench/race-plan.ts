import type { BenchFormat, CorpusOptions, StoryText } from './generate-corpus.js';
import { median } from './compare-parsers.js';

// The pure parts of the peer race (issue #16): the corpus's shape, the files newsboat and storyfeed are
// given, the parsing of `/usr/bin/time` output and the statistics of the table. peer-race.ts does the I/O.

/** The race's corpus sizes: the 300 feeds × 50 items, and a tiny one for CI (never judged on time). */
export const RACE_SIZES = {
  full: { sources: 300, itemsPerSource: 50 },
  ci: { sources: 6, itemsPerSource: 10 },
} as const;
export type RaceSize = keyof typeof RACE_SIZES;

/** newsboat 2.21 reads no JSON Feed, so the race serves the three XML formats only. */
export const RACE_FORMATS: readonly BenchFormat[] = ['rss', 'atom', 'rdf'];

/** newsboat's `reload-threads` in the race: the same 8 sources in flight as storyfeed's bench `fetch.concurrency`. */
export const NEWSBOAT_RELOAD_THREADS = 8;

/**
 * Returns the generator options of a race corpus: real article text (the pool), ~600 words per item, XML formats only.
 */
export function raceCorpusOptions(size: RaceSize, pool: readonly StoryText[]): CorpusOptions {
  return { ...RACE_SIZES[size], pool, formats: RACE_FORMATS, seed: 16 };
}

/** Returns newsboat's urls file (`-u`): one feed URL per line, nothing else (no tags, no query feeds). */
export function newsboatUrlsFile(urls: readonly string[]): string {
  for (const u of urls)
    if (!/^https?:\/\/\S+$/.test(u)) throw new Error(`newsboat urls file: not an http(s) URL without spaces: ${u}`);
  return urls.map((u) => `${u}\n`).join('');
}

/** Returns newsboat's config file (`-C`): reload threads, and an error log so a failed feed can be found. */
export function newsboatConfigFile(options: { reloadThreads: number; errorLog: string }): string {
  if (!Number.isInteger(options.reloadThreads) || options.reloadThreads < 1)
    throw new Error('reloadThreads must be a positive integer');
  if (/["\\\n]/.test(options.errorLog))
    throw new Error(`newsboat config: error log path cannot be quoted: ${options.errorLog}`);
  return [
    "# written by storyfeed's peer race (npm run bench -- --race); everything else is newsboat's default",
    `reload-threads ${options.reloadThreads}`,
    `error-log "${options.errorLog}"`,
    '',
  ].join('\n');
}

/** Returns storyfeed's config for the race: the sources, the bench's usual settings, the user's default politeness. */
export function raceStoryfeedConfig(
  sources: readonly { id: string; name: string; url: string }[],
  concurrency: number,
) {
  return {
    sources: sources.map((s) => ({ id: s.id, name: s.name, url: s.url })),
    output: { dir: 'output', title: 'storyfeed peer race', maxStories: 100 },
    // Generated dates end on 2025-06-01: keep every item.
    store: { path: 'state/storyfeed.db', retentionDays: 36_500 },
    // No perHostConcurrency / hostSpacingMs: the race measures what a user who lists these feeds gets. The default
    // 5-minute run budget would cut a slow one-host run short and hide its real time.
    fetch: { concurrency, runBudgetMs: 3_600_000 },
    log: { level: 'silent' },
  };
}

/** The format string given to `/usr/bin/time -f`: wall s, max RSS KiB, user s, system s. */
export const TIME_FORMAT = '%e %M %U %S';

/** What `/usr/bin/time -f TIME_FORMAT -o FILE` measured of one process. */
export interface TimeReport {
  wallS: number;
  maxRssMb: number;
  cpuS: number;
  /** Set when the process was killed by a signal ("Command terminated by signal 9"). */
  signal: number | null;
  /** Set when the process exited non-zero ("Command exited with non-zero status 3"). */
  exitStatus: number | null;
}

/**
 * Parses the output file of `/usr/bin/time -f TIME_FORMAT -o FILE` (GNU time 1.9); throws when it holds no measurement.
 */
export function parseTimeOutput(text: string): TimeReport {
  const lines = text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  const last = lines.at(-1) ?? '';
  const m = /^(\d+(?:\.\d+)?) (\d+) (\d+(?:\.\d+)?) (\d+(?:\.\d+)?)$/.exec(last);
  if (!m) throw new Error(`/usr/bin/time wrote no measurement: ${JSON.stringify(text.slice(0, 200))}`);
  const signal = /terminated by signal (\d+)/.exec(text);
  const status = /exited with non-zero status (\d+)/.exec(text);
  return {
    wallS: Number(m[1]),
    maxRssMb: Number(m[2]) / 1024,
    cpuS: Number(m[3]) + Number(m[4]),
    signal: signal ? Number(signal[1]) : null,
    exitStatus: status ? Number(status[1]) : null,
  };
}

/** Median, minimum and maximum of some samples. */
export interface Spread {
  median: number;
  min: number;
  max: number;
  n: number;
}

/** Returns the median, min and max of the samples, or null when there are none. */
export function spreadOf(samples: readonly number[]): Spread | null {
  const xs = samples.filter((x) => Number.isFinite(x));
  if (xs.length === 0) return null;
  return { median: median(xs), min: Math.min(...xs), max: Math.max(...xs), n: xs.length };
}

/** Returns a ÷ b of two medians, or null when either is missing or b is 0. */
export function ratioOf(a: Spread | null, b: Spread | null): number | null {
  if (!a || !b || b.median === 0) return null;
  return a.median / b.median;
}
