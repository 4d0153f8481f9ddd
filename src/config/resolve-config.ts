import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { z } from 'zod';
import { ConfigError } from '../lib/errors.js';
import type { LogLevel } from '../lib/logger.js';
import type { Source } from '../model.js';
import { configSchema, findDuplicateSourceIds, findSubMinuteSchedule, type ParsedConfig } from './schema.js';
import { VERSION } from '../lib/version.js';

/** Configuration with defaults filled in and every path absolute: what the stages receive slices of. */
export interface ResolvedConfig {
  configPath: string;
  sources: Source[];
  schedule: { cron: string; timezone: string };
  output: {
    dir: string;
    feedPath: string;
    statusPath: string;
    /** The last run's time and result (ok, every source failed, failed), for GET /healthz. */
    lastRunPath: string;
    /** JSON Feed 1.1 next to the Atom feed. */
    jsonFeedPath: string;
    /** The static HTML page for people. */
    htmlPath: string;
    title: string;
    subtitle?: string;
    id: string;
    selfUrl: string;
    author: string;
    maxStories: number;
  };
  cluster: ParsedConfig['cluster'];
  /** The fetch section of the schema, with the User-Agent made (contactUrl, version) when the config names none. */
  fetch: Omit<ParsedConfig['fetch'], 'userAgent'> & { userAgent: string };
  store: { path: string; lockPath: string; retentionDays: number };
  log: { level: LogLevel };
  /** Where `storyfeed serve` / `daemon --serve` listen. */
  serve: { host: string; port: number };
}

/** Returns the validated, defaulted configuration, or throws a ConfigError naming every problem. */
export function resolveConfig(raw: unknown, configPath: string): ResolvedConfig {
  const parsed = configSchema.safeParse(raw);
  const baseDir = resolve(configPath, '..');
  const problems = [
    ...(parsed.success ? [] : formatIssues(parsed.error.issues)),
    ...findDuplicateSourceIds(raw),
    ...findDuplicateSourceUrls(raw, baseDir),
    ...findSubMinuteSchedule(raw),
  ];
  if (!parsed.success || problems.length > 0) throw new ConfigError(problems, { cause: parsed.error });
  const c = parsed.data;
  const dir = resolve(baseDir, c.output.dir);
  const storePath = c.store.path === ':memory:' ? ':memory:' : resolve(baseDir, c.store.path);
  return {
    configPath: resolve(configPath),
    sources: c.sources.map((s) => ({
      id: s.id,
      name: s.name,
      url: resolveSourceUrl(s.url, baseDir),
      priority: s.priority,
      ...(s.category !== undefined ? { category: s.category } : {}),
      ...(s.siteUrl !== undefined ? { siteUrl: s.siteUrl } : {}),
    })),
    schedule: { cron: c.schedule.cron, timezone: c.schedule.timezone },
    output: {
      dir,
      feedPath: resolve(dir, 'feed.atom'),
      statusPath: resolve(dir, 'status.json'),
      lastRunPath: resolve(dir, 'last-run.json'),
      jsonFeedPath: resolve(dir, 'feed.json'),
      htmlPath: resolve(dir, 'index.html'),
      title: c.output.title,
      ...(c.output.subtitle !== undefined ? { subtitle: c.output.subtitle } : {}),
      id: c.output.id,
      selfUrl: c.output.selfUrl,
      author: c.output.author,
      maxStories: c.output.maxStories,
    },
    cluster: { ...c.cluster },
    fetch: { ...c.fetch, userAgent: c.fetch.userAgent ?? defaultUserAgent(c.fetch.contactUrl) },
    store: {
      path: storePath,
      lockPath: storePath === ':memory:' ? resolve(dir, '.storyfeed.lock') : `${storePath}.lock`,
      retentionDays: c.store.retentionDays,
    },
    log: { level: c.log.level },
    serve: { host: c.serve.host, port: c.serve.port },
  };
}

/**
 * Returns a problem for each source whose feed another source already names (the same URL once normalised, or the
 * same file): its every article would be listed twice in each story (issue #15). Both ids are named.
 */
function findDuplicateSourceUrls(raw: unknown, baseDir: string): string[] {
  const sources = (raw as { sources?: unknown } | null)?.sources;
  if (!Array.isArray(sources)) return [];
  const seen = new Map<string, { index: number; id: string }>();
  const problems: string[] = [];
  sources.forEach((source: unknown, index) => {
    const { id, url } = (source ?? {}) as { id?: unknown; url?: unknown };
    if (typeof url !== 'string' || url.trim() === '') return;
    const key = sameFeedKey(url.trim(), baseDir);
    const first = seen.get(key);
    if (first !== undefined) {
      problems.push(`sources[${index}].url: the same feed as sources[${first.index}] ("${String(id)}" and "${first.id}"): its articles would be listed twice; keep one of them`);
    } else seen.set(key, { index, id: String(id) });
  });
  return problems;
}

/** A source URL as compared for duplicates: an http(s) URL normalised by the URL parser (host case, default port, no fragment), a path made absolute. */
function sameFeedKey(url: string, baseDir: string): string {
  if (/^https?:\/\//i.test(url)) {
    try {
      const parsed = new URL(url);
      parsed.hash = '';
      return parsed.href;
    } catch {
      return url; // not a URL: the schema reports it
    }
  }
  try {
    return resolveSourceUrl(url, baseDir);
  } catch {
    return url; // a malformed file: URL: the schema reports it
  }
}

/** Returns `storyfeed/<version> (+<contact>)`, or `storyfeed/<version>` when no contact URL is configured (never a guessed one). */
export function defaultUserAgent(contactUrl: string | undefined): string {
  return contactUrl === undefined ? `storyfeed/${VERSION}` : `storyfeed/${VERSION} (+${contactUrl})`;
}

/** An http(s) URL stays as it is; a file: URL or a path becomes an absolute path. */
function resolveSourceUrl(url: string, baseDir: string): string {
  if (/^https?:\/\//i.test(url)) return url;
  if (url.startsWith('file://')) return fileURLToPath(url);
  return isAbsolute(url) ? url : resolve(baseDir, url);
}

/** Formats zod issues as `sources[2].url: message`, one per problem, in document order. */
export function formatIssues(issues: readonly z.core.$ZodIssue[]): string[] {
  return issues.map((issue) => {
    const path = formatPath(issue.path);
    let message = issue.message;
    if (issue.code === 'unrecognized_keys') message = `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
    return `${path || '(root)'}: ${message}`;
  });
}

function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out;
}
