#!/usr/bin/env node
// Clustering speed benchmark (not a test): clusters all 12,060 dev articles (dev.jsonl.gz and uci-dev.jsonl.gz) as
// one stream, then the set repeated twice (second copy: new ids, dates shifted by a year when present) to check
// near-linear growth, and reports peak memory (medians of --runs runs, default 3). Targets: 1x under 3 s, 2x at
// most 2.3x the 1x time.
//
// --dated-texts N instead clusters N dev articles with their text (AllSides and Wikinews, repeated as needed) given
// seeded random dates over 30 days and one of 300 outlets: dated full texts, what the pipeline's batches are and
// what the story level (join-stories.ts) sees; with --pair-only the story level is switched off (thresholds above 1).
//
//   node scripts/bench-cluster.mjs [--runs N] [--dated-texts N [--pair-only]]
//
// Needs dist/ (npm run build). Skips with a message when ../shared is absent.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const evalDir = join(root, '..', 'shared', 'eval', 'story-clusters');
const goldPaths = [join(evalDir, 'dev.jsonl.gz'), join(evalDir, 'uci-dev.jsonl.gz')];
const absent = goldPaths.filter((p) => !existsSync(p));
if (absent.length > 0) {
  console.log(`bench:cluster skipped: ${absent.join(', ')} not found (the dev sets live outside the repo)`);
  process.exit(0);
}
const args = process.argv.slice(2);
const runs = Number(args.includes('--runs') ? args[args.indexOf('--runs') + 1] : 3);
const { clusterArticles } = await import(join(root, 'dist', 'cli', 'commands', 'cluster-file.js'));

const pick = ({ id, title, description, body, outlet, url, published }) => ({ id, title, description, body, outlet, url, published });
const once = goldPaths.flatMap((p) => gunzipSync(readFileSync(p)).toString('utf8').split('\n').filter(Boolean).map((l) => pick(JSON.parse(l))));
const YEAR_MS = 365 * 24 * 3_600_000;
const twice = [
  ...once,
  ...once.map((a) => ({ ...a, id: `${a.id}#2`, published: a.published ? new Date(Date.parse(a.published) + YEAR_MS).toISOString() : a.published })),
];

function time(records, options = {}) {
  const walls = [];
  const cpus = [];
  let stories = 0;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    const out = clusterArticles(records, options);
    const c = process.cpuUsage(c0);
    walls.push(performance.now() - t0);
    // CPU time too: on a shared machine wall time also measures the neighbours.
    cpus.push((c.user + c.system) / 1000);
    stories = new Set(out.map((a) => a.story)).size;
  }
  return { ms: Math.round(median(walls)), cpuMs: Math.round(median(cpus)), bestMs: Math.round(Math.min(...walls)), bestCpuMs: Math.round(Math.min(...cpus)), stories };
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

const datedTexts = Number(args.includes('--dated-texts') ? args[args.indexOf('--dated-texts') + 1] : 0);
if (datedTexts > 0) {
  const texts = once.filter((a) => !a.published);
  let seed = 7;
  const rnd = () => (seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32;
  const t0 = Date.parse('2024-01-01T00:00:00Z');
  const records = Array.from({ length: datedTexts }, (_, i) => ({ ...texts[i % texts.length], id: `t${i}`, outlet: `o${i % 300}`, published: new Date(t0 + rnd() * 30 * 86_400_000).toISOString() }));
  const options = args.includes('--pair-only') ? { storyJoinThreshold: 2, storyMergeThreshold: 2 } : {};
  const r = time(records, options);
  console.log(`${datedTexts} dated texts${args.includes('--pair-only') ? ' (pair level only)' : ''} → ${r.stories} stories in ${r.ms} ms wall, ${r.cpuMs} ms CPU (median of ${runs}); peak RSS ${Math.round(process.resourceUsage().maxRSS / 1024)} MB`);
  process.exit(0);
}
const one = time(once);
const two = time(twice);
const ratio = two.ms / one.ms;
const cpuRatio = two.cpuMs / one.cpuMs;
console.log(`1x: ${once.length} articles → ${one.stories} stories in ${one.ms} ms wall, ${one.cpuMs} ms CPU (median of ${runs}; best ${one.bestMs} / ${one.bestCpuMs})`);
console.log(`2x: ${twice.length} articles → ${two.stories} stories in ${two.ms} ms wall, ${two.cpuMs} ms CPU (median of ${runs}; best ${two.bestMs} / ${two.bestCpuMs}; ratio ${ratio.toFixed(2)} wall, ${cpuRatio.toFixed(2)} CPU)`);
const maxRssMb = Math.round(process.resourceUsage().maxRSS / 1024);
console.log(`peak RSS ${maxRssMb} MB`);
console.log(
  JSON.stringify({
    articles: once.length,
    runs,
    ms1x: one.ms,
    ms2x: two.ms,
    cpuMs1x: one.cpuMs,
    cpuMs2x: two.cpuMs,
    ratio: Math.round(ratio * 100) / 100,
    cpuRatio: Math.round(cpuRatio * 100) / 100,
    maxRssMb,
    ok1x: one.ms < 3000,
    okRatio: ratio <= 2.3,
  }),
);
