import { fork } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, tmpdir, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { resolveConfig } from '../../src/config/resolve-config.js';
import type { RunReport } from '../../src/model.js';
import type { ChildJob, ChildResult } from './bench-child.js';
import { median, type ParseComparison } from './compare-parsers.js';
import { generateCorpusFiles, loadDevStories, type CorpusManifest } from './generate-corpus.js';
import { renderDaemonMemory, runDaemonMemory } from './daemon-memory.js';
import { renderRace, runPeerRace, type RaceResult } from './peer-race.js';
import { canUseLoopbackAliases, serveCorpus, type CorpusServer } from './serve-corpus.js';
import { repoRoot as findRepoRoot } from '../repo-root.js';

// `npm run bench -- [--size small|medium|large|all] [--sources N --items M] [--runs N] [--ci] [--concurrency N] [--same-host [--polite] [--per-host N]] [--keep] [--json FILE]`
// `npm run bench -- --race [--runs N] [--ci]`: only the peer race against newsboat (peer-race.ts, issue #16), which the default bench runs after its scenarios (`--no-race` leaves it out).
// `npm run bench -- --daemon [--runs N] [--ci]`: only what `storyfeed daemon` holds during and after a cold run of the
// race corpus (daemon-memory.ts, issue #16).
//
// The whole-pipeline benchmark (issue #7). Not a test: it never fails on time. It exits non-zero only when the bench
// itself breaks (a child crashes, a source fails, a scenario does not do what it should). Each measured run is a fresh
// child process (maxRSS per scenario); each scenario is repeated and the median reported, because the machine is shared
// and noisy.

const SIZES = {
  small: { sources: 50, itemsPerSource: 50 },
  medium: { sources: 500, itemsPerSource: 100 },
  large: { sources: 2000, itemsPerSource: 100 },
} as const;
/** A named size, or `custom` (--sources N --items M). */
type SizeName = keyof typeof SIZES | 'custom';
type Scenario = 'cold' | 'warm' | 'changed';

interface Args {
  sizes: SizeName[];
  runs: number;
  ci: boolean;
  concurrency: number;
  distinctHosts: boolean;
  /** --polite: with --same-host, keep the user's default per-host limits instead of lifting them (issue #16). */
  polite: boolean;
  /** --per-host N: fetch.perHostConcurrency for the runs (null: the config default, or 16 with a bare --same-host). */
  perHost: number | null;
  /** --sources N --items M: one corpus of this shape instead of the named sizes. */
  shape: { sources: number; itemsPerSource: number } | null;
  keep: boolean;
  json: string | null;
  devSet: string | null;
  parseDocs: number;
  parsePasses: number;
  /** --max-old-space-size for the measured children, or null for Node's default. */
  heapMb: number | null;
  /** --cpu-prof: a V8 CPU profile of every measured child, written to this folder (`node --cpu-prof-dir`). */
  cpuProfDir: string | null;
  /** --bare: the race runs `node bin/storyfeed.js run`, without npm start's flag and environment. */
  bareRace: boolean;
  /** --race: only the peer race; --no-race: no race after the scenarios. */
  race: 'only' | 'after' | 'no';
  /** --daemon: only the daemon's memory (daemon-memory.ts). */
  daemon: boolean;
}

interface RunSample {
  /** Set when the run's process died (e.g. V8 out of heap): why, and after how long. */
  crashed?: string;
  durationMs: number;
  stageMs: NonNullable<RunReport['stageMs']>;
  maxRssMb: number;
  /** The peak RSS once the read phase had ended (RunReport.peakRssMb): the run's peak, when equal, was the read's. */
  readPeakMb: number;
  cpuMs: number;
  itemsSeen: number;
  newItems: number;
  /** The most requests one host had in flight at once during the run, counted at the server. */
  peakInFlight: number;
}

interface SizeResult {
  size: SizeName;
  sources: number;
  itemsPerSource: number;
  corpus: CorpusManifest['stats'] & { bytes: number; generateMs: number };
  scenarios: Record<Scenario, RunSample[]>;
  parse: ParseComparison | null;
}

const repoRoot = findRepoRoot();
const childPath = join(dirname(fileURLToPath(import.meta.url)), 'bench-child.js');

