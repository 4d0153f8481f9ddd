import type { ResolvedConfig } from '../config/resolve-config.js';
import { availableParallelism } from 'node:os';
import { clusterItems, finishStory, type ItemKey } from '../cluster/cluster-items.js';
import { startGraphThreads } from '../cluster/graph-threads.js';
import { collectGarbage } from '../lib/collect-garbage.js';
import { limitHeapGrowth } from '../lib/heap-growth.js';
import type { Logger } from '../lib/logger.js';
import { acquireRunLock } from '../lib/run-lock.js';
import type { FeedMeta, Item, RunReport, Story, StoryView, ViewItem } from '../model.js';
import { renderAtom } from '../render/render-atom.js';
import { renderHtmlPage } from '../render/render-html-page.js';
import { renderJsonFeed } from '../render/render-json-feed.js';
import { createDocumentReader } from './read-pool.js';
import { readSources, type SourceResult } from './refresh-source.js';
import { createTerminalProgress, type RunProgress } from './run-progress.js';
import { openStore, type SourceState, type Store } from '../store/open-store.js';
import { withStoreErrorsTyped } from '../store/store-error.js';
import { PROJECT_URL, VERSION } from '../lib/version.js';
import { writeFileAtomic, writeFileSet } from '../write/write-file-atomic.js';

export interface RunDeps {
  logger: Logger;
  /** The clock; injected so tests are reproducible. */
  now?: () => Date;
  fetch?: typeof fetch;
  /** Progress of the fetch phase; default: a progress line when stderr is a terminal; false: none (cron, daemon). */
  progress?: RunProgress | false;
  /**
   * Worker threads that decode, parse and normalise documents (read-pool.ts); overrides the config's
   * `fetch.readThreads` and the rules for when they are used (readThreadsFor).
   */
  readThreads?: number;
}

/**
 * Runs the pipeline once: sources → fetch → decode → parse → normalize → store → cluster → render → write.
 * A failing source is recorded and skipped; a failure to write the feed throws (the previous feed stays). The store
 * work of a run is one transaction: a run killed or failing before its commit leaves the store as it was.
 */
