#!/usr/bin/env node
// Trains the clusterer's pair model (logistic regression over FEATURE_NAMES) on the dev set and
// reports how it clusters. Procedure: for each part, every item is linked to its nearest items exactly
// as in clusterItems (src/cluster/item-graph.ts), and each linked pair becomes a training row labelled
// "same gold story". Both parts weigh equally. The gold labels are read here only; the shipped
// clusterer never sees them.
//
//   node scripts/train-cluster.mjs [--split stories|parts] [--write]
//
// --split stories: train on half of the stories (by a hash of the story id), test on the other half.
// --split parts:   train on each part, test on the other.
// --write:         store the weights trained on everything in src/cluster/join-model.ts (rebuild after).
// Needs dist/ (npm run build). Skips with a message when ../shared is absent.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { shuffled } from './lib/shuffled.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const goldPath = join(root, '..', 'shared', 'eval', 'story-clusters', 'dev.jsonl.gz');
const scorerPath = join(root, '..', 'shared', 'tools', 'bcubed.mjs');
if (!existsSync(goldPath) || !existsSync(scorerPath)) {
  console.log(`train:cluster skipped: ${goldPath} or ${scorerPath} not found`);
  process.exit(0);
}
const args = process.argv.slice(2);
const flag = (name, fallback) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
const split = flag('--split', null);
// Share of the training weight given to small batches (the pipeline clusters a few dozen new items a run).
const smallShare = Number(flag('--small-share', 0.5));

const dist = join(root, 'dist', 'cluster');
const { Corpus } = await import(join(dist, 'corpus.js'));
const { itemPairs, FEATURE_NAMES, RIVAL_FLOOR } = await import(join(dist, 'item-graph.js'));
const { articleItem, clusterArticles } = await import(join(root, 'dist', 'cli', 'commands', 'cluster-file.js'));
const rivalFloor = Number(flag('--floor', RIVAL_FLOOR));

const { DEFAULT_CLUSTER_OPTIONS, resolveClusterOptions, timeOf } = await import(join(dist, 'cluster-items.js'));
const { bcubed } = await import(scorerPath);

const all = gunzipSync(readFileSync(goldPath)).toString('utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
const partNames = [...new Set(all.map((r) => r.dataset))].sort();
const half = (storyId) => createHash('sha256').update(storyId).digest()[0] & 1;

/** Training rows of one batch: features and labels of every linked pair of articles. */
function rowsOf(records) {
  const width = String(records.length).length;
  const corpus = new Corpus();
  const opts = resolveClusterOptions({});
  const items = records.map((r, i) => toItem(r, String(i).padStart(width, '0')));
  corpus.learn(items);
  const profiles = items.map((item) => corpus.profile(item, item.sourceId, timeOf(item), opts.queryTerms));
  const X = [];
  const y = [];
  for (const pair of itemPairs(profiles, { neighbours: opts.maxCandidates, windowMs: opts.windowHours * 3_600_000, rivalFloor })) {
    X.push(pair.features);
    y.push(records[pair.a].story_id === records[pair.b].story_id ? 1 : 0);
  }
  return { X, y };
}

/**
 * Small batches of one part, as a run of the pipeline sees them: whole stories drawn at random (seeded)
 * until a batch holds 20–200 articles, until every article has been drawn about once.
 */
function smallBatches(records, seed) {
  const byStory = new Map();
  for (const r of records) byStory.set(r.story_id, [...(byStory.get(r.story_id) ?? []), r]);
  const stories = shuffled([...byStory.keys()].sort(), seed);
  const batches = [];
  let s = seed >>> 0 || 1;
  let at = 0;
  while (at < stories.length) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    const size = 20 + (s % 181);
    const batch = [];
    while (at < stories.length && batch.length < size) batch.push(...byStory.get(stories[at++]));
    batches.push(batch);
  }
  return batches;
}

function toItem(r, id) {
  // The file command's mapping (articleItem) minus dates: the pair model is trained on text evidence only, the
  // window is applied separately.
  return { ...articleItem(r, id), published: null, date: null, dateSource: 'none' };
}

/**
 * Features that measure shared content: more of it must never count against a join (a linear model
 * fitted on pairs that rarely share much would otherwise learn a negative weight from collinearity with
 * the gap features, and split near-identical copies). Their weights are kept >= 0 (active set: a
 * feature whose fitted weight is negative is pinned at 0 and the rest refitted).
 */
const NON_NEGATIVE = new Set(['cosAll', 'cosTitle', 'cosEntities', 'crossTitle', 'sameDay', 'sharedNames']);

/** Fits logistic regression with the NON_NEGATIVE weights kept >= 0. */
function fit(sets, l2 = 1e-3) {
  const pinned = new Set();
  for (;;) {
    const model = fitFree(sets, l2, pinned);
    const negative = FEATURE_NAMES.map((f, k) => (NON_NEGATIVE.has(f) && !pinned.has(k) && model.weights[k] < 0 ? k : -1)).filter((k) => k >= 0);
    if (negative.length === 0) return model;
    // Pin the most negative one and refit (the others may turn positive once it is gone).
    pinned.add(negative.sort((a, b) => model.weights[a] - model.weights[b])[0]);
  }
}

