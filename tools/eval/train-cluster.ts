// Trains the clusterer's pair model (logistic regression over FEATURE_NAMES) on the dev set and reports how it
// clusters. Procedure: for each part, every item is linked to its nearest items exactly as in clusterItems
// (src/cluster/item-graph.ts), and each linked pair becomes a training row labelled "same gold story". Both parts weigh
// equally. The gold labels are read here only; the shipped clusterer never sees them.
//
//   npm run train:cluster -- [--split stories|parts] [--write] [--small-share S] [--floor F] [--thresholds T,…] [--quick]
//
// --split stories: train on half of the stories (by a hash of the story id), test on the other half. --split parts:
// train on each part, test on the other. --write:         store the weights trained on everything in
// src/cluster/join-model.ts (rebuild after). Skips with a message when ../shared is absent.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { articleItem, clusterArticles } from '../../src/cli/commands/cluster-file.js';
import {
  DEFAULT_CLUSTER_OPTIONS,
  type ClusterOptions,
  resolveClusterOptions,
  timeOf,
} from '../../src/cluster/cluster-items.js';
import { Corpus } from '../../src/cluster/corpus.js';
import { FEATURE_NAMES, itemPairs, RIVAL_FLOOR } from '../../src/cluster/item-graph.js';
import type { JoinModel } from '../../src/cluster/join-model.js';
import type { Item } from '../../src/model.js';
import { repoRoot } from '../repo-root.js';
import { devSetDir, type LabelledArticle, loadLabelled } from './dev-sets.js';
import { fitNonNegative, type TrainingSet } from './logistic-fit.js';
import { type BCubedScore, loadScorer, type ScoredPair } from './scorer.js';
import { shuffled } from './shuffled.js';

const root = repoRoot(import.meta.url);
const goldPath = join(devSetDir(root), 'dev.jsonl.gz');
const scorerPath = join(root, '..', 'shared', 'tools', 'bcubed.mjs');
if (!existsSync(goldPath) || !existsSync(scorerPath)) {
  console.log(`train:cluster skipped: ${goldPath} or ${scorerPath} not found`);
  process.exit(0);
}
const args = process.argv.slice(2);
const flag = (name: string, fallback: string | null): string | null =>
  args.includes(name) ? (args[args.indexOf(name) + 1] ?? null) : fallback;
const split = flag('--split', null);
// Share of the training weight given to small batches (the pipeline clusters a few dozen new items a run).
const smallShare = Number(flag('--small-share', '0.5'));
const rivalFloor = Number(flag('--floor', String(RIVAL_FLOOR)));
const bcubed = await loadScorer(scorerPath);

const all = loadLabelled(goldPath);
const partNames = [...new Set(all.map((r) => r.dataset))].sort();
const half = (storyId: string): number => (createHash('sha256').update(storyId).digest()[0] as number) & 1;

/** Training rows of one batch: features and labels of every linked pair of articles. */
function rowsOf(records: readonly LabelledArticle[]): { X: number[][]; y: number[] } {
  const width = String(records.length).length;
  const corpus = new Corpus();
  const opts = resolveClusterOptions({});
  const items = records.map((r, i) => toItem(r, String(i).padStart(width, '0')));
  corpus.learn(items);
  const profiles = items.map((item) => corpus.profile(item, item.sourceId, timeOf(item), opts.queryTerms));
  const X: number[][] = [];
  const y: number[] = [];
  for (const pair of itemPairs(profiles, {
    neighbours: opts.maxCandidates,
    windowMs: opts.windowHours * 3_600_000,
    rivalFloor,
  })) {
    X.push(pair.features);
    y.push(records[pair.a]?.story_id === records[pair.b]?.story_id ? 1 : 0);
  }
  return { X, y };
}

/**
 * Small batches of one part, as a run of the pipeline sees them: whole stories drawn at random (seeded)
 * until a batch holds 20–200 articles, until every article has been drawn about once.
 */
function smallBatches(records: readonly LabelledArticle[], seed: number): LabelledArticle[][] {
  const byStory = new Map<string, LabelledArticle[]>();
  for (const r of records) byStory.set(r.story_id, [...(byStory.get(r.story_id) ?? []), r]);
  const stories = shuffled([...byStory.keys()].sort(), seed);
  const batches: LabelledArticle[][] = [];
  let s = seed >>> 0 || 1;
  let at = 0;
  while (at < stories.length) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    const size = 20 + (s % 181);
    const batch: LabelledArticle[] = [];
    while (at < stories.length && batch.length < size) batch.push(...(byStory.get(stories[at++] as string) ?? []));
    batches.push(batch);
  }
  return batches;
}

function toItem(r: LabelledArticle, id: string): Item {
  // The file command's mapping (articleItem) minus dates: the pair model is trained on text evidence only, the
  // window is applied separately.
  return { ...articleItem(r, id), published: null, date: null, dateSource: 'none' };
}

/**
 * Features that measure shared content: more of it must never count against a join (a linear model
 * fitted on pairs that rarely share much would otherwise learn a negative weight from collinearity with
 * the gap features, and split near-identical copies). Their weights are kept >= 0.
 */
const NON_NEGATIVE = new Set(['cosAll', 'cosTitle', 'cosEntities', 'crossTitle', 'sameDay', 'sharedNames']);
const NON_NEGATIVE_INDEXES = new Set(FEATURE_NAMES.flatMap((f, k) => (NON_NEGATIVE.has(f) ? [k] : [])));

