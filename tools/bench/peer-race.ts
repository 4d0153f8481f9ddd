import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { RUN_MALLOC_TRIM, RUN_SEMI_SPACE, runProcessEnv } from '../../src/cli/commands/fork-run.js';
import { loadConfig } from '../../src/config/load-config.js';
import type { RunReport } from '../../src/model.js';
import { repoRoot as findRepoRoot } from '../repo-root.js';
import { generateCorpusFiles, type CorpusManifest, type StoryText } from './generate-corpus.js';
import {
  NEWSBOAT_RELOAD_THREADS,
  RACE_FORMATS,
  RACE_SIZES,
  TIME_FORMAT,
  newsboatConfigFile,
  newsboatUrlsFile,
  parseTimeOutput,
  raceCorpusOptions,
  raceStoryfeedConfig,
  ratioOf,
  spreadOf,
  type RaceSize,
  type Spread,
  type TimeReport,
} from './race-plan.js';
import { canUseLoopbackAliases, serveCorpus, type CorpusServer } from './serve-corpus.js';

// The peer race (issue #16): storyfeed `run` against newsboat `-x reload` on the same corpus from the same
// loopback hosts, and a bare fast-xml-parser parse of the same files (the floor). Every measured run is a fresh
// process under `/usr/bin/time` (the same method for every runner: wall time, "Maximum resident set size", user +
// system CPU). Cold = empty store, warm = the same corpus again (every feed answers 304), changed = the corpus's
// changed variant (10 % of the feeds with new items, the rest 304: the run a subscriber's cron makes). Then the
// one-host variant: the same feeds all on 127.0.0.1, storyfeed with a user's default politeness; the server counts
// the requests in flight. A benchmark, never judged on time: it fails only when a runner crashes, storyfeed stores
// fewer items than served, a warm run is answered anything but 304, or a changed run other than its changed feeds
// answering 200 and the rest 304.

export interface RaceArgs {
  size: RaceSize;
  runs: number;
  /** storyfeed's fetch.concurrency (the bench's usual 8, as newsboat's reload-threads). */
  concurrency: number;
  keep: boolean;
  /** Tries `apt-get install newsboat` when it is missing and we are root. */
  installNewsboat: boolean;
  /**
   * Runs storyfeed as `node bin/storyfeed.js run`, without what `npm start` gives it (node's young generation cap and
   * glibc's trim threshold: RUN_SEMI_SPACE, RUN_MALLOC_TRIM), as the races before session 16 did.
   */
  bare?: boolean;
}

export type RaceRunner = 'newsboat' | 'storyfeed' | 'floor';
export type RaceHosts = 'distinct' | 'one';
/**
 * cold: an empty store; warm: the same corpus again, every feed answers 304. newsboat 2.21 records a new feed's
 * ETag only when it fetches the feed a second time (the first fetch stores it before the feed's row exists), so its
 * first conditional request is its third run: its warm run comes after a `second` run, which is measured and shown.
 * changed: after warm, the corpus's changed variant (10 % of the feeds list new items; the others answer 304), the run
 * a subscriber makes every half hour; on the main hosts model only.
 */
export type RaceScenario = 'cold' | 'second' | 'warm' | 'changed';
/** The scenarios each tool runs, in order. */
export const RACE_SCENARIOS: Record<'newsboat' | 'storyfeed', readonly RaceScenario[]> = {
  newsboat: ['cold', 'second', 'warm', 'changed'],
  storyfeed: ['cold', 'warm', 'changed'],
};

/** One measured process. */
export interface RaceSample extends TimeReport {
  runner: RaceRunner;
  hosts: RaceHosts;
  scenario: RaceScenario;
  run: number;
  /** Items in the runner's store after the run (storyfeed `items`, newsboat `rss_item`; the floor: entries parsed). */
  itemsStored: number | null;
  /** Requests the corpus server answered during this run. */
  served: { ok: number; notModified: number; notFound: number };
  maxInFlightPerHost: number;
  /** storyfeed: its peak RSS once the read phase had ended (status.json `peakRssMb.read`), MB. */
  readPeakMb?: number;
}