/** Fits logistic regression by Newton's method (IRLS) with a small L2 penalty; rows weighted; `pinned` weights stay 0. */
function fitFree(sets, l2, pinned) {
  const d = FEATURE_NAMES.length + 1;
  let beta = new Array(d).fill(0);
  for (let iter = 0; iter < 30; iter++) {
    const g = new Array(d).fill(0);
    const H = Array.from({ length: d }, () => new Array(d).fill(0));
    for (const { X, y, weight } of sets) {
      for (let n = 0; n < X.length; n++) {
        const x = [...X[n], 1];
        let z = 0;
        for (let k = 0; k < d; k++) z += beta[k] * x[k];
        const p = 1 / (1 + Math.exp(-z));
        const wr = weight * p * (1 - p);
        for (let a = 0; a < d; a++) {
          g[a] += weight * (y[n] - p) * x[a];
          for (let b = 0; b < d; b++) H[a][b] += wr * x[a] * x[b];
        }
      }
    }
    for (let a = 0; a < d - 1; a++) {
      g[a] -= l2 * beta[a];
      H[a][a] += l2;
    }
    for (const a of pinned) {
      g[a] = 0;
      H[a].fill(0);
      for (const row of H) row[a] = 0;
      H[a][a] = 1;
    }
    const step = solve(H, g);
    beta = beta.map((b, k) => b + step[k]);
    if (Math.max(...step.map(Math.abs)) < 1e-8) break;
  }
  return { features: [...FEATURE_NAMES], weights: beta.slice(0, -1).map((w) => round(w, 4)), bias: round(beta[d - 1], 4), rivalFloor };
}

function solve(A, b) {
  const n = b.length;
  const M = A.map((row, i) => [...row, b[i]]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(M[r][c]) > Math.abs(M[p][c])) p = r;
    [M[c], M[p]] = [M[p], M[c]];
    for (let r = 0; r < n; r++) {
      if (r === c || M[c][c] === 0) continue;
      const f = M[r][c] / M[c][c];
      for (let k = c; k <= n; k++) M[r][k] -= f * M[c][k];
    }
  }
  return M.map((row, i) => (row[i] === 0 ? 0 : row[n] / row[i]));
}

function train(recordsByPart) {
  const sets = [];
  for (const records of recordsByPart) {
    const rows = rowsOf(records);
    sets.push({ ...rows, weight: (1 - smallShare) * 1e5 / rows.X.length / recordsByPart.length });
    if (smallShare === 0) continue;
    const small = smallBatches(records, 5).map(rowsOf);
    const n = small.reduce((t, r) => t + r.X.length, 0);
    for (const r of small) sets.push({ ...r, weight: smallShare * 1e5 / n / recordsByPart.length });
  }
  return fit(sets);
}

function score(records, options) {
  const pred = clusterArticles(records, options);
  return bcubed(records.map((r, i) => ({ gold: r.story_id, pred: pred[i].story })));
}

/** Scores clustering each small batch on its own (story ids made distinct per batch). */
function scoreSmall(records, options) {
  const rows = [];
  smallBatches(records, 9).forEach((batch, b) => {
    const pred = clusterArticles(batch, options);
    batch.forEach((r, i) => rows.push({ gold: r.story_id, pred: `${b}:${pred[i].story}` }));
  });
  return bcubed(rows);
}

const thresholds = flag('--thresholds', String(DEFAULT_CLUSTER_OPTIONS.threshold)).split(',').map(Number);

function report(label, model, testByPart) {
  for (const threshold of thresholds) {
    const out = [];
    let macro = 0;
    for (const [name, records] of testByPart) {
      const options = { model, threshold, sameSourceThreshold: Math.max(threshold, DEFAULT_CLUSTER_OPTIONS.sameSourceThreshold) };
      const orders = args.includes('--quick') ? ['file'] : ['file', 'shuffled', 'small'];
      for (const order of orders) {
        const s = order === 'small' ? scoreSmall(records, options) : score(order === 'file' ? records : shuffled(records, 11), options);
        if (order === 'file') macro += s.f1 / testByPart.length;
        out.push(`${label.padEnd(20)} t=${threshold} ${name.padEnd(16)} ${order.padEnd(8)} P=${s.p.toFixed(4)} R=${s.r.toFixed(4)} F1=${s.f1.toFixed(4)}`);
      }
    }
    console.log(out.join('\n') + `\n${label} t=${threshold} macro F1 (file order) ${macro.toFixed(4)}`);
  }
}

const byPart = new Map(partNames.map((p) => [p, all.filter((r) => r.dataset === p)]));
if (split === 'stories') {
  for (const [trainHalf, testHalf] of [[0, 1], [1, 0]]) {
    const model = train([...byPart.values()].map((rs) => rs.filter((r) => half(r.story_id) === trainHalf)));
    console.log(`train half ${trainHalf}: ${JSON.stringify(model)}`);
    report(`half ${trainHalf} → half ${testHalf}`, model, [...byPart].map(([k, rs]) => [k, rs.filter((r) => half(r.story_id) === testHalf)]));
    report(`half ${trainHalf} → half ${trainHalf}`, model, [...byPart].map(([k, rs]) => [k, rs.filter((r) => half(r.story_id) === trainHalf)]));
  }
} else if (split === 'parts') {
  for (const name of partNames) {
    const model = train([byPart.get(name)]);
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
    const next = src.replace(/(export const DEFAULT_JOIN_MODEL: JoinModel = \{\n  features: \[\.\.\.FEATURE_NAMES\],\n  weights: )\[[^\]]*\](,\n  bias: )[-\d.e]+(,\n  rivalFloor: )[\d.]+/, `$1[${model.weights.join(', ')}]$2${model.bias}$3${model.rivalFloor}`);
    if (next === src && !src.includes(`[${model.weights.join(', ')}]`)) throw new Error('could not find DEFAULT_JOIN_MODEL in join-model.ts');
    writeFileSync(path, next);
    console.log(`wrote ${path}; threshold in DEFAULT_CLUSTER_OPTIONS is ${DEFAULT_CLUSTER_OPTIONS.threshold}`);
  }
}

function round(x, digits) {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
