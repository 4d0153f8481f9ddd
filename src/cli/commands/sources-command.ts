import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { ResolvedConfig } from '../../config/resolve-config.js';
import { parseConfigText } from '../../config/parse-config-text.js';
import { resolveConfig } from '../../config/resolve-config.js';
import { describeError, StoryfeedError } from '../../lib/errors.js';
import { effectiveUrl } from '../../pipeline/refresh-source.js';
import { addSourcesToConfigText, type ConfigSource } from '../../subscriptions/add-sources-to-config.js';
import { discoverFeed, type DiscoveredFeed } from '../../subscriptions/discover-feed.js';
import { categoryOf, parseOpmlSubscriptions, renderOpml } from '../../subscriptions/opml.js';
import { mapLimit } from '../../lib/map-limit.js';
import { makeSourceId } from '../../subscriptions/source-id.js';
import { openStore } from '../../store/open-store.js';
import { writeFileAtomic } from '../../write/write-file-atomic.js';
import { EXIT, type Command, type CommandContext } from './command.js';

const USAGE = `Usage: storyfeed sources list | add | import | export
  storyfeed sources list
  storyfeed sources add URL [--id ID] [--name NAME]
  storyfeed sources import FILE.opml [--dry-run] [--no-check]
  storyfeed sources export > FILE.opml
`;

/** `storyfeed sources …`: list, add (with feed discovery), import and export (OPML) the sources in config.json. */
export const sourcesCommand: Command = {
  name: 'sources',
  synopsis: 'sources   list | add URL [--id ID] [--name NAME] | import FILE.opml | export — manage the sources',
  help: `${USAGE}
  list      each source's URL, last status, item count, next poll and last error
  add       find the feed of URL (the URL itself, the page's <link rel="alternate">, else common
            paths) and add it to config.json, keeping the file's formatting
  import    add the feeds an OPML file lists (Miniflux, FreshRSS, Feedly, NetNewsWire, …): each
            folder becomes the source's category, htmlUrl its siteUrl; each URL is checked as
            "add" does (an HTML page is searched for its feed); one line per outline says what
            was added or skipped and why (on stderr), then one summary line
    --dry-run   check and report, but do not change config.json
    --no-check  add the URLs as listed, without fetching them
  export    print the http(s) sources as OPML 2.0, categories as folders, siteUrl as htmlUrl

Exit codes: 0 done; 1 failed (nothing found, unreadable file; import: some outline was not a
reachable feed, the others were added); 2 bad usage or configuration.
`,
  options: {
    id: { type: 'string' },
    name: { type: 'string' },
    'dry-run': { type: 'boolean' },
    'no-check': { type: 'boolean' },
  },
  async handler(ctx) {
    const [action, ...rest] = ctx.args;
    try {
      switch (action) {
        case 'list':
          return await list(ctx);
        case 'add':
          if (rest.length !== 1) break;
          return await add(ctx, rest[0]!);
        case 'import':
          if (rest.length !== 1) break;
          return await importOpml(ctx, rest[0]!);
        case 'export':
          return await exportOpml(ctx);
      }
    } catch (error) {
      if (!(error instanceof StoryfeedError) || error.stage === 'config') throw error; // the CLI edge reports config errors
      ctx.stderr(`storyfeed: ${error.message}\n`);
      return EXIT.failed;
    }
    ctx.stderr(USAGE);
    return EXIT.usage;
  },
};

