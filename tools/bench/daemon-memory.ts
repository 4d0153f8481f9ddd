import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot as findRepoRoot } from '../repo-root.js';
import { generateCorpusFiles, type StoryText } from './generate-corpus.js';
import { median } from './median.js';
import { RACE_SIZES, raceCorpusOptions, raceStoryfeedConfig, type RaceSize } from './race-plan.js';
import { canUseLoopbackAliases, serveCorpus } from './serve-corpus.js';

// `npm run bench -- --daemon [--runs N] [--ci]` (issue #16): what `storyfeed daemon` holds while a cold run of the race
// corpus runs and once it has ended. Each sample is a fresh daemon in a fresh folder (its schedule never fires: only the
// run at start), whose memory and its children's is read as PSS (proportional set size, /proc/<pid>/smaps_rollup:
// pages shared between the daemon and its run process are counted once) every SAMPLE_MS, until IDLE_MS after the run
// finished; then the daemon is stopped (SIGTERM) and must exit 0. Linux only. Not a test: it fails only when the
// daemon breaks (a run that does not finish, a stop that does not end it).

const repoRoot = findRepoRoot();
const SAMPLE_MS = 250;

/** One sampling of the daemon: its PSS and its children's (MB), and whether its run had finished. */
export interface DaemonSample {
  atMs: number;
  daemonMb: number;
  childrenMb: number;
  finished: boolean;
}

/** What one daemon showed. */
export interface DaemonMemory {
  /** The cold run's own duration (its `run finished` line's durationMs), s. */
  runS: number;
  /** The most the daemon and its children held at once during the run, MB (PSS). */
  peakMb: number;
  /** What the daemon held once the run had ended: the median of the last samples, MB (PSS). */
  idleMb: number;
}

/** Returns the PSS of a /proc/<pid>/smaps_rollup text in MB, or null when it has no Pss line. */
export function pssMbOf(smapsRollup: string): number | null {
  const m = /^Pss:\s+(\d+) kB/m.exec(smapsRollup);
  return m ? Number(m[1]) / 1024 : null;
}

/** Returns the parent pid in a /proc/<pid>/stat text (the field after the state, after the parenthesised name). */
export function parentPidOf(stat: string): number {
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
}

/** Returns the peak during the run and what the daemon held after it (the last `idleSamples` samples). */
export function summariseDaemon(samples: readonly DaemonSample[], runS: number, idleSamples: number): DaemonMemory {
  const during = samples.filter((s) => !s.finished);
  const after = samples.filter((s) => s.finished).slice(-idleSamples);
  if (during.length === 0 || after.length === 0) throw new Error('daemon memory: no sample during or after the run');
  return {
    runS,
    peakMb: Math.max(...during.map((s) => s.daemonMb + s.childrenMb)),
    idleMb: median(after.map((s) => s.daemonMb + s.childrenMb)),
  };
}

