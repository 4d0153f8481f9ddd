// Summarises a V8 CPU profile (`node --cpu-prof`, or `npm run bench -- --cpu-prof DIR`): self time by
// package/file and by function, as shares of the sampled time. Not a test. Issue #7.
//
//   npm run --silent build:tools && node build/tools/bench/profile-summary.js FILE.cpuprofile [--top N]
//
// It also splits the samples by pipeline stage: each sample goes to the innermost of these functions on its
// stack (decodeBytes, parseFeed, normalizeFeed, upsertItems/commit, clusterItems, render*, writeFileAtomic);
// samples under none of them are HTTP, event loop and start-up ("other"); GC has no stack ("garbage collector").
import { readFileSync } from 'node:fs';

/** A V8 CPU profile's call frame. */
export interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}

/** A V8 CPU profile (the fields read here). */
export interface CpuProfile {
  nodes: { id: number; callFrame: CallFrame; children?: number[] }[];
  samples: number[];
  timeDeltas: number[];
}

/** Stages by the innermost stage function on a sample's stack. */
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

/**
 * Returns where a frame's code lives: an npm package, a file of ours (under dist/ or build/), node internals, or V8
 * (GC, program, idle).
 */
export function placeOf(frame: Pick<CallFrame, 'functionName' | 'url'>): string {
  const url = frame.url || '';
  if (!url) return `(${frame.functionName || 'anonymous'})`;
  const pkg = url.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/);
  if (pkg) return pkg[1] as string;
  if (url.startsWith('node:')) return 'node internals';
  const ours = url.match(/\/(?:dist|build)\/(.+)$/);
  return ours ? (ours[1] as string) : url;
}

/**
 * The stage a function of that name begins, also under the name esbuild gives it in a bundle when a library took the
 * name first (ours is `parseFeed5` in dist/bundle/, feedsmith having a `parseFeed`): without that, a bundle's profile
 * put the whole parse under "other".
 */
function stageOfName(name: string): string | undefined {
  return STAGES.get(name) ?? STAGES.get(name.replace(/\d+$/, ''));
}

/** The profile's sampled time (µs) by stage, by place and by function, and the total. */
export function summarise(profile: CpuProfile): {
  total: number;
  byStage: Map<string, number>;
  byPlace: Map<string, number>;
  byFunction: Map<string, number>;
} {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  const deltas = profile.timeDeltas;
  for (const [i, id] of profile.samples.entries()) selfUs.set(id, (selfUs.get(id) ?? 0) + (deltas[i] ?? 0));
  const total = [...selfUs.values()].reduce((a, b) => a + b, 0);
  const byPlace = new Map<string, number>();
  const byFunction = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const frame = byId.get(id)?.callFrame;
    if (frame === undefined) continue;
    const p = placeOf(frame);
    byPlace.set(p, (byPlace.get(p) ?? 0) + us);
    const f = `${frame.functionName || '(anonymous)'}  ${p}:${frame.lineNumber + 1}`;
    byFunction.set(f, (byFunction.get(f) ?? 0) + us);
  }
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const stageOf = new Map<number, string>();
  const findStage = (id: number): string => {
    const known = stageOf.get(id);
    if (known !== undefined) return known;
    const name = byId.get(id)?.callFrame.functionName;
    let stage = name === '(garbage collector)' ? 'garbage collector' : stageOfName(name ?? '');
    if (stage === undefined) {
      const up = parent.get(id);
      stage = up === undefined ? 'other' : findStage(up);
    }
    stageOf.set(id, stage);
    return stage;
  };
  const byStage = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const stage = findStage(id);
    byStage.set(stage, (byStage.get(stage) ?? 0) + us);
  }
  return { total, byStage, byPlace, byFunction };
}

if (process.argv[1] !== undefined && import.meta.filename === process.argv[1]) {
  const [file, ...rest] = process.argv.slice(2);
  if (!file) {
    console.error('usage: node build/tools/bench/profile-summary.js FILE.cpuprofile [--top N]');
    process.exit(2);
  }
  const top = Number(rest[rest.indexOf('--top') + 1] ?? 25) || 25;
  const { total, byStage, byPlace, byFunction } = summarise(JSON.parse(readFileSync(file, 'utf8')) as CpuProfile);
  const pct = (us: number) => ((100 * us) / total).toFixed(1).padStart(5);
  const secs = (us: number) => (us / 1e6).toFixed(2).padStart(6);
  console.log(`${file}: ${(total / 1e6).toFixed(2)} s sampled`);
  console.log('\nby pipeline stage (innermost stage function on the stack)');
  for (const [p, us] of [...byStage].sort((a, b) => b[1] - a[1])) console.log(`${pct(us)} %  ${secs(us)} s  ${p}`);
  console.log('\nself time by package / file');
  for (const [p, us] of [...byPlace].sort((a, b) => b[1] - a[1]).slice(0, top))
    console.log(`${pct(us)} %  ${secs(us)} s  ${p}`);
  console.log('\nself time by function');
  for (const [f, us] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, top))
    console.log(`${pct(us)} %  ${secs(us)} s  ${f}`);
}