async function list(ctx: CommandContext): Promise<number> {
  const config = await ctx.loadConfig();
  // No database yet (no run has finished; a first run builds it aside): every source is listed as never fetched, and
  // none is made here, which would stop that first run from putting its own in place (store/busy).
  const store = existsSync(config.store.path) ? openStore(config.store.path, config.sources) : null;
  try {
    const rows = config.sources.map((source) => {
      const state = store?.getSourceState(source.id) ?? null;
      const url = effectiveUrl(source, state);
      const gone = state?.goneUrl && state.goneUrl === url;
      return {
        id: source.id,
        name: source.category ? `${source.name}  [${source.category}]` : source.name,
        url: url === source.url ? source.url : `${source.url} → ${url}`,
        status: gone ? 'disabled (410 Gone)' : (state?.lastStatus ?? 'never fetched'),
        items: state?.itemCount ?? '-',
        nextPoll:
          state?.nextPollAt && !gone
            ? `${state.nextPollAt} (${state.nextPollReason ?? 'back-off'})`
            : gone
              ? 'never'
              : 'next run',
        error: state?.lastError ?? '',
      };
    });
    for (const r of rows) {
      ctx.stdout(
        `${r.id}  ${r.name}\n  url: ${r.url}\n  status: ${r.status}  items: ${r.items}  next poll: ${r.nextPoll}\n${r.error ? `  error: ${r.error}\n` : ''}`,
      );
    }
    return EXIT.ok;
  } finally {
    store?.close();
  }
}

async function add(ctx: CommandContext, pageUrl: string): Promise<number> {
  const config = await ctx.loadConfig();
  const found = await discoverFeed(pageUrl, config.fetch);
  const duplicate = config.sources.find((s) => sameUrl(s.url, found.url));
  if (duplicate) {
    ctx.stderr(`storyfeed: ${found.url} is already source "${duplicate.id}"\n`);
    return EXIT.failed;
  }
  const name = stringValue(ctx.values.name) ?? found.title ?? new URL(found.url).hostname;
  const taken = new Set(config.sources.map((s) => s.id));
  const id = stringValue(ctx.values.id) ?? makeSourceId(name, taken);
  if (taken.has(id)) {
    ctx.stderr(`storyfeed: source id "${id}" is already used\n`);
    return EXIT.usage;
  }
  await writeSources(config, [{ id, name, url: found.url }]);
  ctx.stdout(
    `added ${id} (${name}): ${found.url} (${found.via === 'direct' ? 'the URL is a feed' : `found ${describeVia(found.via)}`})\n`,
  );
  return EXIT.ok;
}

/** What import decided for one outline of the OPML file. */
interface ImportLine {
  verdict: 'added' | 'skipped' | 'invalid';
  title: string;
  url: string;
  detail: string;
}