/** PSS of a process, MB (0 when it is gone). */
function pssMb(pid: number): number {
  try {
    return pssMbOf(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8')) ?? 0;
  } catch {
    return 0;
  }
}

/** The pids of a process's children (also the daemon's integration test's way of finding its run process). */
export function childrenOf(pid: number): number[] {
  const out: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      if (parentPidOf(readFileSync(`/proc/${name}/stat`, 'utf8')) === pid) out.push(Number(name));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

/** Runs one daemon in `work` with `configPath` until `idleMs` after its first run finished; returns its samples. */
async function sampleDaemon(
  work: string,
  configPath: string,
  idleMs: number,
): Promise<{ samples: DaemonSample[]; runS: number }> {
  const daemon = spawn(process.execPath, [join(repoRoot, 'bin', 'storyfeed.js'), 'daemon', '--config', configPath], {
    cwd: work,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let log = '';
  daemon.stderr.on('data', (d: Buffer) => (log += d.toString()));
  const exited = new Promise<number | null>((r) => daemon.on('exit', (code) => r(code)));
  const samples: DaemonSample[] = [];
  const started = performance.now();
  let finishedAt: number | null = null;
  try {
    for (;;) {
      await new Promise((r) => setTimeout(r, SAMPLE_MS));
      const atMs = performance.now() - started;
      if (daemon.exitCode !== null) throw new Error(`the daemon exited (${daemon.exitCode}) before its run finished`);
      const finished = log.includes('"run finished"');
      if (finished) finishedAt ??= atMs;
      else if (log.includes('"run failed"'))
        throw new Error(`the daemon's run failed: ${log.trim().split('\n').at(-1)}`);
      const children = childrenOf(daemon.pid!).reduce((sum, pid) => sum + pssMb(pid), 0);
      samples.push({ atMs, daemonMb: pssMb(daemon.pid!), childrenMb: children, finished });
      if (finishedAt !== null && atMs - finishedAt >= idleMs) break;
      if (atMs > 600_000) throw new Error('the daemon did not finish its run within 10 minutes');
    }
  } finally {
    daemon.kill('SIGTERM');
  }
  const code = await exited;
  if (code !== 0) throw new Error(`the daemon exited ${code} on SIGTERM`);
  const line = log.split('\n').find((l) => l.includes('"run finished"')) ?? '{}';
  const runS = Number((JSON.parse(line) as { durationMs?: number }).durationMs ?? Number.NaN) / 1000;
  return { samples, runS };
}

/** Measures `runs` daemons on the race corpus of `size`; null (with why) where there is no /proc to read. */
export async function runDaemonMemory(
  args: { size: RaceSize; runs: number; concurrency: number; keep: boolean },
  pool: readonly StoryText[],
  log: (m: string) => void,
): Promise<{ samples: DaemonMemory[]; size: RaceSize } | { skipped: string }> {
  if (!existsSync('/proc/self/smaps_rollup')) return { skipped: 'no /proc/<pid>/smaps_rollup here (not Linux)' };
  // The daemon a user runs: bin/storyfeed.js on dist/, built when src/ is newer (as `npm run daemon` does).
  const built = spawnSync(process.execPath, [join(repoRoot, 'tools', 'build-if-stale.mjs'), repoRoot], {
    stdio: 'inherit',
  });
  if (built.status !== 0) throw new Error('building dist/ for bin/storyfeed.js failed');
  const dir = mkdtempSync(join(tmpdir(), `storyfeed-daemon-${args.size}-`));
  const idleMs = args.size === 'ci' ? 2_000 : 10_000;
  try {
    const { sources, itemsPerSource } = RACE_SIZES[args.size];
    log(`[daemon] generating ${sources} × ${itemsPerSource} items in ${dir}`);
    const manifest = generateCorpusFiles(join(dir, 'corpus'), raceCorpusOptions(args.size, pool));
    const server = await serveCorpus(manifest, { distinctHosts: await canUseLoopbackAliases() });
    const samples: DaemonMemory[] = [];
    try {
      const urls = manifest.sources.map((s) => ({ id: s.id, name: s.name, url: server.urls.get(s.id)! }));
      for (let r = 0; r < args.runs; r++) {
        const work = join(dir, `run-${r}`);
        mkdirSync(work, { recursive: true });
        const configPath = join(work, 'config.json');
        const config = {
          ...raceStoryfeedConfig(urls, args.concurrency),
          // Only the run at start: a schedule that never fires while the daemon is measured.
          schedule: { cron: '0 0 1 1 *', timezone: 'UTC' },
          log: { level: 'info' },
        };
        writeFileSync(configPath, JSON.stringify(config, null, 2));
        const { samples: seen, runS } = await sampleDaemon(work, configPath, idleMs);
        const memory = summariseDaemon(seen, runS, Math.max(1, Math.round(2_000 / SAMPLE_MS)));
        samples.push(memory);
        log(
          `[daemon] #${r + 1}: cold run ${memory.runS.toFixed(2)} s, peak ${memory.peakMb.toFixed(0)} MB, then ${memory.idleMb.toFixed(0)} MB`,
        );
      }
    } finally {
      await server.close();
    }
    return { samples, size: args.size };
  } finally {
    if (args.keep) log(`[daemon] kept ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  }
}

/** The markdown table of a daemon measurement: each sample and the medians. */
export function renderDaemonMemory(result: { samples: DaemonMemory[]; size: RaceSize }): string {
  const { sources, itemsPerSource } = RACE_SIZES[result.size];
  const rows = result.samples.map(
    (s, i) => `| #${i + 1} | ${s.runS.toFixed(2)} | ${s.peakMb.toFixed(0)} | ${s.idleMb.toFixed(0)} |`,
  );
  const med = (f: (s: DaemonMemory) => number) => median(result.samples.map(f));
  return [
    `storyfeed daemon, a cold run of ${sources} × ${itemsPerSource} items at start, PSS of the daemon and its children`,
    '',
    '| sample | cold run s | peak during the run MB | held after the run MB |',
    '|---|---|---|---|',
    ...rows,
    `| median | ${med((s) => s.runS).toFixed(2)} | ${med((s) => s.peakMb).toFixed(0)} | ${med((s) => s.idleMb).toFixed(0)} |`,
  ].join('\n');
}