function train(
  recordsByPart: readonly (readonly LabelledArticle[])[],
): Required<JoinModel> & { features: string[]; weights: number[] } {
  const sets: TrainingSet[] = [];
  for (const records of recordsByPart) {
    const rows = rowsOf(records);
    sets.push({ ...rows, weight: ((1 - smallShare) * 1e5) / rows.X.length / recordsByPart.length });
    if (smallShare === 0) continue;
    const small = smallBatches(records, 5).map(rowsOf);
    const n = small.reduce((t, r) => t + r.X.length, 0);
    for (const r of small) sets.push({ ...r, weight: (smallShare * 1e5) / n / recordsByPart.length });
  }
  const { weights, bias } = fitNonNegative(sets, FEATURE_NAMES.length, NON_NEGATIVE_INDEXES);
  return { features: [...FEATURE_NAMES], weights, bias, rivalFloor };
}

function score(records: readonly LabelledArticle[], options: Partial<ClusterOptions>): BCubedScore {
  const pred = clusterArticles(records, options);
  return bcubed(records.map((r, i) => ({ gold: r.story_id, pred: pred[i]?.story ?? '' })));
}

/** Scores clustering each small batch on its own (story ids made distinct per batch). */
function scoreSmall(records: readonly LabelledArticle[], options: Partial<ClusterOptions>): BCubedScore {
  const rows: ScoredPair[] = [];
  smallBatches(records, 9).forEach((batch, b) => {
    const pred = clusterArticles(batch, options);
    for (const [i, r] of batch.entries()) rows.push({ gold: r.story_id, pred: `${b}:${pred[i]?.story ?? ''}` });
  });
  return bcubed(rows);
}

const thresholds = String(flag('--thresholds', String(DEFAULT_CLUSTER_OPTIONS.threshold)))
  .split(',')
  .map(Number);

function report(label: string, model: JoinModel, testByPart: readonly [string, readonly LabelledArticle[]][]): void {
  for (const threshold of thresholds) {
    const out: string[] = [];
    let macro = 0;
    for (const [name, records] of testByPart) {
      const options = {
        model,
        threshold,
        sameSourceThreshold: Math.max(threshold, DEFAULT_CLUSTER_OPTIONS.sameSourceThreshold),
      };
      const orders = args.includes('--quick') ? ['file'] : ['file', 'shuffled', 'small'];
      for (const order of orders) {
        const s =
          order === 'small'
            ? scoreSmall(records, options)
            : score(order === 'file' ? records : shuffled(records, 11), options);
        if (order === 'file') macro += s.f1 / testByPart.length;
        out.push(
          `${label.padEnd(20)} t=${threshold} ${name.padEnd(16)} ${order.padEnd(8)} P=${s.p.toFixed(4)} R=${s.r.toFixed(4)} F1=${s.f1.toFixed(4)}`,
        );
      }
    }
    console.log(`${out.join('\n')}\n${label} t=${threshold} macro F1 (file order) ${macro.toFixed(4)}`);
  }
}

const byPart = new Map(partNames.map((p) => [p, all.filter((r) => r.dataset === p)]));
const partOf = (name: string): LabelledArticle[] => byPart.get(name) ?? [];
if (split === 'stories') {
  for (const [trainHalf, testHalf] of [
    [0, 1],
    [1, 0],
  ] as const) {
    const model = train([...byPart.values()].map((rs) => rs.filter((r) => half(r.story_id) === trainHalf)));
    console.log(`train half ${trainHalf}: ${JSON.stringify(model)}`);
    report(
      `half ${trainHalf} → half ${testHalf}`,
      model,
      [...byPart].map(([k, rs]) => [k, rs.filter((r) => half(r.story_id) === testHalf)]),
    );
    report(
      `half ${trainHalf} → half ${trainHalf}`,
      model,
      [...byPart].map(([k, rs]) => [k, rs.filter((r) => half(r.story_id) === trainHalf)]),
    );
  }
} else if (split === 'parts') {
  for (const name of partNames) {
    const model = train([partOf(name)]);
    console.log(`train ${name}: ${JSON.stringify(model)}`);
    report(`${name} → all`, model, [...byPart]);
  }
} else {
  const model = train([...byPart.values()]);
  console.log(JSON.stringify(model));
  report('all → all', model, [...byPart]);
  if (args.includes('--write')) {
    const path = join(root, 'src', 'cluster', 'join-model.ts');
    const src = readFileSync(path, 'utf8');
    const next = src.replace(
      /(export const DEFAULT_JOIN_MODEL: JoinModel = \{\n {2}features: \[\.\.\.FEATURE_NAMES\],\n {2}weights: )\[[^\]]*\](,\n {2}bias: )[-\d.e]+(,\n {2}rivalFloor: )[\d.]+/,
      `$1[${model.weights.join(', ')}]$2${model.bias}$3${model.rivalFloor}`,
    );
    if (next === src && !src.includes(`[${model.weights.join(', ')}]`))
      throw new Error('could not find DEFAULT_JOIN_MODEL in join-model.ts');
    writeFileSync(path, next);
    console.log(`wrote ${path}; threshold in DEFAULT_CLUSTER_OPTIONS is ${DEFAULT_CLUSTER_OPTIONS.threshold}`);
  }
}