async function importOpml(ctx: CommandContext, file: string): Promise<number> {
  const config = await ctx.loadConfig();
  const dryRun = ctx.values['dry-run'] === true;
  const check = ctx.values['no-check'] !== true;
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    ctx.stderr(`storyfeed: cannot read ${file} (${describeError(error).message})\n`);
    return EXIT.failed;
  }
  const { feeds, invalid } = parseOpmlSubscriptions(text);
  const lines: ImportLine[] = invalid.map((bad) => ({
    verdict: 'invalid',
    title: bad.title || '(untitled)',
    url: JSON.stringify(bad.xmlUrl),
    detail: bad.reason,
  }));
  const taken = new Set(config.sources.map((s) => s.id));
  const known = config.sources.map((s) => ({ id: s.id, url: s.url }));
  const added: ConfigSource[] = [];
  let duplicates = 0;

  // Each URL is checked the way `sources add` does (a feed, else the page's feed link, else common paths),
  // a few at a time; the decisions are then made in document order, so ids and the report are stable.
  type Checked = { url: string; title?: string; via: DiscoveredFeed['via'] | 'unchecked' } | { error: string };
  const found = await mapLimit(
    feeds,
    check ? config.fetch.concurrency : feeds.length || 1,
    async (feed): Promise<Checked> => {
      if (!check || known.some((k) => sameUrl(k.url, feed.xmlUrl))) return { url: feed.xmlUrl, via: 'unchecked' };
      try {
        return await discoverFeed(feed.xmlUrl, config.fetch);
      } catch (error) {
        return { error: describeError(error).message };
      }
    },
  );
  feeds.forEach((feed, i) => {
    const title = feed.title || '(untitled)';
    const result = found[i]!;
    const duplicateOf = known.find(
      (k) => sameUrl(k.url, feed.xmlUrl) || (!('error' in result) && sameUrl(k.url, result.url)),
    );
    if (duplicateOf) {
      duplicates++;
      lines.push({ verdict: 'skipped', title, url: feed.xmlUrl, detail: `already source "${duplicateOf.id}"` });
      return;
    }
    if ('error' in result) {
      lines.push({ verdict: 'skipped', title, url: feed.xmlUrl, detail: result.error });
      return;
    }
    const name = feed.title || result.title || new URL(result.url).hostname;
    const id = makeSourceId(name, taken);
    taken.add(id);
    known.push({ id, url: result.url });
    const category = categoryOf(feed.folders);
    const siteUrl =
      feed.htmlUrl && /^https?:\/\//i.test(feed.htmlUrl)
        ? feed.htmlUrl
        : result.via === 'direct' || result.via === 'unchecked'
          ? undefined
          : feed.xmlUrl;
    added.push({ id, name, url: result.url, ...(category ? { category } : {}), ...(siteUrl ? { siteUrl } : {}) });
    const how =
      result.via === 'unchecked'
        ? 'not checked'
        : result.via === 'direct'
          ? 'checked: a feed'
          : `found ${describeVia(result.via)}`;
    lines.push({
      verdict: 'added',
      title,
      url: result.url,
      detail: `as ${id}${category ? ` in "${category}"` : ''}; ${how}`,
    });
  });
  if (added.length > 0 && !dryRun) await writeSources(config, added);
  // The report goes to stderr, one line per outline; stdout keeps the one summary line scripts read.
  for (const line of lines)
    ctx.stderr(
      `  ${line.verdict === 'added' && dryRun ? 'would add' : line.verdict}: ${line.title}: ${line.url}: ${line.detail}\n`,
    );
  const failed = lines.length - added.length - duplicates - invalid.length;
  ctx.stdout(
    `${dryRun ? 'dry run: would import' : 'imported'} ${added.length} sources, ${duplicates} duplicates skipped, ${invalid.length} invalid` +
      (failed > 0 ? `, ${failed} not feeds or unreachable` : '') +
      '\n',
  );
  return failed > 0 ? EXIT.failed : EXIT.ok;
}

async function exportOpml(ctx: CommandContext): Promise<number> {
  const config = await ctx.loadConfig();
  const local = config.sources.filter((s) => !/^https?:\/\//i.test(s.url));
  if (local.length === config.sources.length) {
    // OPML 2.0 §body: at least one outline; a list of file paths means nothing on another machine.
    ctx.stderr(
      `storyfeed: nothing to export: all ${local.length} sources are local files (OPML lists http(s) feed URLs); add one with "storyfeed sources add URL"\n`,
    );
    return EXIT.failed;
  }
  ctx.stdout(`${renderOpml(config.sources, { title: config.output.title, now: new Date() })}\n`);
  if (local.length > 0)
    ctx.stderr(`storyfeed: ${local.length} local-file sources not exported (${local.map((s) => s.id).join(', ')})\n`);
  return EXIT.ok;
}

// Inserts into the file's text, validates the result as a whole config, then replaces the file atomically.
async function writeSources(config: ResolvedConfig, sources: ConfigSource[]): Promise<void> {
  const text = await readFile(config.configPath, 'utf8');
  const next = addSourcesToConfigText(text, sources);
  resolveConfig(parseConfigText(next, config.configPath), config.configPath); // throws ConfigError naming the problem; the file is untouched
  await writeFileAtomic(config.configPath, next);
}

function sameUrl(a: string, b: string): boolean {
  const norm = (u: string) => {
    try {
      const url = new URL(u);
      url.hash = '';
      return url.href.replace(/\/$/, '').replace(/^https:/, 'http:');
    } catch {
      return u; // a file path compares as written
    }
  };
  return norm(a) === norm(b);
}

function stringValue(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

function describeVia(via: 'direct' | 'link' | 'common-path'): string {
  return via === 'direct'
    ? 'the URL is a feed'
    : via === 'link'
      ? "via the page's <link rel=alternate>"
      : 'at a common feed path';
}
