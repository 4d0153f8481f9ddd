import { readFile } from 'node:fs/promises';
import type { ResolvedConfig } from '../config/resolve-config.js';
import { parseConfigText } from '../config/parse-config-text.js';
import { resolveConfig } from '../config/resolve-config.js';
import { describeError, StoryfeedError } from '../lib/errors.js';
import { effectiveUrl } from '../read-source.js';
import { addSourcesToConfigText, type ConfigSource } from '../sources/add-sources-to-config.js';
import { discoverFeed } from '../sources/discover-feed.js';
import { parseOpmlSubscriptions, renderOpml } from '../sources/opml.js';
import { makeSourceId } from '../sources/source-id.js';
import { openStore } from '../store/open-store.js';
import { writeFileAtomic } from '../write/write-file-atomic.js';
import { EXIT, type Command, type CommandContext } from './command.js';

const USAGE = `Usage:
  storyfeed sources list
  storyfeed sources add URL [--id ID] [--name NAME]
  storyfeed sources import FILE.opml
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
  import    add the feeds an OPML file lists
  export    print the http(s) sources as OPML 2.0

Exit codes: 0 done; 1 failed (nothing found, unreadable file…); 2 bad usage or configuration.
`,
  options: { id: { type: 'string' }, name: { type: 'string' } },
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
  const store = openStore(config.store.path, config.sources);
  try {
    const rows = config.sources.map((source) => {
      const state = store.getSourceState(source.id);
      const url = effectiveUrl(source, state);
      const gone = state?.goneUrl && state.goneUrl === url;
      return {
        id: source.id,
        name: source.name,
        url: url === source.url ? source.url : `${source.url} → ${url}`,
        status: gone ? 'disabled (410 Gone)' : (state?.lastStatus ?? 'never fetched'),
        items: state?.itemCount ?? '-',
        nextPoll: state?.nextPollAt && !gone ? `${state.nextPollAt} (${state.nextPollReason ?? 'back-off'})` : gone ? 'never' : 'next run',
        error: state?.lastError ?? '',
      };
    });
    for (const r of rows) {
      ctx.stdout(`${r.id}  ${r.name}\n  url: ${r.url}\n  status: ${r.status}  items: ${r.items}  next poll: ${r.nextPoll}\n${r.error ? `  error: ${r.error}\n` : ''}`);
    }
    return EXIT.ok;
  } finally {
    store.close();
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
  ctx.stdout(`added ${id} (${name}): ${found.url} (found ${describeVia(found.via)})\n`);
  return EXIT.ok;
}

async function importOpml(ctx: CommandContext, file: string): Promise<number> {
  const config = await ctx.loadConfig();
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    ctx.stderr(`storyfeed: cannot read ${file} (${describeError(error).message})\n`);
    return EXIT.failed;
  }
  const { feeds, invalid } = parseOpmlSubscriptions(text);
  const taken = new Set(config.sources.map((s) => s.id));
  const urls = config.sources.map((s) => s.url);
  const added: ConfigSource[] = [];
  let duplicates = 0;
  for (const feed of feeds) {
    if (urls.some((u) => sameUrl(u, feed.xmlUrl))) {
      duplicates++;
      continue;
    }
    const name = feed.title || new URL(feed.xmlUrl).hostname;
    const id = makeSourceId(name, taken);
    taken.add(id);
    urls.push(feed.xmlUrl);
    added.push({ id, name, url: feed.xmlUrl });
  }
  if (added.length > 0) await writeSources(config, added);
  for (const bad of invalid) ctx.stderr(`  invalid: ${bad.title || '(untitled)'}: ${JSON.stringify(bad.xmlUrl)}: ${bad.reason}\n`);
  ctx.stdout(`imported ${added.length} sources, ${duplicates} duplicates skipped, ${invalid.length} invalid\n`);
  return EXIT.ok;
}

async function exportOpml(ctx: CommandContext): Promise<number> {
  const config = await ctx.loadConfig();
  const local = config.sources.filter((s) => !/^https?:\/\//i.test(s.url));
  if (local.length === config.sources.length) {
    // OPML 2.0 §body: at least one outline; a list of file paths means nothing on another machine.
    ctx.stderr(`storyfeed: nothing to export: all ${local.length} sources are local files (OPML lists http(s) feed URLs); add one with "storyfeed sources add URL"\n`);
    return EXIT.failed;
  }
  ctx.stdout(renderOpml(config.sources, { title: config.output.title, now: new Date() }) + '\n');
  if (local.length > 0) ctx.stderr(`storyfeed: ${local.length} local-file sources not exported (${local.map((s) => s.id).join(', ')})\n`);
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
  return via === 'direct' ? 'the URL is a feed' : via === 'link' ? "via the page's <link rel=alternate>" : 'at a common feed path';
}
