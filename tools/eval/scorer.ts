import { pathToFileURL } from 'node:url';
import type { ClusterOptions } from '../../src/cluster/cluster-items.js';

// The BCubed scorer lives in ../shared/tools/bcubed.mjs, outside the repository (it is the evaluation's, not
// ours), so it is loaded from its path at run time and typed here by what the tools use of it.

/** Precision, recall and F1 of one BCubed scoring. */
export interface BCubedScore {
  p: number;
  r: number;
  f1: number;
}

/** One article's gold story and predicted story. */
export interface ScoredPair {
  gold: string;
  pred: string;
}

/** The scorer module's `bcubed` function. */
export type BCubed = (pairs: readonly ScoredPair[]) => BCubedScore;

/** Returns the `bcubed` function of the scorer at `path`. */
export async function loadScorer(path: string): Promise<BCubed> {
  const module = (await import(pathToFileURL(path).href)) as { bcubed: BCubed };
  return module.bcubed;
}

/** One row of the scorer's report (one part). */
export interface ReportRow {
  n: number;
  p: number;
  r: number;
  f1: number;
}

/** Returns the rows of the scorer's printed report, by part name. */
export function parseScorerReport(report: string): Map<string, ReportRow> {
  const rows = new Map<string, ReportRow>();
  for (const line of report.split('\n')) {
    const m = /^(\S+)\s+n=\s*(\d+)\s+P=([\d.]+) R=([\d.]+) F1=([\d.]+)/.exec(line);
    if (m) rows.set(m[1] as string, { n: Number(m[2]), p: Number(m[3]), r: Number(m[4]), f1: Number(m[5]) });
  }
  return rows;
}

/** Returns the clustering options given as `--set key=value` pairs (numbers; exploration only). */
export function parseSetOptions(args: readonly string[]): Partial<ClusterOptions> {
  const options: Record<string, number> = {};
  args.forEach((a, i) => {
    if (a !== '--set') return;
    const [k, v] = String(args[i + 1]).split('=');
    options[k as string] = Number(v);
  });
  return options as Partial<ClusterOptions>;
}

/** Returns the value after the first `name` in `args`, or undefined. */
export function flagValue(args: readonly string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}
