#!/usr/bin/env node
// Stress test of story-level grouping in a crowded stream (a benchmark of quality, not a CI gate): the uci_dev
// stream plus N AllSides politics reports (headline + lead) given random times inside the same 36 hours and one of
// 50 outlets, clustered as one batch and as 30-minute runs; BCubed of the uci_dev articles and of the added ones.
//
//   node scripts/stress-cluster.mjs [N=3000] [--set key=value ...]
//
// Gold labels are read here only, to score. Needs dist/ (npm run build). Skips when ../shared is absent.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const evalDir = join(root, '..', 'shared', 'eval', 'story-clusters');
const scorer = join(root, '..', 'shared', 'tools', 'bcubed.mjs');
if (![join(evalDir, 'dev.jsonl.gz'), join(evalDir, 'uci-dev.jsonl.gz'), scorer].every(existsSync)) {
  console.log('stress-cluster skipped: ../shared/eval or ../shared/tools not found');
  process.exit(0);
}
const args = process.argv.slice(2);
const n = Number(args.find((a, i) => /^\d+$/.test(a) && args[i - 1] !== '--set') ?? 3000);
const options = {};
args.forEach((a, i) => {
  if (a !== '--set') return;
  const [k, v] = String(args[i + 1]).split('=');
  options[k] = Number(v);
});
const { clusterArticles } = await import(join(root, 'dist', 'cli', 'commands', 'cluster-file.js'));
const { bcubed } = await import(scorer);
const load = (f) => gunzipSync(readFileSync(join(evalDir, f))).toString('utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
const uci = load('uci-dev.jsonl.gz');
const t0 = Math.min(...uci.map((r) => Date.parse(r.published)));
const t1 = Math.max(...uci.map((r) => Date.parse(r.published)));
let seed = 12345;
const rnd = () => (seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32;
const extra = load('dev.jsonl.gz')
  .filter((r) => r.dataset === 'allsides_neus')
  .slice(0, n)
  .map((r) => ({ ...r, published: new Date(t0 + rnd() * (t1 - t0)).toISOString(), outlet: `o${Math.floor(rnd() * 50)}` }));
const records = [...uci, ...extra];
for (const [label, replay] of [['one batch', 0], ['30-minute runs', { minutes: 30 }]]) {
  const pred = clusterArticles(records, options, replay);
  const rows = records.map((r, i) => ({ gold: r.story_id, pred: pred[i].story, part: r.dataset }));
  const u = bcubed(rows.filter((x) => x.part === 'uci_dev'));
  const a = bcubed(rows.filter((x) => x.part !== 'uci_dev'));
  const f = (s) => `P ${s.p.toFixed(3)} R ${s.r.toFixed(3)} F1 ${s.f1.toFixed(3)}`;
  console.log(`${label.padEnd(15)} uci_dev: ${f(u)} | ${n} added AllSides: ${f(a)}`);
}
