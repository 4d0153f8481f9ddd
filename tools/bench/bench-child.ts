import { loadConfig } from '../../src/config/load-config.js';
import { createTextLogger } from '../../src/lib/logger.js';
import type { RunReport } from '../../src/model.js';
import { runOnce } from '../../src/pipeline/run-once.js';
import { compareParsers, type ParseComparison } from './compare-parsers.js';

// One measured scenario in a fresh process, so process.resourceUsage().maxRSS is this scenario's peak alone.
// Started by run-bench.ts with fork(); answers with one IPC message and exits.

/** What the parent asks a child to do. */
export type ChildJob = { kind: 'run'; configPath: string } | { kind: 'parse'; manifestPath: string; docsPerFormat: number; passes: number };

/** What a child answers. */
export type ChildResult =
  | { kind: 'run'; report: RunReport; wallMs: number; maxRssMb: number; cpuMs: number }
  | { kind: 'parse'; comparison: ParseComparison; maxRssMb: number }
  | { kind: 'error'; message: string };

async function main(job: ChildJob): Promise<ChildResult> {
  if (job.kind === 'parse') {
    const comparison = await compareParsers(job.manifestPath, job.docsPerFormat, job.passes);
    return { kind: 'parse', comparison, maxRssMb: process.resourceUsage().maxRSS / 1024 };
  }
  const config = await loadConfig(job.configPath);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  // STORYFEED_BENCH_READ_THREADS: worker threads for decode/parse/normalize (0 = main thread; unset = runOnce's default).
  const threads = process.env['STORYFEED_BENCH_READ_THREADS'];
  const report = await runOnce(config, {
    logger: createTextLogger('silent', () => {}),
    progress: false,
    ...(threads !== undefined && threads !== '' ? { readThreads: Number(threads) } : {}),
  });
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  return { kind: 'run', report, wallMs, maxRssMb: process.resourceUsage().maxRSS / 1024, cpuMs: (cpu.user + cpu.system) / 1000 };
}

const job = JSON.parse(process.argv[2] ?? 'null') as ChildJob | null;
if (job && process.send) {
  let result: ChildResult;
  try {
    result = await main(job);
  } catch (error) {
    result = { kind: 'error', message: error instanceof Error ? (error.stack ?? error.message) : String(error) };
  }
  process.send(result, undefined, {}, () => process.exit(result.kind === 'error' ? 1 : 0));
}
