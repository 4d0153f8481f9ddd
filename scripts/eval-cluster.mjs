#!/usr/bin/env node
// Story-clustering evaluation: clusters each part (`dataset`) of the labelled dev sets on its own with the
// shipped defaults, through the same code users run (`storyfeed cluster`), and scores the predictions with
// ../shared/tools/bcubed.mjs (allsides_neus and wikinews_galaxy from dev.jsonl.gz, uci_dev from uci-dev.jsonl.gz).
// Every dated part is also replayed as a server sees it: in publication order, one call per 30 minutes of
// articles, each clustering only the new articles against the stories so far.
// Fails (exit 1) when a part's F1 or precision falls below its floor in eval/cluster-floor.json, the macro F1
// below the macro floor, or a replay scores more than REPLAY_TOLERANCE away from its one-batch F1.
//
//   node scripts/eval-cluster.mjs [--gold PATH]... [--shuffle SEED] [--chunk N] [--set key=value ...] [--no-floor] [--no-replay]
//
// --gold picks other files (repeatable); --shuffle reorders each part (a robustness check: the files list a
// story's articles together); --chunk N clusters each part N new articles per call, stories carried over;
// --set overrides a clustering option (exploration only; the gate uses the defaults).
// The gold labels are read here only, to score; the clusterer sees id, title, description, body, outlet, url
// and published. Needs dist/ (npm run build). Skips with a message when ../shared is absent.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { shuffled } from './lib/shuffled.mjs';