export async function runOnce(config: ResolvedConfig, deps: RunDeps): Promise<RunReport> {
  // A cold import's heaps otherwise grow to 3–4× their live data (lib/heap-growth.ts).
  limitHeapGrowth();
  const now = deps.now ?? (() => new Date());
  const log = deps.logger;
  const started = now();
  const lock = acquireRunLock(config.store.lockPath);
  let store: Store | undefined;
  try {
    // A first run builds its database aside and puts it in place when it commits (openStore).
    store = openStore(config.store.path, config.sources, { buildAside: true });
    const st = store;
    const fetchedAt = started.toISOString();

    const clock = stageClock();
    // One transaction for the whole run's store work: the items read, each source's state, the stories they are
    // grouped into, merges and pruning. Until it commits nothing is visible, and a run killed at any moment (or
    // failing while stories are saved) leaves the store as it was, so the next run reads the same documents as
    // new again (issue #15; docs/store.md). Each source's items are stored as soon as the source settles, and only
    // their ids and dates are kept: a run never holds every document at once, and the clusterer reads the texts
    // back a slice at a time.
    const intake = storeAsRead(st, config.sources.length, started, config.store.retentionDays, fetchedAt);
    const reader = createDocumentReader(deps.readThreads ?? readThreadsFor(config));
    // Sources never read before (a first run's, new ones; not those failing since) bring a document each: the read
    // worker starts before they arrive.
    reader.expect(config.sources.filter((s) => neverRead(st.getSourceState(s.id))).length);
    st.begin();
    let results: SourceResult[];
    let inserted: ItemKey[];
    let readPeakMb = 0;
    try {
      let cutoff: string;
      let changed: string[];
      try {
        // Global and per-host limits, back-off and the run budget live in readSources (issue #5).
        results = await readSources(config.sources, (id) => st.getSourceState(id), config.fetch, {
          logger: log,
          fetchedAt,
          ...(deps.fetch ? { fetch: deps.fetch } : {}),
          progress: deps.progress === false ? undefined : (deps.progress ?? createTerminalProgress(process.stderr)),
          onResult: intake.take,
          reader,
        });
      } finally {
        await reader.close();
      }
      clock.lap('read');
      readPeakMb = peakRssMb();
      // The documents read are garbage now; the clusterer's arrays come next.
      collectGarbage();
      const stored = intake.finish();
      ({ cutoff, inserted, changed } = stored);
      // Articles stored by an earlier run but in no story (a store written before runs were one transaction, killed
      // between its two commits) are grouped now, as if new: nothing stored is left out of the feed for good.
      const strays = st.itemsInNoStory(cutoff, fetchedAt);
      if (strays.length > 0) {
        log.warn('grouping stored articles found in no story', { items: strays.length });
        const seen = new Set(inserted.map((k) => k.id));
        for (const key of strays) if (!seen.has(key.id)) inserted.push(key);
      }
      st.transaction(() => {
        results.forEach((r, i) => {
          r.outcome.newItems = stored.insertedBySource[i] ?? 0;
          st.saveSourceState(r.state);
        });
      });
      clock.lap('store');
      const { changedStories, retired } = groupIntoStories(st, config, inserted, changed);
      // The clusterer's arrays are garbage now; the feeds are rendered next.
      collectGarbage();
      clock.lap('cluster');
      st.transaction(() => {
        st.saveStories(changedStories, fetchedAt);
        // Two stories found to be one: the older id lives on with every member; the other is never emitted again.
        for (const r of retired) st.retireStory(r.id, r.into);
      });
      if (retired.length > 0) log.info('stories merged', { merged: retired.length });
      const forgetBefore = new Date(Date.parse(cutoff) - config.store.retentionDays * DAY_MS).toISOString();
      const pruned = st.prune(cutoff, forgetBefore);
      if (pruned.stories + pruned.items > 0) log.info('pruned old stories', { cutoff, ...pruned });
      st.commit();
    } catch (error) {
      try {
        st.rollback();
      } catch {
        // SQLite rolls back by itself a transaction an I/O error or a full disk ended: the first error is the one to
        // report.
      }
      throw error;
    }

    clock.lap('store');
    const views = loadStoryViews(st, config.output.maxStories).map((v) => ({
      ...v,
      story: { ...v.story, id: storyEntryId(v.story.id) },
    }));
    // The page and the JSON Feed sit next to the Atom feed (as `storyfeed serve` and any static host serve output/).
    const meta: FeedMeta = { ...feedMeta(config), siteUrl: new URL('./', config.output.selfUrl).href };
    const xml = renderAtom(views, meta, started);
    const json = renderJsonFeed(views, { ...meta, selfUrl: new URL('feed.json', meta.selfUrl).href }, started);
    const html = renderHtmlPage(views, meta, started);
    clock.lap('render');
    // One set: a full disk while writing any of them publishes none (issue #15).
    const [written] = await writeFileSet([
      { path: config.output.feedPath, data: xml },
      { path: config.output.jsonFeedPath, data: json },
      { path: config.output.htmlPath, data: html },
    ]);
    clock.lap('write');

    const finished = now();
    const report: RunReport = {
      startedAt: started.toISOString(),
      finishedAt: finished.toISOString(),
      durationMs: finished.getTime() - started.getTime(),
      sources: results.map((r) => r.outcome),
      items: st.countItems(),
      newItems: inserted.length,
      stories: views.length,
      feedWritten: true,
      feedChanged: written?.changed ?? false,
      outputPath: config.output.feedPath,
      stageMs: {
        // fetch, parse and normalize are summed over sources (they overlap in time); the rest are wall times.
        fetch: round1(results.reduce((t, r) => t + r.timings.fetchMs, 0)),
        parse: round1(results.reduce((t, r) => t + r.timings.parseMs, 0)),
        normalize: round1(results.reduce((t, r) => t + r.timings.normalizeMs, 0)),
        readWall: round1(clock.total('read')),
        // Wall time of the store steps, plus the storing done as sources arrived (also inside readWall).
        store: round1(clock.total('store') + intake.storeMs),
        cluster: round1(clock.total('cluster')),
        render: round1(clock.total('render')),
        write: round1(clock.total('write')),
      },
      peakRssMb: { read: readPeakMb, run: peakRssMb() },
    };
    await writeFileAtomic(config.output.statusPath, `${JSON.stringify(report, null, 2)}\n`);
    const failed = report.sources.filter((s) => s.status === 'failed').length;
    log.info('run finished', {
      sources: report.sources.length,
      failed,
      skipped: report.sources.filter((s) => s.status === 'skipped').length,
      items: report.items,
      newItems: report.newItems,
      stories: report.stories,
      feedChanged: report.feedChanged,
      durationMs: report.durationMs,
    });
    return report;
  } catch (error) {
    // Disk full, read-only or damaged database: a typed store/… error with its fix, not `internal` with a stack.
    throw withStoreErrorsTyped(error, config.store.path);
  } finally {
    try {
      store?.close();
    } finally {
      lock.release();
    }
  }
}