function parseArgs(argv: string[]): Args {
  const value = (name: string): string | undefined => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const ci = argv.includes('--ci');
  const size = value('--size') ?? (ci ? 'small' : 'medium');
  if (size !== 'all' && !(size in SIZES)) throw new Error(`--size must be small, medium, large or all (got ${size})`);
  const shapeSources = value('--sources');
  const shapeItems = value('--items');
  if ((shapeSources === undefined) !== (shapeItems === undefined)) throw new Error('--sources and --items go together');
  const shape =
    shapeSources !== undefined ? { sources: Number(shapeSources), itemsPerSource: Number(shapeItems) } : null;
  if (
    shape &&
    !(
      Number.isInteger(shape.sources) &&
      shape.sources >= 4 &&
      Number.isInteger(shape.itemsPerSource) &&
      shape.itemsPerSource >= 1
    )
  ) {
    throw new Error('--sources must be an integer ≥ 4 and --items ≥ 1');
  }
  const distinctHosts = !argv.includes('--same-host');
  const perHost = value('--per-host') !== undefined ? Number(value('--per-host')) : null;
  if (perHost !== null && !(Number.isInteger(perHost) && perHost >= 1 && perHost <= 16))
    throw new Error('--per-host must be 1-16');
  const polite = argv.includes('--polite');
  if (polite && distinctHosts)
    throw new Error('--polite goes with --same-host (with one host per source the default politeness is kept anyway)');
  const runs = Number(value('--runs') ?? (ci ? 1 : 3));
  const concurrency = Number(value('--concurrency') ?? 8);
  if (!Number.isInteger(runs) || runs < 1) throw new Error('--runs must be a positive integer');
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64)
    throw new Error('--concurrency must be 1-64');
  const devSet = argv.includes('--no-dev-set')
    ? null
    : (value('--dev-set') ?? join(repoRoot, '..', 'shared', 'eval', 'story-clusters', 'dev.jsonl.gz'));
  return {
    sizes: shape ? ['custom'] : size === 'all' ? ['small', 'medium', 'large'] : [size as SizeName],
    runs,
    ci,
    concurrency,
    distinctHosts,
    polite,
    perHost,
    shape,
    keep: argv.includes('--keep'),
    json: value('--json') ?? null,
    devSet,
    parseDocs: ci ? 4 : 12,
    parsePasses: ci ? 1 : 5,
    heapMb: value('--heap-mb') ? Number(value('--heap-mb')) : null,
    cpuProfDir: value('--cpu-prof') ? resolve(value('--cpu-prof')!) : null,
    race: argv.includes('--race') ? 'only' : argv.includes('--no-race') ? 'no' : 'after',
    bareRace: argv.includes('--bare'),
    daemon: argv.includes('--daemon'),
  };
}

class ChildCrash extends Error {
  constructor(
    message: string,
    readonly afterMs: number,
  ) {
    super(message);
  }
}

