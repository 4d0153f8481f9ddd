#!/usr/bin/env node
// Summarises a V8 CPU profile (`node --cpu-prof`, or `npm run bench -- --cpu-prof DIR`): self time by
// package/file and by function, as shares of the sampled time. Not a test. Issue #7.
//
//   node scripts/profile-summary.mjs FILE.cpuprofile [--top N]
//
// It also splits the samples by pipeline stage: each sample goes to the innermost of these functions on its
// stack (decodeBytes, parseFeed, normalizeFeed, upsertItems/commit, clusterItems, render*, writeFileAtomic);
// samples under none of them are HTTP, event loop and start-up ("other"); GC has no stack ("garbage collector").
import { readFileSync } from 'node:fs';

const [file, ...rest] = process.argv.slice(2);
if (!file) {
  console.error('usage: node scripts/profile-summary.mjs FILE.cpuprofile [--top N]');
  process.exit(2);
}
const top = Number(rest[rest.indexOf('--top') + 1] ?? 25) || 25;
const profile = JSON.parse(readFileSync(file, 'utf8'));
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const selfUs = new Map();
const deltas = profile.timeDeltas;
for (let i = 0; i < profile.samples.length; i++) selfUs.set(profile.samples[i], (selfUs.get(profile.samples[i]) ?? 0) + (deltas[i] ?? 0));
const total = [...selfUs.values()].reduce((a, b) => a + b, 0);

/** Where a frame's code lives: an npm package, a file of ours, node internals, or V8 (GC, program, idle). */
function place(frame) {
  const url = frame.url || '';
  if (!url) return `(${frame.functionName || 'anonymous'})`;
  const pkg = url.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/);
  if (pkg) return pkg[1];
  if (url.startsWith('node:')) return 'node internals';
  const ours = url.match(/\/dist\/(.+)$/);
  return ours ? ours[1] : url;
}
const byPlace = new Map();
const byFunction = new Map();
for (const [id, us] of selfUs) {
  const frame = byId.get(id).callFrame;
  const p = place(frame);
  byPlace.set(p, (byPlace.get(p) ?? 0) + us);
  const f = `${frame.functionName || '(anonymous)'}  ${p}:${frame.lineNumber + 1}`;
  byFunction.set(f, (byFunction.get(f) ?? 0) + us);
}
// Stages by the innermost stage function on a sample's stack.
const STAGES = new Map([
  ['decodeBytes', 'decode'],
  ['parseFeed', 'parse'],
  ['normalizeFeed', 'normalize'],
  ['upsertItems', 'store'],
  ['commit', 'store'],
  ['saveStories', 'store'],
  ['loadStoryViews', 'store (feed read)'],
  ['clusterItems', 'cluster'],
  ['renderAtom', 'render'],
  ['renderJsonFeed', 'render'],
  ['renderHtmlPage', 'render'],
  ['writeFileAtomic', 'write'],
]);
const parent = new Map();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const stageOf = new Map();
function findStage(id) {
  if (stageOf.has(id)) return stageOf.get(id);
  const frame = byId.get(id).callFrame;
  let stage = frame.functionName === '(garbage collector)' ? 'garbage collector' : STAGES.get(frame.functionName);
  if (stage === undefined) {
    const up = parent.get(id);
    stage = up === undefined ? 'other' : findStage(up);
  }
  stageOf.set(id, stage);
  return stage;
}
const byStage = new Map();
for (const [id, us] of selfUs) {
  const stage = findStage(id);
  byStage.set(stage, (byStage.get(stage) ?? 0) + us);
}
const pct = (us) => ((100 * us) / total).toFixed(1).padStart(5);
const secs = (us) => (us / 1e6).toFixed(2).padStart(6);
console.log(`${file}: ${(total / 1e6).toFixed(2)} s sampled`);
console.log('\nby pipeline stage (innermost stage function on the stack)');
for (const [p, us] of [...byStage].sort((a, b) => b[1] - a[1])) console.log(`${pct(us)} %  ${secs(us)} s  ${p}`);
console.log('\nself time by package / file');
for (const [p, us] of [...byPlace].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${pct(us)} %  ${secs(us)} s  ${p}`);
console.log('\nself time by function');
for (const [f, us] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${pct(us)} %  ${secs(us)} s  ${f}`);