export interface RaceResult {
  size: RaceSize;
  sources: number;
  itemsPerSource: number;
  items: number;
  bytes: number;
  formats: readonly string[];
  fromDevSet: boolean;
  runs: number;
  newsboat: { version: string } | { skipped: string };
  /** storyfeed's resolved fetch.perHostConcurrency and hostSpacingMs (the user's defaults). */
  politeness: { perHostConcurrency: number; hostSpacingMs: number; concurrency: number };
  /** The one-host variant is skipped nowhere; distinct hosts are skipped where 127.0.1.x cannot be listened on. */
  hosts: RaceHosts[];
  samples: RaceSample[];
  /** What broke (the bench exits non-zero when this is not empty). */
  problems: string[];
  /** storyfeed's command line (the flag and environment `npm start` gives, unless RaceArgs.bare). */
  storyfeedCommand: string;
}

const repoRoot = findRepoRoot();
const floorScript = join(dirname(fileURLToPath(import.meta.url)), 'race-floor.js');
const RUN_TIMEOUT_MS = 30 * 60_000;

/**
 * Returns newsboat's version line, installing the Debian package first when it is missing and allowed; or why it is
 * skipped.
 */
export function ensureNewsboat(install: boolean, log: (m: string) => void): { version: string } | { skipped: string } {
  const probe = () => spawnSync('newsboat', ['--version'], { encoding: 'utf8' });
  let v = probe();
  if (v.error && install) {
    if (process.getuid?.() !== 0)
      return {
        skipped: 'newsboat is not installed and we are not root (apt-get install newsboat); newsboat rows skipped',
      };
    log('race: newsboat missing, installing it (apt-get install newsboat)');
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
    spawnSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'newsboat'], { stdio: 'inherit', env });
    v = probe();
  }
  if (v.error || v.status !== 0)
    return { skipped: `newsboat is not available (${v.error?.message ?? `exit ${v.status}`}); newsboat rows skipped` };
  return { version: v.stdout.split('\n')[0]!.trim() };
}

/** Runs `command args` under /usr/bin/time in a fresh process; resolves with the measurement and the output. */
function timed(
  command: string,
  args: readonly string[],
  options: { cwd: string; env: NodeJS.ProcessEnv; timeFile: string },
): Promise<TimeReport & { stdout: string; stderr: string }> {
  return new Promise((resolvePromise, reject) => {
    rmSync(options.timeFile, { force: true });
    // detached: the run is its own process group, so a timeout can kill it and not only /usr/bin/time.
    const child = spawn('/usr/bin/time', ['-f', TIME_FORMAT, '-o', options.timeFile, command, ...args], {
      cwd: options.cwd,
      env: options.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    const keep = (chunks: Buffer[]) => (b: Buffer) => {
      if (chunks.reduce((n, c) => n + c.length, 0) < 1 << 20) chunks.push(b);
    };
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', keep(out));
    child.stderr.on('data', keep(err));
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // already gone: the exit handler reports it
      }
    }, RUN_TIMEOUT_MS);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', () => {
      clearTimeout(timer);
      const stdout = Buffer.concat(out).toString('utf8');
      const stderr = Buffer.concat(err).toString('utf8');
      try {
        resolvePromise({ ...parseTimeOutput(readFileSync(options.timeFile, 'utf8')), stdout, stderr });
      } catch (e) {
        reject(new Error(`${command}: ${e instanceof Error ? e.message : String(e)}; stderr: ${stderr.slice(-500)}`));
      }
    });
  });
}

function countRows(dbPath: string, table: 'items' | 'rss_item'): number | null {
  if (!existsSync(dbPath)) return null;
  const db = new Database(dbPath, { readonly: true, fileMustExist: true });
  try {
    return (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
  } finally {
    db.close();
  }
}

/**
 * An environment with no proxy (everything is loopback) and a private HOME, so neither tool reads or writes the user's
 * files.
 */
function isolatedEnv(home: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/proxy/i.test(k) && !k.startsWith('STORYFEED_')) env[k] = v;
  return {
    ...env,
    HOME: home,
    XDG_CONFIG_HOME: join(home, '.config'),
    XDG_DATA_HOME: join(home, '.local', 'share'),
    no_proxy: '*',
    NO_PROXY: '*',
  };
}

