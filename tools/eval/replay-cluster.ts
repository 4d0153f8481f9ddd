// The pipeline's cluster stage alone, replayed on a store a bench run left (`npm run bench -- --keep`): clusterItems
// called as runOnce calls it, for a cold run (every stored item new, no stories) or, with --new N, for the N newest
// items against the stories changed within the window before them (a run that brings N new items). Prints CPU and wall
// time of the call, the stories (and a hash of the result, to compare builds), and peak RSS. Not a test.
//
//   npm run --silent build:tools && node --expose-gc build/tools/eval/replay-cluster.js STORE.db [--new N] [--limit N] [--dist DIR] [--at-hand]
//
// --limit N: only the N oldest items (a shorter span); --dist: another build (e.g. the code before a change), loaded
// from the path given (it is data to compare with, not our code); without it, this checkout's src/ through ordinary
// imports. --at-hand: every item read first and handed over in a map (ItemsAtHand, as runOnce did before the clusterer
// read the texts itself; what a build older than ItemsToRead needs), instead of ids, dates and the store's reader.
import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as clusterModule from '../../src/cluster/cluster-items.js';
import type { ClusterInput, ItemKey } from '../../src/cluster/cluster-items.js';
import type { Item } from '../../src/model.js';
import * as storeModule from '../../src/store/open-store.js';
import { flagValue } from './scorer.js';

const args = process.argv.slice(2);
const distArg = flagValue(args, '--dist');
const other = async <T>(dist: string, path: string): Promise<T> =>
  (await import(pathToFileURL(join(resolve(dist), path)).href)) as T;
// Another build is assumed to have this build's API (the same names); it is only loaded, never type-checked.
const { openStore } =
  distArg === undefined ? storeModule : await other<typeof storeModule>(distArg, 'store/open-store.js');
const { clusterItems, DEFAULT_CLUSTER_OPTIONS } =
  distArg === undefined ? clusterModule : await other<typeof clusterModule>(distArg, 'cluster/cluster-items.js');

const storePath = args[0];
if (storePath === undefined) {
  console.error(
    'usage: node build/tools/eval/replay-cluster.js STORE.db [--new N] [--limit N] [--dist DIR] [--at-hand]',
  );
  process.exit(2);
}
// A copy: opening a store may migrate or tidy it.
const dir = mkdtempSync(join(tmpdir(), 'storyfeed-replay-'));
const dbPath = join(dir, 'store.db');
copyFileSync(storePath, dbPath);
try {
  const raw = new Database(dbPath, { readonly: true });
  const limit = Number(flagValue(args, '--limit') ?? 0);
  let rows = raw
    .prepare(`SELECT id, date, published, updated, date_source AS dateSource FROM items ORDER BY date, id`)
    .all() as ItemKey[];
  raw.close();
  if (limit > 0) rows = rows.slice(0, limit);
  const store = openStore(dbPath, []);
  const newCount = Number(flagValue(args, '--new') ?? 0);
  const atHand = args.includes('--at-hand');
  const started = { cpu: process.cpuUsage(), wall: performance.now() };
  let input: ClusterInput;
  if (newCount > 0) {
    // The newest N items are new; the stories they can join are those a cold run of the rest made.
    const fresh = rows.slice(-newCount).map((r) => r.id);
    const newItems = store.getItems(fresh);
    const earliest = Math.min(...newItems.map((i) => Date.parse(i.date ?? '')));
    const since = new Date(earliest - DEFAULT_CLUSTER_OPTIONS.windowHours * 3_600_000).toISOString();
    const freshSet = new Set(fresh);
    const stories = store
      .liveStoriesSince(since, [])
      .map((s) => ({ ...s, members: s.members.filter((m) => !freshSet.has(m.itemId)) }))
      .filter((s) => s.members.length > 0);
    const memberIds = stories.flatMap((s) => s.members.map((m) => m.itemId));
    if (atHand) {
      const items = new Map<string, Item>(store.getItems(memberIds).map((i) => [i.id, i]));
      for (const i of newItems) items.set(i.id, i);
      input = { stories, items, newItems };
    } else {
      const keys = rows
        .slice(-newCount)
        .map(({ id, date, published, updated, dateSource }) => ({ id, date, published, updated, dateSource }));
      input = { stories, itemIds: memberIds, newItems: keys, readItems: (ids) => store.getItemTexts(ids) };
    }
  } else if (atHand) {
    const items = store.getItems(rows.map((r) => r.id));
    input = { stories: [], items: new Map(items.map((i) => [i.id, i])), newItems: items };
  } else {
    input = { stories: [], itemIds: [], newItems: rows, readItems: (ids) => store.getItemTexts(ids) };
  }
  const read = { cpu: process.cpuUsage(started.cpu), wall: performance.now() - started.wall };
  globalThis.gc?.();
  const rssBefore = process.memoryUsage().rss;
  const t0 = { cpu: process.cpuUsage(), wall: performance.now() };
  const result = clusterItems(input, DEFAULT_CLUSTER_OPTIONS);
  const cpu = process.cpuUsage(t0.cpu);
  const wall = performance.now() - t0.wall;
  const multi = result.changed.filter((s) => s.members.length > 1).length;
  console.log(
    JSON.stringify({
      items: 'items' in input ? input.items.size : input.itemIds.length + input.newItems.length,
      newItems: input.newItems.length,
      storiesIn: input.stories.length,
      readCpuS: +((read.cpu.user + read.cpu.system) / 1e6).toFixed(2),
      clusterCpuS: +((cpu.user + cpu.system) / 1e6).toFixed(2),
      clusterWallS: +(wall / 1000).toFixed(2),
      changed: result.changed.length,
      multiItem: multi,
      retired: result.retired?.length ?? 0,
      // The whole result (stories, members, scores, terms, retirements): equal hashes, the same stories.
      sha256: createHash('sha256').update(JSON.stringify(result)).digest('hex').slice(0, 16),
      rssBeforeMB: Math.round(rssBefore / 2 ** 20),
      peakRssMB: Math.round(process.resourceUsage().maxRSS / 1024),
    }),
  );
  store.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