const REPLAY_MINUTES = 30;
const REPLAY_TOLERANCE = 0.03;
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const flag = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const evalDir = join(root, '..', 'shared', 'eval', 'story-clusters');
const given = args.flatMap((a, i) => (a === '--gold' ? [resolve(args[i + 1])] : []));
const goldPaths = given.length > 0 ? given : [join(evalDir, 'dev.jsonl.gz'), join(evalDir, 'uci-dev.jsonl.gz')];
const scorer = join(root, '..', 'shared', 'tools', 'bcubed.mjs');
const absent = [...goldPaths, scorer].filter((p) => !existsSync(p));
if (absent.length > 0) {
  console.log(`eval:cluster skipped: ${absent.join(', ')} not found (the evaluation sets live outside the repo)`);
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

const { clusterFile } = await import(join(root, 'dist', 'cli', 'commands', 'cluster-file.js'));

const lines = goldPaths.flatMap((p) => {
  const raw = readFileSync(p);
  return (p.endsWith('.gz') ? gunzipSync(raw) : raw).toString('utf8').split('\n').filter(Boolean);
});
const parts = new Map();
for (const line of lines) {
  const { dataset = 'all', published = null } = JSON.parse(line);
  if (!parts.has(dataset)) parts.set(dataset, { lines: [], dated: false });
  const part = parts.get(dataset);
  part.lines.push(line);
  if (published) part.dated = true;
}

const dir = mkdtempSync(join(tmpdir(), 'storyfeed-eval-'));
try {
  const goldPath = join(dir, 'gold.jsonl');
  writeFileSync(goldPath, lines.join('\n') + '\n');
  /** Clusters every part (through clusterFile, as `storyfeed cluster` does) and scores them: rows by part. */
  const evaluate = async (replayOf) => {
    const predictions = [];
    const ms = {};
    for (const [name, part] of [...parts].sort()) {
      const inPath = join(dir, `${name}.jsonl`);
      const outPath = join(dir, `${name}.pred.jsonl`);
      writeFileSync(inPath, (shuffleSeed === undefined ? part.lines : shuffled(part.lines, Number(shuffleSeed))).join('\n') + '\n');
      const r = await clusterFile(inPath, outPath, options, replayOf(name, part));
      ms[name] = r.durationMs;
      predictions.push(readFileSync(outPath, 'utf8'));
    }
    const predPath = join(dir, 'predictions.jsonl');
    writeFileSync(predPath, predictions.join(''));
    const report = execFileSync(process.execPath, [scorer, goldPath, predPath], { encoding: 'utf8' });
    if (report.includes('missing predictions')) throw new Error(`scorer reports missing predictions:\n${report}`);
    const rows = new Map();
    for (const line of report.split('\n')) {
      const m = /^(\S+)\s+n=\s*(\d+)\s+P=([\d.]+) R=([\d.]+) F1=([\d.]+)/.exec(line);
      if (m) rows.set(m[1], { n: Number(m[2]), p: Number(m[3]), r: Number(m[4]), f1: Number(m[5]), ms: ms[m[1]] });
    }
    return rows;
  };
  const batch = await evaluate(() => runSize);
  const replay = args.includes('--no-replay') || runSize > 0 ? new Map() : await evaluate((_, part) => (part.dated ? { minutes: REPLAY_MINUTES } : 0));
  const macro = [...batch.values()].reduce((t, r) => t + r.f1, 0) / batch.size;

  const floorPath = join(root, 'eval', 'cluster-floor.json');
  const floors = existsSync(floorPath) ? JSON.parse(readFileSync(floorPath, 'utf8')) : { macroF1: 0, parts: {} };
  console.log('part                   n      P       R       F1      ms   (floor F1 / P)');
  for (const [name, r] of batch) {
    const f = floors.parts?.[name];
    console.log(`${name.padEnd(18)} ${String(r.n).padStart(5)}  ${r.p.toFixed(4)}  ${r.r.toFixed(4)}  ${r.f1.toFixed(4)}  ${String(r.ms).padStart(5)}   ${f ? `${f.f1.toFixed(4)} / ${f.p.toFixed(4)}` : '-'}`);
  }
  for (const [name, r] of replay) {
    if (!parts.get(name).dated) continue;
    const label = `${name} replay`;
    console.log(`${label.padEnd(18)} ${String(r.n).padStart(5)}  ${r.p.toFixed(4)}  ${r.r.toFixed(4)}  ${r.f1.toFixed(4)}  ${String(r.ms).padStart(5)}   (${REPLAY_MINUTES}-minute runs; within ${REPLAY_TOLERANCE} of one batch: ${(r.f1 - batch.get(name).f1).toFixed(4)})`);
  }
  console.log(`macro F1 ${macro.toFixed(4)} over ${batch.size} parts (floor ${Number(floors.macroF1 ?? 0).toFixed(4)})`);
  const failures = [];
  if (!args.includes('--no-floor')) {
    if (!(macro >= floors.macroF1)) failures.push(`macro F1 ${macro.toFixed(4)} < floor ${floors.macroF1}`);
    for (const [name, r] of batch) {
      const f = floors.parts?.[name];
      if (!f) continue;
      if (!(r.f1 >= f.f1)) failures.push(`${name} F1 ${r.f1.toFixed(4)} < floor ${f.f1}`);
      if (!(r.p >= f.p)) failures.push(`${name} precision ${r.p.toFixed(4)} < floor ${f.p}`);
    }
    for (const [name, r] of replay) {
      if (parts.get(name).dated && !(Math.abs(r.f1 - batch.get(name).f1) <= REPLAY_TOLERANCE)) failures.push(`${name} replay F1 ${r.f1.toFixed(4)} is more than ${REPLAY_TOLERANCE} from one batch (${batch.get(name).f1.toFixed(4)})`);
    }
  }
  for (const f of failures) console.log(`FAIL: ${f}`);
  const json = (rows) => Object.fromEntries([...rows].map(([k, r]) => [k, { n: r.n, p: r.p, r: r.r, f1: r.f1 }]));
  console.log(JSON.stringify({ macroF1: Number(macro.toFixed(4)), parts: json(batch), replay: json([...replay].filter(([k]) => parts.get(k).dated)), options, shuffle: shuffleSeed ?? null, chunk: runSize || null, ok: failures.length === 0 }));
  process.exitCode = failures.length === 0 ? 0 : 1;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