const DAY_MS = 86_400_000;

/**
 * A run with fewer sources than this reads on the main thread: a worker's start (~50 ms) is more than it gives to a
 * few documents.
 */
const READ_THREADS_MIN_SOURCES = 20;

/**
 * Returns the read worker threads of a run: `fetch.readThreads` for 20 sources or more, at most the cores less one. On
 * the 2-core bench machine one took the race's read phase from 9.3 to 8.1 s and its cold run from 19.3 to 17.4 s
 * (medians of 9; BENCHMARKS.md, issue #16).
 */
export function readThreadsFor(config: {
  fetch: Pick<ResolvedConfig['fetch'], 'readThreads'>;
  sources: readonly unknown[];
}): number {
  if (config.sources.length < READ_THREADS_MIN_SOURCES) return 0;
  return spareCores(config.fetch.readThreads);
}

/** Returns `wanted` worker threads, at most the machine's cores less one (none on one core). */
function spareCores(wanted: number): number {
  return Math.max(0, Math.min(wanted, availableParallelism() - 1));
}

/** Whether a source was never read and never failed: its next fetch brings a document to read. */
export function neverRead(state: SourceState | null): boolean {
  return state === null || (state.lastSuccessAt === null && state.consecutiveFailures === 0);
}

/** Fewer new items than this are clustered on the main thread alone: a worker's start costs more than it gives. */
const GRAPH_THREADS_MIN_NEW = 1_000;

/**
 * Returns the stories that change when `inserted` (new) and `changed` (edited) items are grouped with the stored
 * stories they can join, and the story ids merged into others.
 */
function groupIntoStories(
  st: Store,
  config: ResolvedConfig,
  inserted: readonly ItemKey[],
  changed: readonly string[],
): { changedStories: Story[]; retired: { id: string; into: string }[] } {
  // Cluster only what is new; stories from earlier runs keep their ids and members. With nothing new or
  // changed (every source 304 or unchanged) no story can change, so stories and items are not even loaded.
  const changedStories: Story[] = [];
  const retired: { id: string; into: string }[] = [];
  if (inserted.length === 0 && changed.length === 0) return { changedStories, retired };
  // Only stories that changed within the cluster window before the earliest new article can take it
  // (the clusterer never groups articles further apart), so older stories are not even loaded. An
  // undated new article has no such bound: then every live story is a candidate.
  const windowMs = config.cluster.windowHours * 3_600_000;
  let earliestNew = Infinity; // no new article: only the stories of changed ones are needed
  for (const item of inserted)
    earliestNew = hasOwnDate(item) ? Math.min(earliestNew, Date.parse(item.date ?? '')) : NaN;
  const since =
    earliestNew === Infinity
      ? '9999'
      : Number.isNaN(earliestNew)
        ? null
        : new Date(earliestNew - windowMs).toISOString();
  const existing = since === null ? st.liveStories() : st.liveStoriesSince(since, changed);
  const itemIds: string[] = [];
  for (const s of existing) for (const m of s.members) itemIds.push(m.itemId);
  for (const id of changed) itemIds.push(id);
  const priorities = Object.fromEntries(config.sources.map((s) => [s.id, s.priority]));
  // The clusterer reads the items' plain-text fields from the store (no contentHtml) as it needs them: a slice of
  // a long import at a time.
  const graphThreads = startGraphThreads(
    inserted.length >= GRAPH_THREADS_MIN_NEW ? spareCores(config.cluster.threads) : 0,
  );
  let clustered: ReturnType<typeof clusterItems>;
  try {
    clustered = clusterItems(
      {
        stories: existing,
        itemIds,
        newItems: [...inserted],
        readItems: (ids) => st.getItemTexts(ids),
        priorities,
        graphThreads,
        afterPhase: collectGarbage,
      },
      config.cluster,
    );
  } finally {
    graphThreads?.close();
  }
  // Loops, not push(...list): a spread passes every element as an argument and overflows the stack past ~100k (issue
  // #15).
  for (const s of clustered.changed) changedStories.push(s);
  for (const r of clustered.retired ?? []) retired.push(r);
  // A stored item whose content changed (a corrected headline, a new <updated>) changes its story too.
  const touched = new Set(changedStories.map((s) => s.id));
  const changedIds = new Set(changed);
  for (const story of existing) {
    if (touched.has(story.id) || !story.members.some((m) => changedIds.has(m.itemId))) continue;
    const members = st.getItems(story.members.map((m) => m.itemId));
    changedStories.push(finishStory(story, members, priorities));
  }
  return { changedStories, retired };
}