/** Node flags for a measured child: --max-old-space-size (--heap-mb), --cpu-prof (--cpu-prof DIR). */
function childExecArgv(args: Pick<Args, 'heapMb' | 'cpuProfDir'>): string[] {
  return [
    ...(args.heapMb ? [`--max-old-space-size=${args.heapMb}`] : []),
    ...(args.cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${args.cpuProfDir}`] : []),
  ];
}

function runChild(job: ChildJob, execArgv: string[]): Promise<ChildResult> {
  return new Promise((resolvePromise, reject) => {
    const t0 = performance.now();
    const child = fork(childPath, [JSON.stringify(job)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], execArgv });
    let result: ChildResult | undefined;
    child.on('message', (m) => (result = m as ChildResult));
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (result) resolvePromise(result);
      else
        reject(
          new ChildCrash(
            `process died (${signal ?? `exit code ${code}`}) after ${fmtS(performance.now() - t0)} s`,
            performance.now() - t0,
          ),
        );
    });
  });
}

/** Throws when a run did not do what its scenario means (the bench is broken, not slow). */
function check(scenario: Scenario, report: RunReport, manifest: CorpusManifest): void {
  const failed = report.sources.filter((s) => s.status === 'failed');
  if (failed.length > 0)
    throw new Error(
      `${scenario}: ${failed.length} sources failed, e.g. ${failed[0]!.sourceId}: ${failed[0]!.error?.message}`,
    );
  const s = manifest.stats;
  const expected = { cold: s.items, warm: 0, changed: s.newItems }[scenario];
  if (report.newItems !== expected)
    throw new Error(`${scenario}: expected ${expected} new items, the run stored ${report.newItems}`);
  if (scenario === 'warm' && report.sources.some((o) => o.status !== 'not-modified'))
    throw new Error('warm: a source was not answered 304');
  if (report.stories < 1 || !report.feedWritten) throw new Error(`${scenario}: no feed written`);
}

async function measure(
  scenario: Scenario,
  configPath: string,
  manifest: CorpusManifest,
  execArgv: string[],
  server: CorpusServer,
  perHostLimit: number,
): Promise<RunSample> {
  let result: ChildResult;
  server.resetCounts();
  try {
    result = await runChild({ kind: 'run', configPath }, execArgv);
  } catch (error) {
    if (!(error instanceof ChildCrash)) throw error;
    // Recorded, not thrown: an out-of-memory death is a result worth a row; main() still exits non-zero.
    const zero = { fetch: 0, parse: 0, normalize: 0, readWall: 0, store: 0, cluster: 0, render: 0, write: 0 };
    return {
      crashed: error.message,
      durationMs: error.afterMs,
      stageMs: zero,
      maxRssMb: NaN,
      readPeakMb: NaN,
      cpuMs: NaN,
      itemsSeen: 0,
      newItems: 0,
      peakInFlight: server.maxInFlightPerHost(),
    };
  }
  if (result.kind === 'error') throw new Error(`${scenario}: the run failed: ${result.message}`);
  if (result.kind !== 'run') throw new Error(`${scenario}: unexpected child answer`);
  check(scenario, result.report, manifest);
  // Politeness is part of what the bench checks: a host never sees more requests at once than the config allows.
  if (server.maxInFlightPerHost() > perHostLimit)
    throw new Error(
      `${scenario}: ${server.maxInFlightPerHost()} requests in flight to one host (perHostConcurrency ${perHostLimit})`,
    );
  return {
    durationMs: result.report.durationMs,
    stageMs: result.report.stageMs!,
    maxRssMb: result.maxRssMb,
    readPeakMb: result.report.peakRssMb?.read ?? Number.NaN,
    cpuMs: result.cpuMs,
    itemsSeen: result.report.sources.reduce((n, o) => n + o.itemsSeen, 0),
    newItems: result.report.newItems,
    peakInFlight: server.maxInFlightPerHost(),
  };
}

async function benchSize(size: SizeName, args: Args, pool: ReturnType<typeof loadDevStories>): Promise<SizeResult> {
  const { sources, itemsPerSource } = size === 'custom' ? args.shape! : SIZES[size];
  const dir = mkdtempSync(join(tmpdir(), `storyfeed-bench-${size}-`));
  log(`[${size}] generating ${sources} × ${itemsPerSource} items in ${dir}`);
  const t0 = performance.now();
  const manifest = generateCorpusFiles(join(dir, 'corpus'), { sources, itemsPerSource, pool });
  const generateMs = performance.now() - t0;
  const bytes = manifest.sources.reduce((n, s) => n + s.bytes, 0);
  log(
    `[${size}] corpus: ${(bytes / 1e6).toFixed(1)} MB, ${manifest.stats.stories} story instances, text from ${manifest.stats.fromDevSet ? 'the dev set' : 'generated pseudo-stories'} (${(generateMs / 1000).toFixed(1)} s)`,
  );

  let server: CorpusServer | undefined;
  try {
    server = await serveCorpus(manifest, { distinctHosts: args.distinctHosts });
    const configPath = join(dir, 'config.json');
    const config = benchConfig(manifest, server, args);
    writeFileSync(configPath, JSON.stringify(config, null, 2));
    const perHostLimit = resolveConfig(config, configPath).fetch.perHostConcurrency;
    const run = (scenario: Scenario) =>
      measure(scenario, configPath, manifest, childExecArgv(args), server!, perHostLimit);
    const state = join(dir, 'state');
    const out = join(dir, 'output');
    const snapshot = join(dir, 'snapshot');
    const reset = () => {
      rmSync(state, { recursive: true, force: true });
      rmSync(out, { recursive: true, force: true });
    };
    const scenarios: Record<Scenario, RunSample[]> = { cold: [], warm: [], changed: [] };

    for (let r = 0; r < args.runs; r++) {
      reset();
      server.setVariant('base');
      scenarios.cold.push(await run('cold'));
      if (scenarios.cold.at(-1)!.crashed) {
        log(`[${size}] cold #${r + 1}: ${scenarios.cold.at(-1)!.crashed}; no store to run the other scenarios on`);
        break;
      }
      log(
        `[${size}] cold #${r + 1}: ${fmtS(scenarios.cold.at(-1)!.durationMs)} s, ${scenarios.cold.at(-1)!.maxRssMb.toFixed(0)} MB`,
      );
    }
    if (scenarios.cold.some((x) => x.crashed)) {
      return {
        size,
        sources,
        itemsPerSource,
        corpus: { ...manifest.stats, bytes, generateMs },
        scenarios,
        parse: null,
      };
    }
    // The store after a cold run (the child closed it, so the WAL is checkpointed) is every later scenario's start.
    cpSync(state, join(snapshot, 'state'), { recursive: true });
    cpSync(out, join(snapshot, 'output'), { recursive: true });
    for (let r = 0; r < args.runs; r++) {
      scenarios.warm.push(await run('warm'));
      log(
        `[${size}] warm #${r + 1}: ${fmtS(scenarios.warm.at(-1)!.durationMs)} s, ${scenarios.warm.at(-1)!.maxRssMb.toFixed(0)} MB`,
      );
    }
    for (let r = 0; r < args.runs; r++) {
      reset();
      cpSync(join(snapshot, 'state'), state, { recursive: true });
      cpSync(join(snapshot, 'output'), out, { recursive: true });
      server.setVariant('changed');
      scenarios.changed.push(await run('changed'));
      server.setVariant('base');
      log(
        `[${size}] 10 % changed #${r + 1}: ${fmtS(scenarios.changed.at(-1)!.durationMs)} s, ${scenarios.changed.at(-1)!.maxRssMb.toFixed(0)} MB`,
      );
    }
    const parse = await runChild(
      {
        kind: 'parse',
        manifestPath: join(dir, 'corpus', 'manifest.json'),
        docsPerFormat: args.parseDocs,
        passes: args.parsePasses,
      },
      [],
    );
    if (parse.kind === 'error') throw new Error(`parse comparison failed: ${parse.message}`);
    return {
      size,
      sources,
      itemsPerSource,
      corpus: { ...manifest.stats, bytes, generateMs },
      scenarios,
      parse: parse.kind === 'parse' ? parse.comparison : null,
    };
  } finally {
    await server?.close();
    if (!args.keep) rmSync(dir, { recursive: true, force: true });
    else log(`[${size}] kept ${dir}`);
  }
}