/**
 * Runs the whole race and returns every sample; `pool` is the generator's text (the dev set's, or [] for
 * pseudo-stories).
 */
export async function runPeerRace(
  args: RaceArgs,
  pool: readonly StoryText[],
  log: (m: string) => void,
): Promise<RaceResult> {
  if (!existsSync(floorScript)) throw new Error(`${floorScript} is missing: run npm run build:tools first`);
  // The race runs the CLI a user runs, bin/storyfeed.js, which loads dist/ (not build/, which the bench's own
  // children use): build it when src/ is newer, as `npm start` does.
  const built = spawnSync(process.execPath, [join(repoRoot, 'tools', 'build-if-stale.mjs'), repoRoot], {
    stdio: 'inherit',
  });
  if (built.status !== 0) throw new Error('building dist/ for bin/storyfeed.js failed');
  const { sources, itemsPerSource } = RACE_SIZES[args.size];
  const newsboat = ensureNewsboat(args.installNewsboat, log);
  if ('skipped' in newsboat) log(`race: ${newsboat.skipped}`);
  const dir = mkdtempSync(join(tmpdir(), `storyfeed-race-${args.size}-`));
  const problems: string[] = [];
  const samples: RaceSample[] = [];
  try {
    log(`[race] generating ${sources} × ${itemsPerSource} items (${RACE_FORMATS.join(', ')}) in ${dir}`);
    const manifest = generateCorpusFiles(join(dir, 'corpus'), raceCorpusOptions(args.size, pool));
    const bytes = manifest.sources.reduce((n, s) => n + s.bytes, 0);
    log(
      `[race] corpus: ${(bytes / 1e6).toFixed(1)} MB, text from ${manifest.stats.fromDevSet ? 'the dev set' : 'generated pseudo-stories'}`,
    );
    const hosts: RaceHosts[] = (await canUseLoopbackAliases()) ? ['distinct', 'one'] : ['one'];
    if (!hosts.includes('distinct'))
      log('[race] loopback addresses other than 127.0.0.1 are not available here: only the one-host variant runs');
    let politeness: RaceResult['politeness'] | null = null;

    for (const h of hosts) {
      const server = await serveCorpus(manifest, { distinctHosts: h === 'distinct' });
      try {
        const urls = manifest.sources.map((s) => ({ id: s.id, name: s.name, url: server.urls.get(s.id)! }));
        const work = join(dir, h);
        const home = join(work, 'home');
        mkdirSync(home, { recursive: true });
        const env = isolatedEnv(home);
        writeFileSync(join(work, 'urls'), newsboatUrlsFile(urls.map((u) => u.url)));
        writeFileSync(
          join(work, 'newsboat.conf'),
          newsboatConfigFile({ reloadThreads: NEWSBOAT_RELOAD_THREADS, errorLog: join(work, 'newsboat-error.log') }),
        );
        const configPath = join(work, 'config.json');
        writeFileSync(configPath, JSON.stringify(raceStoryfeedConfig(urls, args.concurrency), null, 2));
        const resolved = await loadConfig(configPath);
        politeness ??= {
          perHostConcurrency: resolved.fetch.perHostConcurrency,
          hostSpacingMs: resolved.fetch.hostSpacingMs,
          concurrency: resolved.fetch.concurrency,
        };
        const ctx = { work, env, server, manifest, hosts: h, configPath, bare: args.bare === true };

        for (let r = 0; r < args.runs; r++) {
          // Alternate which tool goes first, so neither always meets the warmer page cache or the quieter minute.
          const tools: ('newsboat' | 'storyfeed')[] =
            r % 2 === 0 ? ['newsboat', 'storyfeed'] : ['storyfeed', 'newsboat'];
          for (const tool of tools) {
            if (tool === 'newsboat' && 'skipped' in newsboat) continue;
            for (const scenario of RACE_SCENARIOS[tool]) {
              if (scenario === 'changed' && h !== hosts[0]) continue;
              const sample = await measureTool(tool, scenario, r, ctx);
              samples.push(sample);
              problems.push(...checkSample(sample, manifest));
              log(
                `[race] ${h === 'one' ? 'one host' : 'own hosts'} ${tool} ${scenario} #${r + 1}: ${sample.wallS.toFixed(2)} s, ${sample.maxRssMb.toFixed(0)} MB, ${sample.served.ok} × 200 / ${sample.served.notModified} × 304, ≤ ${sample.maxInFlightPerHost} in flight per host`,
              );
            }
          }
          if (h === hosts[0]) {
            const sample = await measureFloor(r, manifest, work, env);
            samples.push(sample);
            problems.push(...checkSample(sample, manifest));
            log(`[race] floor #${r + 1}: ${sample.wallS.toFixed(2)} s, ${sample.maxRssMb.toFixed(0)} MB`);
          }
        }
      } finally {
        await server.close();
      }
    }
    return {
      size: args.size,
      sources,
      itemsPerSource,
      items: manifest.stats.items,
      bytes,
      formats: RACE_FORMATS,
      fromDevSet: manifest.stats.fromDevSet,
      runs: args.runs,
      newsboat,
      politeness: politeness!,
      storyfeedCommand: storyfeedCommand(args.bare === true),
      hosts,
      samples,
      problems,
    };
  } finally {
    if (args.keep) log(`[race] kept ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  }
}

interface ToolContext {
  work: string;
  env: NodeJS.ProcessEnv;
  server: CorpusServer;
  manifest: CorpusManifest;
  hosts: RaceHosts;
  configPath: string;
  /** RaceArgs.bare. */
  bare: boolean;
}

async function measureTool(
  tool: 'newsboat' | 'storyfeed',
  scenario: RaceScenario,
  run: number,
  ctx: ToolContext,
): Promise<RaceSample> {
  const { work } = ctx;
  const cache = join(work, 'cache.db');
  if (scenario === 'cold') {
    // An empty store: newsboat's cache (and its lock), storyfeed's state and output.
    for (const p of [
      cache,
      `${cache}.lock`,
      join(work, 'newsboat-error.log'),
      join(work, 'state'),
      join(work, 'output'),
    ])
      rmSync(p, { recursive: true, force: true });
  }
  ctx.server.resetCounts();
  const timeFile = join(work, `time-${tool}.txt`);
  // Each run sets the documents it is served: the changed variant for a changed run, else the base corpus.
  ctx.server.setVariant(scenario === 'changed' ? 'changed' : 'base');
  const report =
    tool === 'newsboat'
      ? await timed(
          'newsboat',
          ['-x', 'reload', '-u', join(work, 'urls'), '-c', cache, '-C', join(work, 'newsboat.conf')],
          { cwd: work, env: ctx.env, timeFile },
        )
      : await timed(
          process.execPath,
          [
            ...(ctx.bare ? [] : [RUN_SEMI_SPACE]),
            join(repoRoot, 'bin', 'storyfeed.js'),
            'run',
            '--config',
            ctx.configPath,
          ],
          { cwd: work, env: ctx.bare ? ctx.env : runProcessEnv(ctx.env), timeFile },
        );
  const { stdout: _out, stderr, ...time } = report;
  if (time.exitStatus !== null || time.signal !== null)
    process.stderr.write(`[race] ${tool} ${scenario}: ${stderr.slice(-1000)}\n`);
  return {
    ...time,
    runner: tool,
    hosts: ctx.hosts,
    scenario,
    run,
    itemsStored:
      tool === 'newsboat' ? countRows(cache, 'rss_item') : countRows(join(work, 'state', 'storyfeed.db'), 'items'),
    served: ctx.server.counts(),
    maxInFlightPerHost: ctx.server.maxInFlightPerHost(),
    ...(tool === 'storyfeed' ? readPeakOf(join(work, 'output', 'status.json')) : {}),
  };
}

/** storyfeed's peak RSS at the end of its read phase, from the run's status.json (none when it has none). */
function readPeakOf(statusPath: string): { readPeakMb?: number } {
  try {
    const read = (JSON.parse(readFileSync(statusPath, 'utf8')) as RunReport).peakRssMb?.read;
    return typeof read === 'number' ? { readPeakMb: read } : {};
  } catch {
    return {}; // a run that failed before writing it: checkSample reports the exit status
  }
}

async function measureFloor(
  run: number,
  manifest: CorpusManifest,
  work: string,
  env: NodeJS.ProcessEnv,
): Promise<RaceSample> {
  const report = await timed(process.execPath, [floorScript, ...manifest.sources.map((s) => s.file)], {
    cwd: work,
    env,
    timeFile: join(work, 'time-floor.txt'),
  });
  let items: number | null = null;
  try {
    items = (JSON.parse(report.stdout) as { items: number }).items;
  } catch {
    // no answer: checkSample reports the exit status
  }
  const { stdout: _out, stderr: _err, ...time } = report;
  return {
    ...time,
    runner: 'floor',
    hosts: 'distinct',
    scenario: 'cold',
    run,
    itemsStored: items,
    served: { ok: 0, notModified: 0, notFound: 0 },
    maxInFlightPerHost: 0,
  };
}

/** Returns what is broken about a sample (empty when it did what its scenario means); never judges time. */
export function checkSample(sample: RaceSample, manifest: Pick<CorpusManifest, 'sources' | 'stats'>): string[] {
  const where = `${sample.runner} ${sample.scenario} #${sample.run + 1} (${sample.hosts === 'one' ? 'one host' : 'own hosts'})`;
  const problems: string[] = [];
  if (sample.signal !== null) problems.push(`${where}: killed by signal ${sample.signal}`);
  if (sample.exitStatus !== null) problems.push(`${where}: exited with status ${sample.exitStatus}`);
  const items = manifest.stats.items;
  if (sample.runner === 'floor') {
    if (sample.itemsStored !== items)
      problems.push(`${where}: parsed ${sample.itemsStored ?? 'no'} entries of ${items}`);
    return problems;
  }
  if (sample.served.notFound > 0) problems.push(`${where}: ${sample.served.notFound} requests for unknown paths`);
  if (sample.scenario === 'warm' && sample.served.ok > 0)
    problems.push(`${where}: a warm run was answered ${sample.served.ok} × 200 (expected only 304s)`);
  if (sample.scenario === 'warm' && sample.served.notModified < manifest.sources.length)
    problems.push(`${where}: ${sample.served.notModified} × 304 for ${manifest.sources.length} feeds`);
  if (sample.scenario === 'changed') {
    const { changedSources } = manifest.stats;
    const unchanged = manifest.sources.length - changedSources;
    if (sample.served.ok !== changedSources || sample.served.notModified !== unchanged)
      problems.push(
        `${where}: answered ${sample.served.ok} × 200 / ${sample.served.notModified} × 304 (expected ${changedSources} / ${unchanged})`,
      );
  }
  const served = sample.scenario === 'changed' ? items + manifest.stats.newItems : items;
  if (sample.runner === 'storyfeed' && (sample.itemsStored ?? 0) < served)
    problems.push(`${where}: stored ${sample.itemsStored ?? 'no'} items of the ${served} served`);
  return problems;
}

/** The medians of one runner, hosts model and scenario: wall, peak RSS, CPU. */
export function spreads(
  samples: readonly RaceSample[],
  runner: RaceRunner,
  hosts: RaceHosts,
  scenario: RaceScenario,
): { wall: Spread | null; rss: Spread | null; cpu: Spread | null; xs: RaceSample[] } {
  const xs = samples.filter(
    (s) =>
      s.runner === runner && s.hosts === hosts && s.scenario === scenario && s.signal === null && s.exitStatus === null,
  );
  return {
    wall: spreadOf(xs.map((s) => s.wallS)),
    rss: spreadOf(xs.map((s) => s.maxRssMb)),
    cpu: spreadOf(xs.map((s) => s.cpuS)),
    xs,
  };
}

/**
 * storyfeed's `value` ÷ newsboat's, round by round, over the rounds where both ran: a round's two runs are minutes
 * apart, rounds further, and the shared machine's speed drifts between them (three races of one afternoon on the same
 * code gave cold ratios of medians of 1.49, 1.77 and 1.43). A ratio per round cancels the drift between rounds; its
 * spread shows what is left.
 */
export function roundRatios(
  samples: readonly RaceSample[],
  hosts: RaceHosts,
  scenario: RaceScenario,
  value: (s: RaceSample) => number,
): Spread | null {
  const byRound = (runner: RaceRunner) => new Map(spreads(samples, runner, hosts, scenario).xs.map((s) => [s.run, s]));
  const newsboat = byRound('newsboat');
  const ratios: number[] = [];
  for (const [run, ours] of byRound('storyfeed')) {
    const theirs = newsboat.get(run);
    if (theirs !== undefined && value(theirs) > 0) ratios.push(value(ours) / value(theirs));
  }
  return spreadOf(ratios);
}

/** A scenario as the race's tables name it. */
const SCENARIO_NAMES: Record<RaceScenario, string> = {
  cold: 'cold',
  second: 'second run (stores the ETags)',
  warm: 'warm (all 304)',
  changed: '10 % changed',
};

const fmt = (x: number | null | undefined, digits = 2) =>
  x === null || x === undefined || !Number.isFinite(x) ? 'n/a' : x.toFixed(digits);
const fmtSpread = (s: Spread | null, digits = 2) =>
  s ? `${fmt(s.median, digits)} (${fmt(s.min, digits)}–${fmt(s.max, digits)})` : 'n/a';

/**
 * storyfeed's command in the race: as `npm start` runs it (package.json; the daemon gives its runs the same), or bare.
 */
export function storyfeedCommand(bare: boolean): string {
  return bare
    ? 'node bin/storyfeed.js run'
    : `${RUN_MALLOC_TRIM.name}=${RUN_MALLOC_TRIM.value} node ${RUN_SEMI_SPACE} bin/storyfeed.js run (as npm start)`;
}

/** Markdown tables of a race: one row per runner, hosts model and scenario; then ratios and the issue's targets. */
export function renderRace(result: RaceResult): string {
  const lines: string[] = [];
  const nb = 'version' in result.newsboat ? result.newsboat.version : result.newsboat.skipped;
  lines.push(
    `Peer race (issue #16): ${result.sources} feeds × ${result.itemsPerSource} items = ${result.items.toLocaleString('en-US')} items, ${(result.bytes / 1e6).toFixed(1)} MB ` +
      `(${result.formats.join(', ')}), text from ${result.fromDevSet ? 'the dev set' : 'generated pseudo-stories'}; ${result.runs} run(s) each, median (min–max). ` +
      `Every run a fresh process under /usr/bin/time (wall; peak RSS = "Maximum resident set size"; CPU = user + system). ` +
      `newsboat: ${nb} (-x reload, reload-threads ${NEWSBOAT_RELOAD_THREADS}); storyfeed: ${result.storyfeedCommand}, fetch.concurrency ${result.politeness.concurrency}, ` +
      `perHostConcurrency ${result.politeness.perHostConcurrency}, hostSpacingMs ${result.politeness.hostSpacingMs} (the defaults).`,
    '',
    '| hosts | runner | scenario | wall s | peak RSS MB | CPU s | items stored | requests 200 / 304 | max in flight per host |',
    '|---|---|---|---|---|---|---|---|---|',
  );
  const hostName = (h: RaceHosts) => (h === 'one' ? 'one (127.0.0.1)' : 'own (127.0.1.x)');
  for (const h of result.hosts) {
    for (const runner of ['newsboat', 'storyfeed', 'floor'] as const) {
      for (const scenario of ['cold', 'second', 'warm', 'changed'] as const) {
        const { wall, rss, cpu, xs } = spreads(result.samples, runner, h, scenario);
        if (xs.length === 0) continue;
        const last = xs.at(-1)!;
        const runnerName = runner === 'floor' ? 'floor: fast-xml-parser parse' : runner;
        lines.push(
          `| ${hostName(h)} | ${runnerName} | ${runner === 'floor' ? '–' : SCENARIO_NAMES[scenario]} | ${fmtSpread(wall)} | ${fmtSpread(rss, 0)} | ${fmt(cpu?.median)} | ${last.itemsStored?.toLocaleString('en-US') ?? 'n/a'} | ${runner === 'floor' ? '–' : `${last.served.ok} / ${last.served.notModified}`} | ${runner === 'floor' ? '–' : Math.max(...xs.map((x) => x.maxInFlightPerHost))} |`,
        );
      }
    }
  }
  // Where storyfeed's cold peak was: its peak once the read phase had ended (the rest came in the grouping).
  for (const h of result.hosts) {
    const cold = spreads(result.samples, 'storyfeed', h, 'cold');
    const read = spreadOf(cold.xs.flatMap((x) => (x.readPeakMb === undefined ? [] : [x.readPeakMb])));
    if (read !== null)
      lines.push(
        '',
        `storyfeed cold, ${hostName(h)}: peak RSS ${fmtSpread(read, 0)} MB once its read phase had ended (status.json peakRssMb.read); the run's, ${fmtSpread(cold.rss, 0)} MB, is the grouping's when higher.`,
      );
  }
  const r = (h: RaceHosts, runner: RaceRunner, scenario: RaceScenario) => spreads(result.samples, runner, h, scenario);
  const ratioRows: [string, number | null][] = [];
  for (const h of result.hosts) {
    const tag = h === 'one' ? ' (one host)' : '';
    const sfCold = r(h, 'storyfeed', 'cold');
    const sfWarm = r(h, 'storyfeed', 'warm');
    const nbCold = r(h, 'newsboat', 'cold');
    const nbWarm = r(h, 'newsboat', 'warm');
    ratioRows.push(
      [`storyfeed ÷ newsboat, cold wall${tag}`, ratioOf(sfCold.wall, nbCold.wall)],
      // CPU seconds: the steadier ratio when other jobs share the cores (wall stretches with the load, CPU less so).
      [`storyfeed ÷ newsboat, cold CPU${tag}`, ratioOf(sfCold.cpu, nbCold.cpu)],
      [`storyfeed ÷ newsboat, cold peak RSS${tag}`, ratioOf(sfCold.rss, nbCold.rss)],
      [`storyfeed ÷ newsboat, warm wall${tag}`, ratioOf(sfWarm.wall, nbWarm.wall)],
      [`storyfeed ÷ newsboat, warm peak RSS${tag}`, ratioOf(sfWarm.rss, nbWarm.rss)],
      [`storyfeed warm ÷ cold, wall${tag}`, ratioOf(sfWarm.wall, sfCold.wall)],
      [`newsboat warm ÷ cold, wall${tag}`, ratioOf(nbWarm.wall, nbCold.wall)],
    );
    const sfChanged = r(h, 'storyfeed', 'changed');
    const nbChanged = r(h, 'newsboat', 'changed');
    if (sfChanged.xs.length > 0)
      ratioRows.push(
        [`storyfeed ÷ newsboat, 10 % changed wall${tag}`, ratioOf(sfChanged.wall, nbChanged.wall)],
        [`storyfeed ÷ newsboat, 10 % changed CPU${tag}`, ratioOf(sfChanged.cpu, nbChanged.cpu)],
        [`storyfeed ÷ newsboat, 10 % changed peak RSS${tag}`, ratioOf(sfChanged.rss, nbChanged.rss)],
      );
  }
  const floor = r('distinct', 'floor', 'cold').wall;
  const floorCpu = r('distinct', 'floor', 'cold').cpu;
  const main = result.hosts[0]!;
  ratioRows.push(
    [`storyfeed cold ÷ floor, wall`, ratioOf(r(main, 'storyfeed', 'cold').wall, floor)],
    [`storyfeed cold ÷ floor, CPU`, ratioOf(r(main, 'storyfeed', 'cold').cpu, floorCpu)],
    [`newsboat cold ÷ floor, wall`, ratioOf(r(main, 'newsboat', 'cold').wall, floor)],
  );
  lines.push(
    '',
    '| ratio (of medians) | value |',
    '|---|---|',
    ...ratioRows.map(([name, v]) => `| ${name} | ${fmt(v)} |`),
  );
  const roundRows: string[] = [];
  for (const h of result.hosts) {
    const tag = h === 'one' ? ' (one host)' : '';
    for (const scenario of ['cold', 'changed'] as const) {
      const name = SCENARIO_NAMES[scenario];
      const wall = roundRatios(result.samples, h, scenario, (s) => s.wallS);
      const cpu = roundRatios(result.samples, h, scenario, (s) => s.cpuS);
      if (wall !== null) roundRows.push(`| storyfeed ÷ newsboat, ${name} wall${tag} | ${fmtSpread(wall)} |`);
      if (cpu !== null) roundRows.push(`| storyfeed ÷ newsboat, ${name} CPU${tag} | ${fmtSpread(cpu)} |`);
    }
  }
  if (roundRows.length > 0)
    lines.push(
      '',
      '| ratio per round (the two tools minutes apart), over the rounds | median (min–max) |',
      '|---|---|',
      ...roundRows,
    );

  // The issue's targets: reported, never judged by the exit code.
  const met = (ok: boolean | null) => (ok === null ? 'n/a' : ok ? 'met' : 'not met');
  const coldVsNb = ratioOf(r(main, 'storyfeed', 'cold').wall, r(main, 'newsboat', 'cold').wall);
  const coldVsFloor = ratioOf(r(main, 'storyfeed', 'cold').wall, floor);
  const peak = Math.max(...result.samples.filter((s) => s.runner === 'storyfeed').map((s) => s.maxRssMb));
  const warmShare = ratioOf(r(main, 'storyfeed', 'warm').wall, r(main, 'storyfeed', 'cold').wall);
  const oneWarm = r('one', 'storyfeed', 'warm');
  const oneInFlight =
    oneWarm.xs.length > 0
      ? Math.max(
          ...result.samples
            .filter((s) => s.runner === 'storyfeed' && s.hosts === 'one')
            .map((s) => s.maxInFlightPerHost),
        )
      : null;
  const limit = result.politeness.perHostConcurrency;
  lines.push(
    '',
    '| target (issue #16) | result | met? |',
    '|---|---|---|',
    `| cold ≤ 1.0× newsboat wall | ${fmt(coldVsNb)}× | ${met(coldVsNb === null ? null : coldVsNb <= 1)} |`,
    `| cold ≤ 4× the floor | ${fmt(coldVsFloor)}× | ${met(coldVsFloor === null ? null : coldVsFloor <= 4)} |`,
    `| peak RSS ≤ 200 MB (every storyfeed run) | ${fmt(Number.isFinite(peak) ? peak : null, 0)} MB | ${met(Number.isFinite(peak) ? peak <= 200 : null)} |`,
    `| warm ≤ 10 % of cold | ${fmt(warmShare === null ? null : warmShare * 100, 1)} % | ${met(warmShare === null ? null : warmShare <= 0.1)} |`,
    `| one-host warm ≤ 10 s, ≤ perHostConcurrency (${limit}) in flight | ${fmt(oneWarm.wall?.median)} s, ≤ ${oneInFlight ?? 'n/a'} in flight | ${met(oneWarm.wall === null || oneInFlight === null ? null : oneWarm.wall.median <= 10 && oneInFlight <= limit)} |`,
    '| medium → large grows linearly | not measured by the race: `npm run bench -- --size all` | – |',
  );
  if (result.problems.length > 0)
    lines.push('', `Broken (${result.problems.length}): ${result.problems.slice(0, 5).join('; ')}`);
  return lines.join('\n');
}