/**
 * Takes each source's items as its result arrives (`take`, readSources' onResult) and stores them right away,
 * keeping only the new items' ids and dates and the changed items' ids (the clusterer reads the texts from the
 * store, rendering reads the store); `finish` stores what had to wait and returns the retention cutoff, the new
 * items' keys and the changed items' ids in config order (as one upsert of every source would have given them)
 * and the new items per source.
 *
 * Retention is measured from the newest article seen, stored or incoming (never past now), so an archive such
 * as the 2015 demo keeps its stories; articles older than the cutoff are not taken in at all. The cutoff only
 * moves later as sources arrive and never passes now − retentionDays, so a source is stored at once when each
 * of its dated items is either below the cutoff so far (out whatever comes later) or at or after
 * now − retentionDays (in whatever comes later); a source with an item in between waits for the final cutoff.
 */
function storeAsRead(st: Store, sourceCount: number, started: Date, retentionDays: number, fetchedAt: string) {
  let newest = st.newestItemDate();
  const surelyKept = new Date(started.getTime() - retentionDays * DAY_MS).toISOString();
  const inserted: ItemKey[][] = Array.from({ length: sourceCount }, () => []);
  const changed: string[][] = Array.from({ length: sourceCount }, () => []);
  const waiting: { index: number; items: Item[] }[] = [];
  let storeMs = 0; // time spent storing during the read phase
  // Ids (hashes) and ISO dates are strings made by normalize, not cut from the document: they keep no document alive.
  const keyOf = (item: Item): ItemKey => ({
    id: item.id,
    date: item.date,
    published: item.published,
    updated: item.updated,
    dateSource: item.dateSource,
  });
  const store = (index: number, items: Item[], cutoff: string) => {
    const fresh = items.filter((i) => !hasOwnDate(i) || (i.date ?? '') >= cutoff);
    if (fresh.length === 0) return;
    const result = st.upsertItems(fresh, fetchedAt);
    inserted[index] = result.inserted.map(keyOf);
    changed[index] = result.changed.map((i) => i.id);
  };
  return {
    take(result: SourceResult, index: number): void {
      const items = result.items;
      result.items = [];
      if (items.length === 0) return;
      const t0 = performance.now();
      for (const item of items)
        if (hasOwnDate(item) && item.date !== null && (newest === null || item.date > newest)) newest = item.date;
      const cutoff = cutoffFrom(newest, started, retentionDays);
      const undecided = items.some((i) => hasOwnDate(i) && (i.date ?? '') >= cutoff && (i.date ?? '') < surelyKept);
      if (undecided) waiting.push({ index, items });
      else store(index, items, cutoff);
      storeMs += performance.now() - t0;
    },
    /** Milliseconds `take` spent storing (inside the read phase's wall time). */
    get storeMs() {
      return storeMs;
    },
    finish() {
      const cutoff = cutoffFrom(newest, started, retentionDays);
      for (const w of waiting) store(w.index, w.items, cutoff);
      waiting.length = 0;
      return {
        cutoff,
        inserted: inserted.flat(),
        changed: changed.flat(),
        insertedBySource: inserted.map((list) => list.length),
      };
    },
  };
}