/** The config a user with these sources would write, plus what a benchmark needs (see BENCHMARKS.md). */
function benchConfig(manifest: CorpusManifest, server: CorpusServer, args: Args) {
  return {
    sources: manifest.sources.map((s) => ({ id: s.id, name: s.name, url: server.urls.get(s.id)! })),
    output: { dir: 'output', title: 'storyfeed bench', maxStories: 100 },
    // Generated dates end on 2025-06-01 and span up to ~90 days: keep them all.
    store: { path: 'state/storyfeed.db', retentionDays: 36_500 },
    fetch: {
      // Two cores: parsing runs on the main thread, so more sources in flight only add memory; 8 keeps the
      // socket waits overlapped with parsing.
      concurrency: args.concurrency,
      // One source per loopback address (see serve-corpus.ts), so the default per-host politeness stays;
      // with --same-host every source shares 127.0.0.1 and the per-host limit becomes the global one, unless
      // --polite keeps the defaults a user has (the one-host case of issue #16: YouTube channels, GitHub releases).
      ...(args.distinctHosts || args.polite ? {} : { perHostConcurrency: 16, hostSpacingMs: 0 }),
      ...(args.perHost !== null ? { perHostConcurrency: args.perHost } : {}),
      // The default 5-minute run budget would cut a slow large run short and hide its real time.
      runBudgetMs: 3_600_000,
    },
    log: { level: 'silent' },
  };
}

function log(message: string): void {
  process.stderr.write(`${message}\n`);
}

function fmtS(ms: number): string {
  return (ms / 1000).toFixed(ms < 10_000 ? 2 : 1);
}

function machine(): string {
  let model = cpus()[0]?.model ?? 'unknown';
  try {
    model = /model name\s*:\s*(.+)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? model;
  } catch {
    // not Linux: os.cpus() said it already
  }
  return `${availableParallelism()} CPUs (${model}), ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM, Node ${process.version}, ${process.platform} ${process.arch}`;
}

