// Stress test of story-level grouping in a crowded stream (a benchmark of quality, not a CI gate): the uci_dev
// stream plus N AllSides politics reports (headline + lead) given random times inside the same 36 hours and one of
// 50 outlets, clustered as one batch and as 30-minute runs; BCubed of the uci_dev articles and of the added ones.
//
//   npm run --silent build:tools && node build/tools/eval/stress-cluster.js [N=3000] [--set key=value ...]
//
// Gold labels are read here only, to score. Skips when ../shared is absent.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { clusterArticles, type Replay } from '../../src/cli/commands/cluster-file.js';
import { repoRoot } from '../repo-root.js';
import { devSetDir, lcgRandom, loadLabelled } from './dev-sets.js';
import { type BCubedScore, loadScorer, parseSetOptions } from './scorer.js';

const root = repoRoot(import.meta.url);
const evalDir = devSetDir(root);
const scorer = join(root, '..', 'shared', 'tools', 'bcubed.mjs');
if (![join(evalDir, 'dev.jsonl.gz'), join(evalDir, 'uci-dev.jsonl.gz'), scorer].every((p) => existsSync(p))) {
  console.log('stress-cluster skipped: ../shared/eval or ../shared/tools not found');
  process.exit(0);
}
const args = process.argv.slice(2);
const n = Number(args.find((a, i) => /^\d+$/.test(a) && args[i - 1] !== '--set') ?? 3000);
const options = parseSetOptions(args);
const bcubed = await loadScorer(scorer);
const uci = loadLabelled(join(evalDir, 'uci-dev.jsonl.gz'));
const t0 = Math.min(...uci.map((r) => Date.parse(r.published ?? '')));
const t1 = Math.max(...uci.map((r) => Date.parse(r.published ?? '')));
const rnd = lcgRandom(12345);
const extra = loadLabelled(join(evalDir, 'dev.jsonl.gz'))
  .filter((r) => r.dataset === 'allsides_neus')
  .slice(0, n)
  .map((r) => ({
    ...r,
    published: new Date(t0 + rnd() * (t1 - t0)).toISOString(),
    outlet: `o${Math.floor(rnd() * 50)}`,
  }));
const records = [...uci, ...extra];
const runs: [string, Replay | number][] = [
  ['one batch', 0],
  ['30-minute runs', { minutes: 30 }],
];
for (const [label, replay] of runs) {
  const pred = clusterArticles(records, options, replay);
  const rows = records.map((r, i) => ({ gold: r.story_id, pred: pred[i]?.story ?? '', part: r.dataset }));
  const u = bcubed(rows.filter((x) => x.part === 'uci_dev'));
  const a = bcubed(rows.filter((x) => x.part !== 'uci_dev'));
  const f = (s: BCubedScore) => `P ${s.p.toFixed(3)} R ${s.r.toFixed(3)} F1 ${s.f1.toFixed(3)}`;
  console.log(`${label.padEnd(15)} uci_dev: ${f(u)} | ${n} added AllSides: ${f(a)}`);
}