/** Wall-clock laps by stage name (a stage may be lapped more than once; totals add up). */
function stageClock() {
  let mark = performance.now();
  const totals = new Map<string, number>();
  return {
    lap(stage: string) {
      const t = performance.now();
      totals.set(stage, (totals.get(stage) ?? 0) + (t - mark));
      mark = t;
    },
    total: (stage: string) => totals.get(stage) ?? 0,
  };
}

/** The process's peak resident memory so far, in MB (maxRSS is in kB), to one decimal. */
function peakRssMb(): number {
  return round1(process.resourceUsage().maxRSS / 1024);
}

function round1(ms: number): number {
  return Math.round(ms * 10) / 10;
}

function hasOwnDate(item: Pick<Item, 'dateSource'>): boolean {
  return item.dateSource === 'published' || item.dateSource === 'updated';
}

/** Returns the retention cutoff (ISO): `retentionDays` before the newest own item date, capped at now. */
export function retentionCutoff(
  storedNewest: string | null,
  incoming: readonly Item[],
  now: Date,
  retentionDays: number,
): string {
  let newest = storedNewest;
  for (const item of incoming)
    if (hasOwnDate(item) && item.date !== null && (newest === null || item.date > newest)) newest = item.date;
  return cutoffFrom(newest, now, retentionDays);
}

/**
 * Returns `retentionDays` before `newest` (ISO, the newest own item date), capped at now; from now when there is none.
 */
function cutoffFrom(newest: string | null, now: Date, retentionDays: number): string {
  // With no dated article at all (feeds without dates), retention counts from now.
  const reference = newest === null ? now.getTime() : Math.min(Date.parse(newest), now.getTime());
  return new Date(reference - retentionDays * DAY_MS).toISOString();
}

/**
 * Returns what selectStoryViews(store.liveStories(), every stored item, max) returns, reading only the
 * newest-changed stories and their items instead of every story and item in the store.
 */
export function loadStoryViews(store: Pick<Store, 'topStories' | 'getItemViews'>, max: number): StoryView[] {
  const views: StoryView[] = [];
  // selectStoryViews skips a story none of whose items is left, so read on until `max` views or no stories remain.
  for (let offset = 0; views.length < max; ) {
    const batch = store.topStories(max - views.length, offset);
    if (batch.length === 0) break;
    offset += batch.length;
    const ids = batch.flatMap((s) => [...s.members.map((m) => m.itemId), s.representativeItemId]);
    const items = new Map(store.getItemViews([...new Set(ids)]).map((i) => [i.id, i]));
    for (const view of selectStoryViews(batch, items, max - views.length)) views.push(view);
  }
  return views;
}

/** Returns the newest-changed stories (updated desc, then id) with their items resolved. */
export function selectStoryViews(
  stories: readonly Story[],
  items: ReadonlyMap<string, ViewItem>,
  max: number,
): StoryView[] {
  const views: StoryView[] = [];
  for (const story of stories) {
    const members = story.members.map((m) => items.get(m.itemId)).filter((i): i is ViewItem => i !== undefined);
    const representative = items.get(story.representativeItemId) ?? members[0];
    if (!representative) continue;
    views.push({ story, items: members, representative });
  }
  views.sort((a, b) =>
    a.story.updated < b.story.updated ? 1 : a.story.updated > b.story.updated ? -1 : a.story.id < b.story.id ? -1 : 1,
  );
  return views.slice(0, max);
}

/** The Atom entry id of a story: a URN on the stored story id, so it survives a move of the server. */
export function storyEntryId(storyId: string): string {
  return `urn:storyfeed:story:${storyId}`;
}

function feedMeta(config: ResolvedConfig): FeedMeta {
  return {
    id: config.output.id,
    title: config.output.title,
    ...(config.output.subtitle !== undefined ? { subtitle: config.output.subtitle } : {}),
    selfUrl: config.output.selfUrl,
    author: config.output.author,
    // The operator's contact URL, else the project's homepage, else the page next to the feed: never a guessed URL.
    generator: {
      name: 'storyfeed',
      version: VERSION,
      uri: config.fetch.contactUrl ?? PROJECT_URL ?? new URL('./', config.output.selfUrl).href,
    },
  };
}