/** Markdown tables of the results, ready for BENCHMARKS.md. */
function renderTables(results: SizeResult[], args: Args): string {
  const lines: string[] = [];
  lines.push(`Machine: ${machine()}`, `Date: ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC`);
  lines.push(
    `Command: npm run bench -- ${args.shape ? '' : `--size ${args.sizes.length === 3 ? 'all' : args.sizes.join(',')} `}--runs ${args.runs}${args.shape ? ` --sources ${args.shape.sources} --items ${args.shape.itemsPerSource}` : ''}${args.distinctHosts ? '' : ' --same-host'}${args.polite ? ' --polite' : ''}${args.perHost !== null ? ` --per-host ${args.perHost}` : ''} (fetch.concurrency ${args.concurrency}${args.heapMb ? `, children run with --max-old-space-size=${args.heapMb}` : ''})`,
    '',
  );
  lines.push(
    '| size | scenario | median s (min–max) | items/s | peak RSS MB (max) | read phase peak MB | CPU s | fetch Σ | parse Σ | normalize Σ | read wall | store | cluster | render | write |',
  );
  lines.push('|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|');
  const names: Record<Scenario, string> = { cold: 'cold', warm: 'warm (all 304)', changed: '10 % changed' };
  for (const r of results) {
    for (const scenario of ['cold', 'warm', 'changed'] as const) {
      const all = r.scenarios[scenario];
      for (const c of all.filter((x) => x.crashed))
        lines.push(
          `| ${r.size} (${r.sources}×${r.itemsPerSource}) | ${names[scenario]} | crashed: ${c.crashed} | | | | | | | | | | | | |`,
        );
      const xs = all.filter((x) => !x.crashed);
      if (xs.length === 0) continue;
      const d = xs.map((x) => x.durationMs);
      const med = median(d);
      const seen = median(xs.map((x) => x.itemsSeen));
      const stage = (k: keyof RunSample['stageMs']) => fmtS(median(xs.map((x) => x.stageMs[k])));
      lines.push(
        `| ${r.size} (${r.sources}×${r.itemsPerSource}) | ${names[scenario]} | ${fmtS(med)} (${fmtS(Math.min(...d))}–${fmtS(Math.max(...d))}) | ${seen > 0 ? Math.round(seen / (med / 1000)).toLocaleString('en-US') : '–'} | ${median(xs.map((x) => x.maxRssMb)).toFixed(0)} (${Math.max(...xs.map((x) => x.maxRssMb)).toFixed(0)}) | ${median(xs.map((x) => x.readPeakMb)).toFixed(0)} | ${fmtS(median(xs.map((x) => x.cpuMs)))} | ${stage('fetch')} | ${stage('parse')} | ${stage('normalize')} | ${stage('readWall')} | ${stage('store')} | ${stage('cluster')} | ${stage('render')} | ${stage('write')} |`,
      );
    }
  }
  for (const r of results) {
    const peaks = (['cold', 'warm', 'changed'] as const).map(
      (sc) => `${names[sc]} ${Math.max(0, ...r.scenarios[sc].map((x) => x.peakInFlight))}`,
    );
    lines.push(
      '',
      `Most requests in flight to one host at once, counted at the server (${r.size}): ${peaks.join(', ')}.`,
    );
  }
  lines.push(
    '',
    'Stage columns are seconds; fetch/parse/normalize are summed over sources (they overlap in time, so they can exceed the wall time), the rest are wall times. items/s: items parsed ÷ run time.',
  );
  const coldMs = (size: SizeName) =>
    (results.find((r) => r.size === size)?.scenarios.cold ?? []).filter((x) => !x.crashed).map((x) => x.durationMs);
  if (coldMs('medium').length > 0 && coldMs('large').length > 0) {
    const ratio = median(coldMs('large')) / median(coldMs('medium'));
    lines.push(`Growth medium → large (4× the items): cold time × ${ratio.toFixed(2)} (linear would be × 4.00).`);
  }
  lines.push(
    '',
    '| size | format | docs (items, MB) | ours: decode+parse+normalize ms | ours as a run ms | ours: decode+parse ms | rss-parser ms | floor ms | ours ÷ floor | run ÷ floor | ours ÷ rss-parser | run ÷ rss-parser | parse-only ÷ floor |',
  );
  lines.push('|---|---|---|---|---|---|---|---|---|---|---|---|---|');
  for (const r of results) {
    const p = r.parse;
    if (!p) continue;
    for (const f of ['rss', 'atom', 'rdf', 'json'] as const) {
      const m = p.medianMs[f];
      const ms = (x: number | null) => (x === null ? 'n/a' : x.toFixed(1));
      const ratio = (a: number | null, b: number | null) => (a === null || b === null ? 'n/a' : (a / b).toFixed(2));
      lines.push(
        `| ${r.size} | ${f}${f === 'json' ? ' (floor: JSON.parse)' : ''} | ${p.docs[f]} (${p.items[f]}, ${(p.bytes[f] / 1e6).toFixed(1)}) | ${ms(m.ours)} | ${ms(m.oursRun)} | ${ms(m.oursParseOnly)} | ${ms(m.rssParser)} | ${ms(m.floor)} | ${ratio(m.ours, m.floor)} | ${ratio(m.oursRun, m.floor)} | ${ratio(m.ours, m.rssParser)} | ${ratio(m.oursRun, m.rssParser)} | ${ratio(m.oursParseOnly, m.floor)} |`,
      );
    }
    lines.push(
      `(rss-parser ${p.rssParserVersion ?? 'not installed'}, fast-xml-parser ${p.fastXmlParserVersion ?? 'not installed'}, median of ${p.passes} passes. ` +
        "ours: normalize as `storyfeed parse` does, every content's HTML sanitised; run: as a run reads a document (read-document.ts), the same fields without HTML.)",
    );
  }
  return lines.join('\n');
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  if (!existsSync(childPath)) throw new Error(`${childPath} is missing: run npm run build first`);
  if (args.distinctHosts && !(await canUseLoopbackAliases())) {
    log('loopback addresses other than 127.0.0.1 are not available here: every source on 127.0.0.1 (as --same-host)');
    args.distinctHosts = false;
  }
  const started = new Date();
  const pool = args.devSet ? loadDevStories(args.devSet) : [];
  log(
    pool.length > 0
      ? `text: ${pool.length} stories of the dev set (${args.devSet})`
      : 'text: dev set not found, using generated pseudo-stories',
  );
  const utc = (d: Date) => d.toISOString().slice(0, 16).replace('T', ' ');
  if (args.daemon) {
    const size = args.ci ? 'ci' : 'full';
    const daemon = await runDaemonMemory(
      { size, runs: args.runs, concurrency: args.concurrency, keep: args.keep },
      pool,
      log,
    );
    process.stdout.write(`Machine: ${machine()}\nDate: ${utc(started)}–${utc(new Date()).slice(11)} UTC\n`);
    process.stdout.write(
      'skipped' in daemon
        ? `daemon memory: skipped: ${daemon.skipped}\n`
        : `\nCommand: npm run bench -- --daemon ${args.ci ? '--ci' : `--runs ${args.runs}`}\n\n${renderDaemonMemory(daemon)}\n`,
    );
    return;
  }
  const results: SizeResult[] = [];
  if (args.race !== 'only') {
    for (const size of args.sizes) results.push(await benchSize(size, args, pool));
    process.stdout.write(`${renderTables(results, args)}\n`);
    const crashed = results.flatMap((r) => Object.values(r.scenarios).flat()).filter((x) => x.crashed);
    if (crashed.length > 0) {
      process.stderr.write(`bench: ${crashed.length} measured run(s) died: ${crashed[0]!.crashed}\n`);
      process.exitCode = 1;
    }
  }
  let race: RaceResult | null = null;
  if (args.race !== 'no') {
    race = await runPeerRace(
      {
        size: args.ci ? 'ci' : 'full',
        runs: args.runs,
        concurrency: args.concurrency,
        keep: args.keep,
        installNewsboat: true,
        bare: args.bareRace,
      },
      pool,
      log,
    );
    if (args.race === 'only')
      process.stdout.write(`Machine: ${machine()}\nDate: ${utc(started)}–${utc(new Date()).slice(11)} UTC\n`);
    process.stdout.write(
      `\nCommand: npm run bench -- ${args.race === 'only' ? '--race ' : ''}${args.bareRace ? '--bare ' : ''}${args.ci ? '--ci' : `--runs ${args.runs}`}\n\n${renderRace(race)}\n`,
    );
    if (race.problems.length > 0) {
      process.stderr.write(`bench: the peer race broke: ${race.problems.join('; ')}\n`);
      process.exitCode = 1;
    }
  }
  if (args.json)
    writeFileSync(
      args.json,
      JSON.stringify({ machine: machine(), date: new Date().toISOString(), args, results, race }, null, 2),
    );
}

main().catch((error: unknown) => {
  process.stderr.write(`bench: broken: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
