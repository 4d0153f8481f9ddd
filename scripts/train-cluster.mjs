#!/usr/bin/env node
// Trains the clusterer's join model (logistic regression over FEATURE_NAMES) on the dev set and
// reports how it clusters. Procedure: for each part, replay the articles as a stream (file order and
// one shuffled order) while an oracle keeps the gold stories; for each article, the inverted index
// proposes candidate stories exactly as in clusterItems, and each (article, candidate) pair becomes a
// training row labelled "same gold story". Both parts weigh equally. The gold labels are read here
// only; the shipped clusterer never sees them.
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

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const goldPath = join(root, '..', 'shared', 'eval', 'story-clusters', 'dev.jsonl.gz');
const scorerPath = join(root, '..', 'shared', 'tools', 'bcubed.mjs');
if (!existsSync(goldPath) || !existsSync(scorerPath)) {
  console.log(`train:cluster skipped: ${goldPath} or ${scorerPath} not found`);
  process.exit(0);
}
const args = process.argv.slice(2);
const split = args.includes('--split') ? args[args.indexOf('--split') + 1] : null;

const dist = join(root, 'dist', 'cluster');
const { Corpus, StoryIndex, FEATURE_NAMES } = await import(join(dist, 'story-index.js'));
const { clusterArticles } = await import(join(dist, 'cluster-file.js'));
const { DEFAULT_CLUSTER_OPTIONS, resolveClusterOptions, timeOf } = await import(join(dist, 'cluster-items.js'));
const { bcubed } = await import(scorerPath);

const all = gunzipSync(readFileSync(goldPath)).toString('utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
const partNames = [...new Set(all.map((r) => r.dataset))].sort();
const half = (storyId) => createHash('sha256').update(storyId).digest()[0] & 1;

/** Training rows of one part: features and labels of every (article, candidate story) pair. */
function rowsOf(records, orderSeed) {
  const ordered = orderSeed === null ? records : shuffled(records, orderSeed);
  const width = String(ordered.length).length;
  const corpus = new Corpus();
  const opts = resolveClusterOptions({});
  const items = ordered.map((r, i) => toItem(r, String(i).padStart(width, '0')));
  corpus.learn(items);
  const index = new StoryIndex({ windowMs: opts.windowHours * 3_600_000, maxCandidates: opts.maxCandidates, queryTerms: opts.queryTerms, maxMembersCompared: opts.maxMembersCompared });
  const storyOfGold = new Map();
  const goldOfStory = [];
  const X = [];
  const y = [];
  ordered.forEach((r, i) => {
    const item = items[i];
    const p = corpus.profile(item, item.sourceId, timeOf(item), opts.queryTerms);
    for (const c of index.candidates(p)) {
      X.push(c.features);
      y.push(goldOfStory[c.story] === r.story_id ? 1 : 0);
    }
    const s = index.add(p, storyOfGold.get(r.story_id) ?? null);
    storyOfGold.set(r.story_id, s);
    goldOfStory[s] = r.story_id;
  });
  return { X, y };
}

function toItem(r, id) {
  // The same mapping as cluster-file.ts (kept in step by the eval: both must reach the same figures).
  const summary = (r.description ?? '').replace(/\s+/g, ' ').trim();
  return {
    id,
    sourceId: r.outlet ? `outlet:${r.outlet.toLowerCase()}` : `article:${id}`,
    sourceName: r.outlet ?? '',
    guid: null,
    url: r.url ?? null,
    title: (r.title ?? '').replace(/\s+/g, ' ').trim() || '(untitled)',
    summary,
    contentHtml: '',
    contentText: r.body ?? '',
    authors: [],
    categories: [],
    published: null,
    updated: null,
    date: null,
    dateSource: 'none',
    language: null,
  };
}

/** Fits logistic regression by Newton's method (IRLS) with a small L2 penalty; rows weighted. */
function fit(sets, l2 = 1e-3) {
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
    const step = solve(H, g);
    beta = beta.map((b, k) => b + step[k]);
    if (Math.max(...step.map(Math.abs)) < 1e-8) break;
  }
  return { features: [...FEATURE_NAMES], weights: beta.slice(0, -1).map((w) => round(w, 4)), bias: round(beta[d - 1], 4) };
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
    const parts = [rowsOf(records, null), rowsOf(records, 7)];
    const n = parts.reduce((s, p) => s + p.X.length, 0);
    for (const p of parts) sets.push({ ...p, weight: 1e5 / n / recordsByPart.length });
  }
  return fit(sets);
}

function score(records, options) {
  const pred = clusterArticles(records, options);
  return bcubed(records.map((r, i) => ({ gold: r.story_id, pred: pred[i].story })));
}

function report(label, model, testByPart) {
  const out = [];
  for (const [name, records] of testByPart) {
    for (const order of ['file', 'shuffled']) {
      const s = score(order === 'file' ? records : shuffled(records, 11), { model });
      out.push(`${label.padEnd(26)} ${name.padEnd(16)} ${order.padEnd(8)} P=${s.p.toFixed(4)} R=${s.r.toFixed(4)} F1=${s.f1.toFixed(4)}`);
    }
  }
  console.log(out.join('\n'));
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
    const next = src.replace(/(export const DEFAULT_JOIN_MODEL: JoinModel = \{\n  features: \[\.\.\.FEATURE_NAMES\],\n  weights: )\[[^\]]*\](,\n  bias: )[-\d.e]+/, `$1[${model.weights.join(', ')}]$2${model.bias}`);
    if (next === src && !src.includes(`[${model.weights.join(', ')}]`)) throw new Error('could not find DEFAULT_JOIN_MODEL in join-model.ts');
    writeFileSync(path, next);
    console.log(`wrote ${path}; threshold in DEFAULT_CLUSTER_OPTIONS is ${DEFAULT_CLUSTER_OPTIONS.threshold}`);
  }
}

function shuffled(list, seed) {
  const out = [...list];
  let s = seed >>> 0 || 1;
  for (let i = out.length - 1; i > 0; i--) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

function round(x, digits) {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
