#!/usr/bin/env node
// Story-clustering evaluation: clusters each part (`dataset`) of the dev set on its own with the
// shipped defaults, through the same file command users run (`storyfeed cluster`), and scores the
// predictions with ../shared/tools/bcubed.mjs. Fails (exit 1) when macro BCubed F1 falls below the
// floor in eval/cluster-floor.json or any part's precision below MIN_PRECISION.
//
//   node scripts/eval-cluster.mjs [--gold PATH] [--shuffle SEED] [--chunk N] [--set key=value ...] [--no-floor]
//
// --shuffle reorders each part (a robustness check: the dev file lists a story's articles together);
// --chunk N clusters each part as the pipeline does, N new articles per call, stories carried over;
// --set overrides a clustering option (exploration only; the gate uses the defaults).
// Needs dist/ (npm run build). Skips with a message when ../shared is absent.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { shuffled } from './lib/shuffled.mjs';

const MIN_PRECISION = 0.9;
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const flag = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const goldPath = resolve(flag('--gold') ?? join(root, '..', 'shared', 'eval', 'story-clusters', 'dev.jsonl.gz'));
const scorer = join(root, '..', 'shared', 'tools', 'bcubed.mjs');
if (!existsSync(goldPath) || !existsSync(scorer)) {
  console.log(`eval:cluster skipped: ${existsSync(goldPath) ? scorer : goldPath} not found (the dev set lives outside the repo)`);
  process.exit(0);
}
const options = {};
args.forEach((a, i) => {
  if (a !== '--set') return;
  const [k, v] = String(args[i + 1]).split('=');
  options[k] = Number(v);
});
const shuffleSeed = flag('--shuffle');
const runSize = Number(flag('--chunk') ?? 0);

const { clusterFile } = await import(join(root, 'dist', 'cluster', 'cluster-file.js'));

const raw = readFileSync(goldPath);
const lines = (goldPath.endsWith('.gz') ? gunzipSync(raw) : raw).toString('utf8').split('\n').filter(Boolean);
const parts = new Map();
for (const line of lines) {
  const { dataset = 'all' } = JSON.parse(line);
  if (!parts.has(dataset)) parts.set(dataset, []);
  parts.get(dataset).push(line);
}

const dir = mkdtempSync(join(tmpdir(), 'storyfeed-eval-'));
try {
  const predictions = [];
  let clusterMs = 0;
  for (const [name, partLines] of [...parts].sort()) {
    const inPath = join(dir, `${name}.jsonl`);
    const outPath = join(dir, `${name}.pred.jsonl`);
    writeFileSync(inPath, (shuffleSeed === undefined ? partLines : shuffled(partLines, Number(shuffleSeed))).join('\n') + '\n');
    const r = await clusterFile(inPath, outPath, options, runSize);
    clusterMs += r.durationMs;
    predictions.push(readFileSync(outPath, 'utf8'));
  }
  const predPath = join(dir, 'predictions.jsonl');
  writeFileSync(predPath, predictions.join(''));
  const report = execFileSync(process.execPath, [scorer, goldPath, predPath], { encoding: 'utf8' });

  const rows = [];
  let macro = Number.NaN;
  for (const line of report.split('\n')) {
    const m = /^(\S+)\s+n=\s*(\d+)\s+P=([\d.]+) R=([\d.]+) F1=([\d.]+)/.exec(line);
    if (m) rows.push({ part: m[1], n: Number(m[2]), p: Number(m[3]), r: Number(m[4]), f1: Number(m[5]) });
    const mm = /macro F1=([\d.]+)/.exec(line);
    if (mm) macro = Number(mm[1]);
  }
  if (report.includes('missing predictions')) throw new Error(`scorer reports missing predictions:\n${report}`);
  const floorPath = join(root, 'eval', 'cluster-floor.json');
  const floor = existsSync(floorPath) ? JSON.parse(readFileSync(floorPath, 'utf8')).macroF1 : 0;

  console.log(`part                   n      P       R       F1`);
  for (const r of rows) console.log(`${r.part.padEnd(18)} ${String(r.n).padStart(5)}  ${r.p.toFixed(4)}  ${r.r.toFixed(4)}  ${r.f1.toFixed(4)}`);
  console.log(`macro F1 ${macro.toFixed(4)} (floor ${floor.toFixed(4)}, precision ≥ ${MIN_PRECISION} per part); clustering ${clusterMs} ms`);
  const failures = [];
  if (!args.includes('--no-floor') && !(macro >= floor)) failures.push(`macro F1 ${macro.toFixed(4)} < floor ${floor.toFixed(4)}`);
  for (const r of rows) if (r.p < MIN_PRECISION) failures.push(`${r.part} precision ${r.p.toFixed(4)} < ${MIN_PRECISION}`);
  for (const f of failures) console.log(`FAIL: ${f}`);
  console.log(JSON.stringify({ macroF1: macro, floor, parts: Object.fromEntries(rows.map((r) => [r.part, { n: r.n, p: r.p, r: r.r, f1: r.f1 }])), options, shuffle: shuffleSeed ?? null, chunk: runSize || null, ok: failures.length === 0 }));
  process.exitCode = failures.length === 0 ? 0 : 1;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
