import { createHash } from 'node:crypto';
import type { Item, Story, StoryMember } from '../model.js';
import { agglomerate, type Edges, type Seed } from './agglomerate.js';
import { Corpus, type ProfileTable, type SparseRows } from './corpus.js';
import { RIVAL_FLOOR, visitPairs, type GraphOptions } from './item-graph.js';
import { planGraph } from './graph-search.js';
import type { GraphThreads } from './graph-threads.js';
import { checkJoinModel, DEFAULT_JOIN_MODEL, joinProbability, type JoinModel } from './join-model.js';
import { joinStories } from './join-stories.js';
import { Scratch } from './scratch.js';
import { itemTermCounts } from './text-features.js';
import type { ResolvedConfig } from '../config/resolve-config.js';
import { DEFAULTS } from '../config/schema.js';
import { ClusterError } from '../lib/errors.js';

/** The clusterer's slice of the configuration. */
/**
 * How to cluster: the `cluster` slice of the resolved config (its keys are documented in the schema; the story-level
 * thresholds default to the schema's), and the clusterer's own tuning, which no config key sets.
 */
export interface ClusterOptions
  extends Pick<ResolvedConfig['cluster'], 'windowHours' | 'threshold' | 'sameSourceThreshold'>,
    Partial<Pick<ResolvedConfig['cluster'], 'storyJoinThreshold' | 'storyMergeThreshold'>> {
  /** The pair decision; defaults to the shipped, trained weights. */
  model?: JoinModel;
  /** How many nearest other items (from the inverted index) each item is linked to. */
  maxCandidates?: number;
  /** How many of an item's heaviest terms look up its nearest items. */
  queryTerms?: number;
}

/** Defaults of every clustering option. */
export const DEFAULT_CLUSTER_OPTIONS: Required<ClusterOptions> = {
  // windowHours, threshold, sameSourceThreshold, storyJoinThreshold, storyMergeThreshold: config keys, whose
  // defaults live in the config schema only (chosen on the dev sets: docs/clustering.md).
  ...DEFAULTS.cluster,
  model: DEFAULT_JOIN_MODEL,
  maxCandidates: 20,
  queryTerms: 40,
};

/** A new item as the clusterer first needs it, before its text is read: its id and the dates that place it in time. */
export type ItemKey = Pick<Item, 'id' | 'date' | 'published' | 'updated' | 'dateSource'>;

/** The fields of an item the clusterer reads: ids, outlet, dates and plain text (no HTML). */
export type ItemText = Pick<
  Item,
  'id' | 'sourceId' | 'date' | 'published' | 'updated' | 'dateSource' | 'title' | 'summary' | 'contentText'
>;

/**
 * Reads items by id (e.g. the store's getItemTexts): those found, in the order asked. The clusterer asks for a
 * bounded number of ids at a time and keeps of each item only what it learned from the text (a digest).
 */
export type ReadItems = (ids: readonly string[]) => Iterable<ItemText>;

interface ClusterInputBase {
  /** Live stories from earlier runs; never renamed, only grown. */
  stories: readonly Story[];
  /** Per-source priority for the representative choice (higher wins; default 0). */
  priorities?: Readonly<Record<string, number>>;
  /** Worker threads that share the item graph of large batches (the same stories with or without). */
  graphThreads?: GraphThreads | null;
  /**
   * Called where a phase's large temporaries have just died (a batch's texts learned; its story level done; a batch
   * done): the pipeline collects garbage there. Changes no result.
   */
  afterPhase?: () => void;
}

/** The items at hand. */
export interface ItemsAtHand extends ClusterInputBase {
  /** Every item the stories reference, plus the new ones. */
  items: ReadonlyMap<string, Item>;
  /** Items to place, in any order (they are placed in date order, then id; undated items last). */
  newItems: readonly Item[];
}

/**
 * The items read when needed (`readItems`), so that a long import holds only the texts of the slice being
 * learned, never every new item's: the same stories as ItemsAtHand with the items read.
 */
export interface ItemsToRead extends ClusterInputBase {
  /**
   * As the keys of ItemsAtHand.items: the stories' members and any other item to learn from (ids not found are left
   * out).
   */
  itemIds: readonly string[];
  /** Items to place (ids and dates), in any order; their text is read too. */
  newItems: readonly ItemKey[];
  readItems: ReadItems;
}

export type ClusterInput = ItemsAtHand | ItemsToRead;

export interface ClusterResult {
  /** Stories created or grown by this call, with members in join order. */
  changed: Story[];
  /**
   * Stories found to be the same as another: `id` is retired into `into` (the older story, which is
   * in `changed` with the retired story's members appended). A retired id is never emitted again.
   */
  retired?: { id: string; into: string }[];
}

const MS_PER_HOUR = 3_600_000;
/**
 * A long import is clustered in slices of this many windows' span. Each slice also carries the stories of the
 * window before it, so a short slice redoes much (medium bench cold run, 50,000 items over 32 days, clustering
 * CPU and the clusterer's memory: 1 window 33 s / +360 MB, 2: 26 s / +450 MB, 3: 22.5 s / +450 MB, 4: 22.5 s /
 * +535 MB, one batch 22 s / +1,015 MB).
 */
const SLICE_WINDOWS = 3;

/** Returns a stable story id minted from the item that founded the story. */
export function mintStoryId(foundingItemId: string): string {
  return createHash('sha256').update(`story\n${foundingItemId}`).digest('hex').slice(0, 16);
}

/**
 * Groups the new items with each other and with the live stories, and returns the stories that
 * changed (deterministic, whatever the input order). Each item is linked to its nearest items (an
 * inverted index over TF-IDF vectors); a logistic pair model turns each link's evidence (cosines of
 * text, headline and names, mutual rank, gap to the best rival, shared names and weekdays, text length)
 * into a probability; groups then merge
 * by average linkage, old stories first (agglomerate.ts). Two live stories joined by new items are one:
 * the older survives and the other is reported in `retired`. IDF and which words are names are learned
 * from every item given. New dated items spanning several windows are clustered a slice at a time
 * (clusterInWindows); with ItemsToRead, only the slice's items are read and held.
 */
export function clusterItems(input: ClusterInput, options: ClusterOptions): ClusterResult {
  const opts = resolveClusterOptions(options);
  const windowMs = opts.windowHours * MS_PER_HOUR;
  const priorities = input.priorities ?? {};
  const pool = new ItemPool(
    'readItems' in input ? input.readItems : readerOf(input.items, input.newItems),
    input.graphThreads ?? null,
    input.afterPhase ?? (() => undefined),
  );
  const itemIds = 'readItems' in input ? input.itemIds : [...input.items.keys()];
  const known = new Set(input.stories.flatMap((s) => s.members.map((m) => m.itemId)));
  const seen = new Set<string>();
  const fresh = input.newItems.filter((i) => !known.has(i.id) && !seen.has(i.id) && seen.add(i.id));
  const times = fresh.map(timeOf);
  // An undated new item may join anything: then (and when the new items span less than SLICE_WINDOWS windows) one
  // batch.
  if (fresh.length === 0 || times.some((t) => t === null))
    return clusterBatch(input.stories, itemIds, input.newItems, pool, opts, priorities);
  const order = fresh
    .map((_, i) => i)
    .sort((x, y) => times[x]! - times[y]! || (fresh[x]!.id < fresh[y]!.id ? -1 : fresh[x]!.id > fresh[y]!.id ? 1 : 0));
  if (times[order[order.length - 1]!]! - times[order[0]!]! < windowMs * SLICE_WINDOWS)
    return clusterBatch(input.stories, itemIds, input.newItems, pool, opts, priorities);
  return clusterInWindows(
    input.stories,
    order.map((i) => fresh[i]!),
    pool,
    opts,
    windowMs,
    priorities,
  );
}

/** Reads items at hand: the map's, else the new item's. */
function readerOf(items: ReadonlyMap<string, Item>, newItems: readonly Item[]): ReadItems {
  const extra = new Map<string, Item>();
  for (const item of newItems) if (!items.has(item.id) && !extra.has(item.id)) extra.set(item.id, item);
  return (ids) => ids.flatMap((id) => items.get(id) ?? extra.get(id) ?? []);
}

/** What the clusterer keeps of an item once its text is learned (the corpus keeps its digest). */
type ItemMeta = Pick<Item, 'id' | 'sourceId' | 'date' | 'published' | 'updated' | 'dateSource'>;

/**
 * Items read at once while learning. Small: a chunk's texts stay alive until the chunk is learned, and a larger
 * chunk (500) kept surviving V8's young-generation collections in a cold run, growing the heap by ~150 MB per
 * slice until a full collection (medium bench: peak RSS 573 MB with 500, 477 MB with 50).
 */
const READ_CHUNK = 50;

/**
 * The items a batch works on: one corpus (digests, IDF, which words are names) and what is kept of each
 * learned item, following the batches; each item's text is read once, when first needed, and dropped once learned.
 */
class ItemPool {
  /** The large arrays of one phase (learning a batch; its graph), reused by the next; shared with graph threads. */
  readonly scratch: Scratch;
  readonly corpus: Corpus;
  private readonly metas = new Map<string, ItemMeta>();

  constructor(
    private readonly read: ReadItems,
    readonly threads: GraphThreads | null,
    /** Called once a batch's texts are learned (their tokens and the texts read are garbage then). */
    readonly afterPhase: () => void,
  ) {
    this.scratch = new Scratch(threads !== null);
    this.corpus = new Corpus(this.scratch);
  }

  /**
   * Makes the pool hold exactly the items of `ids` (those found): forgets every other (Corpus.retain), then reads and
   * learns those not held yet, in id order (so term ids, and every tie-break, do not depend on the input order).
   */
  focus(ids: ReadonlySet<string>): void {
    this.corpus.retain(ids);
    for (const id of this.metas.keys()) if (!ids.has(id)) this.metas.delete(id);
    const missing = [...ids].filter((id) => !this.metas.has(id)).sort();
    this.scratch.reset();
    this.corpus.learn(this.readAll(missing));
    this.afterPhase();
  }

  /** The learned item, or undefined when it was not found. */
  get(id: string): ItemMeta | undefined {
    return this.metas.get(id);
  }

  private *readAll(ids: readonly string[]): Generator<ItemText> {
    for (let i = 0; i < ids.length; i += READ_CHUNK) {
      for (const item of this.read(ids.slice(i, i + READ_CHUNK))) {
        this.metas.set(item.id, {
          id: item.id,
          sourceId: item.sourceId,
          date: item.date,
          published: item.published,
          updated: item.updated,
          dateSource: item.dateSource,
        });
        yield item;
      }
    }
  }
}

/**
 * Many new dated items spanning SLICE_WINDOWS windows or more (a cold run, a big import): they are clustered in time
 * order, SLICE_WINDOWS windows' span of them at a time, each slice with the stories still within reach of it (changed
 * within the window before the slice's first item) carried over, as the pipeline does between runs. Memory
 * is that of a slice's items and time grows linearly, whatever the span. One pool follows the slices: the items carried
 * over are not read or tokenised again (IDF is that of each slice's items; which words are names is learned from every
 * item seen so far).
 */
function clusterInWindows(
  stories: readonly Story[],
  ordered: readonly ItemKey[],
  pool: ItemPool,
  opts: Required<ClusterOptions>,
  windowMs: number,
  priorities: Readonly<Record<string, number>>,
): ClusterResult {
  const live = new Map(stories.map((s) => [s.id, s]));
  const given = new Set(stories.map((s) => s.id));
  const changed = new Set<string>();
  const retiredInto = new Map<string, string>();
  for (let at = 0; at < ordered.length; ) {
    const start = timeOf(ordered[at]!)!;
    let end = at;
    while (end < ordered.length && timeOf(ordered[end]!)! < start + windowMs * SLICE_WINDOWS) end++;
    const slice = ordered.slice(at, end);
    at = end;
    const since = new Date(start - windowMs).toISOString();
    const carried = [...live.values()].filter((s) => s.updated >= since).sort((a, b) => (a.id < b.id ? -1 : 1));
    const memberIds = carried.flatMap((s) => s.members.map((m) => m.itemId));
    const got = clusterBatch(carried, memberIds, slice, pool, opts, priorities);
    // The batch's graph and story-level arrays are garbage now.
    if (at < ordered.length) pool.afterPhase();
    for (const s of got.changed) {
      live.set(s.id, s);
      changed.add(s.id);
    }
    for (const r of got.retired ?? []) {
      live.delete(r.id);
      changed.delete(r.id);
      for (const [k, v] of retiredInto) if (v === r.id) retiredInto.set(k, r.into);
      // A story minted earlier in this call was never saved: it just goes.
      if (given.has(r.id)) retiredInto.set(r.id, r.into);
    }
  }
  const result = [...changed]
    .map((id) => live.get(id)!)
    .sort((a, b) => (a.published < b.published ? -1 : a.published > b.published ? 1 : a.id < b.id ? -1 : 1));
  const retired = [...retiredInto].map(([id, into]) => ({ id, into })).sort((a, b) => (a.id < b.id ? -1 : 1));
  return retired.length > 0 ? { changed: result, retired } : { changed: result };
}

/**
 * Clusters the new items with the given stories in one batch (every item profiled together). The pool learns the
 * items of `itemIds` (the stories' members, and any other to learn from) and the new ones.
 */
function clusterBatch(
  inputStories: readonly Story[],
  itemIds: readonly string[],
  newItems: readonly ItemKey[],
  pool: ItemPool,
  opts: Required<ClusterOptions>,
  priorities: Readonly<Record<string, number>>,
): ClusterResult {
  const windowMs = opts.windowHours * MS_PER_HOUR;
  const atHand = new Set(itemIds);
  const every = new Set(itemIds);
  for (const item of newItems) every.add(item.id);
  // Graph threads that rested since the last batch's graph start now, while this batch is learned: only for a batch
  // large enough to share its graph (a long import's small slices would start and stop a thread each for nothing).
  if (pool.threads?.worthIt(every.size)) pool.threads.resume();
  pool.focus(every);
  const corpus = pool.corpus;
  // A story's member is placed when it is among itemIds and found.
  const member = (id: string): ItemMeta | undefined => (atHand.has(id) ? pool.get(id) : undefined);

  // Old stories first, oldest first (the lower seed survives a merge), then new items in date order.
  const stories = [...inputStories]
    .map((story, i) => ({ story, i }))
    .sort((x, y) =>
      x.story.published < y.story.published ? -1 : x.story.published > y.story.published ? 1 : x.i - y.i,
    );
  const known = new Set(inputStories.flatMap((s) => s.members.map((m) => m.itemId)));
  const seen = new Set<string>();
  const ordered = [...newItems].filter((i) => !known.has(i.id) && !seen.has(i.id) && seen.add(i.id)).sort(byDateThenId);

  // Item i of the batch: what is kept of it, the dates it is placed by (a new item: its own key's), its time.
  const itemOf: ItemMeta[] = [];
  const keyOf: ItemKey[] = [];
  const timeAt: (number | null)[] = [];
  const seeds: Seed[] = [];
  const place = (item: ItemMeta, key: ItemKey): number => {
    itemOf.push(item);
    keyOf.push(key);
    timeAt.push(timeOf(key));
    return itemOf.length - 1;
  };
  for (const { story } of stories) {
    const members = story.members.map((m) => member(m.itemId)).filter((x): x is ItemMeta => x !== undefined);
    const idx = members.map((m) => place(m, m));
    const times = idx.map((i) => timeAt[i]!).filter((t): t is number => t !== null);
    seeds.push({
      items: idx,
      sources: new Set(members.map((m) => m.sourceId)),
      minTime: times.length ? times.reduce((a, b) => Math.min(a, b)) : null,
      maxTime: times.length ? times.reduce((a, b) => Math.max(a, b)) : null,
      fresh: false,
    });
  }
  const firstNew = seeds.length;
  for (const key of ordered) {
    const item = pool.get(key.id);
    if (!item) throw new ClusterError('cluster/invariant', `clusterItems: new item ${key.id} could not be read`);
    const i = place(item, key);
    const t = timeAt[i]!;
    seeds.push({ items: [i], sources: new Set([item.sourceId]), minTime: t, maxTime: t, fresh: true });
  }
  // The batch's graph takes the scratch memory its learning used.
  pool.scratch.reset();
  const profiles = corpus.profileTable(
    itemOf.map((m) => m.id),
    timeAt,
    opts.queryTerms,
    pool.scratch,
  );

  // Links between two items of one old story change nothing (agglomerate ignores them): not computed.
  const storyOf = new Int32Array(profiles.count).fill(-1);
  for (let g = 0; g < firstNew; g++) for (const i of seeds[g]!.items) storyOf[i] = g;
  const edges = linkEdges(
    profiles,
    { neighbours: opts.maxCandidates, windowMs, rivalFloor: opts.model.rivalFloor ?? RIVAL_FLOOR },
    storyOf,
    opts.model,
    pool.scratch,
    pool.threads,
  );
  // The graph is done: its threads and their shared lists are let go for the rest of the batch.
  pool.threads?.rest();
  const { root: pairRoot } = agglomerate(
    seeds,
    profiles.count,
    edges,
    { threshold: opts.threshold, sameSourceThreshold: opts.sameSourceThreshold, windowMs },
    pool.scratch,
  );
  // The pair decision's groups (by their root seed, ascending), then joined into stories at the story level.
  const groupIds: number[] = [];
  const groupAt = new Map<number, { items: number[]; fresh: boolean }>();
  seeds.forEach((s, g) => {
    const r = pairRoot[g]!;
    let grp = groupAt.get(r);
    if (!grp) {
      grp = { items: [], fresh: false };
      groupAt.set(r, grp);
      groupIds.push(r);
    }
    for (const i of s.items) grp.items.push(i);
    grp.fresh = grp.fresh || s.fresh;
  });
  const storyLevel = joinStories(
    profiles,
    groupIds.map((r) => groupAt.get(r)!),
    { joinThreshold: opts.storyJoinThreshold, mergeThreshold: opts.storyMergeThreshold, windowMs },
    pool.scratch,
  );
  // The story level's profiles and postings are garbage now: collected before the stories are written out, whose
  // objects would otherwise come on top of them (the cold import's peak, BENCHMARKS.md session 15).
  pool.afterPhase();
  const slotOf = new Map(groupIds.map((r, k) => [r, k]));
  const seedOfItem = new Int32Array(profiles.count);
  seeds.forEach((s, g) => {
    for (const i of s.items) seedOfItem[i] = g;
  });
  const root = Int32Array.from(pairRoot, (r) => groupIds[storyLevel.root[slotOf.get(r)!]!]!);
  // Per item: the story-level score at which its group joined (1: it did not join at the story level).
  const joinedAt = (i: number): number => storyLevel.score[slotOf.get(pairRoot[seedOfItem[i]!]!)!]!;

  // Each new item's evidence: its most probable link inside its final group.
  const groupOfItem = new Int32Array(profiles.count);
  seeds.forEach((s, g) => {
    for (const i of s.items) groupOfItem[i] = root[g]!;
  });
  // Per item: the other item of its best link (-1: none yet) and that link's probability; the first of equals wins.
  const bestOther = new Int32Array(profiles.count).fill(-1);
  const bestP = new Float64Array(profiles.count);
  const offerLink = (x: number, y: number, p: number) => {
    if (bestOther[x]! < 0 || p > bestP[x]!) {
      bestOther[x] = y;
      bestP[x] = p;
    }
  };
  for (let e = 0; e < edges.a.length; e++) {
    const a = edges.a[e]!;
    const b = edges.b[e]!;
    if (groupOfItem[a] !== groupOfItem[b]) continue;
    offerLink(a, b, edges.p[e]!);
    offerLink(b, a, edges.p[e]!);
  }
  // Per final story (by its root seed), how many of its items have each term: built when first asked.
  const termCounts = new Map<number, Map<number, number>>();
  let itemsOfGroup: Map<number, number[]> | undefined;
  const storyTerms = (i: number, k: number): number[] => {
    const g = groupOfItem[i]!;
    let counts = termCounts.get(g);
    if (!counts) {
      if (!itemsOfGroup) {
        itemsOfGroup = new Map();
        for (let x = 0; x < profiles.count; x++) {
          const list = itemsOfGroup.get(groupOfItem[x]!);
          if (list) list.push(x);
          else itemsOfGroup.set(groupOfItem[x]!, [x]);
        }
      }
      counts = new Map();
      for (const x of itemsOfGroup.get(g)!) {
        for (let y = profiles.all.at[x]!; y < profiles.all.at[x + 1]!; y++)
          counts.set(profiles.all.ids[y]!, (counts.get(profiles.all.ids[y]!) ?? 0) + 1);
      }
      termCounts.set(g, counts);
    }
    const mine: { id: number; w: number }[] = [];
    for (let y = profiles.all.at[i]!; y < profiles.all.at[i + 1]!; y++)
      if ((counts.get(profiles.all.ids[y]!) ?? 0) > 1) mine.push({ id: profiles.all.ids[y]!, w: profiles.all.w[y]! });
    return mine
      .sort((a, b) => b.w - a.w || a.id - b.id)
      .slice(0, k)
      .map((t) => t.id);
  };
  const memberOf = (i: number): StoryMember => {
    const other = bestOther[i]!;
    const terms = other >= 0 ? sharedTerms(profiles.all, i, other, 5).map((id) => corpus.termName(id)) : [];
    // Joined through its pair group's link, or with its group at the story level (the profile similarity then).
    const viaPair = other >= 0 && pairRoot[seedOfItem[other]!] === pairRoot[seedOfItem[i]!];
    const storyScore = joinedAt(i);
    const score = viaPair ? bestP[i]! : storyScore < 1 ? storyScore : other >= 0 ? bestP[i]! : 1;
    // Joined at the story level with no link to a member: the words it shares with the rest of the story.
    const why = terms.length > 0 || storyScore === 1 ? terms : storyTerms(i, 5).map((id) => corpus.termName(id));
    return { itemId: itemOf[i]!.id, score: score === 1 ? 1 : round(score), terms: why };
  };

  const result: Story[] = [];
  const retired: { id: string; into: string }[] = [];
  const partsOf = new Map<number, number[]>();
  for (let h = 0; h < seeds.length; h++) {
    const list = partsOf.get(root[h]!);
    if (list) list.push(h);
    else partsOf.set(root[h]!, [h]);
  }
  for (let g = 0; g < seeds.length; g++) {
    const parts = partsOf.get(g);
    if (!parts) continue;
    const oldParts = parts.filter((h) => h < firstNew);
    const newItems = parts.filter((h) => h >= firstNew).map((h) => seeds[h]!.items[0]!);
    if (oldParts.length === 1 && newItems.length === 0) continue;
    let story: Story;
    if (oldParts.length > 0) {
      const survivor = stories[oldParts[0]!]!.story;
      const members = [...survivor.members];
      for (const i of newItems) members.push(memberOf(i));
      // The retired stories' members move over as they were.
      for (const h of oldParts.slice(1)) {
        const gone = stories[h]!.story;
        for (const m of gone.members) members.push(m);
        retired.push({ id: gone.id, into: survivor.id });
      }
      story = { ...survivor, members };
    } else {
      const founder = keyOf[newItems[0]!]!;
      const date = founder.date ?? founder.published ?? founder.updated ?? '1970-01-01T00:00:00.000Z';
      story = {
        id: mintStoryId(founder.id),
        members: newItems.map((i, k) => (k === 0 ? { itemId: founder.id, score: 1, terms: [] } : memberOf(i))),
        representativeItemId: founder.id,
        published: date,
        updated: date,
      };
    }
    const items = story.members.map((m) => pool.get(m.itemId)).filter((x): x is ItemMeta => x !== undefined);
    // Every item here is learned: its term counts are its digest.
    const centrality = items.length > 1 ? centralityOfLearned(corpus, items) : new Map<string, number>();
    result.push(finishWith(story, items, priorities, centrality));
  }
  return retired.length > 0 ? { changed: result, retired } : { changed: result };
}

/**
 * The linked pairs of itemPairs with their join probability, in (a, b) order, as parallel arrays: the
 * features of a pair are turned into its probability as it is found, and never kept.
 */
function linkEdges(
  profiles: ProfileTable,
  graph: GraphOptions,
  groupOf: Int32Array,
  model: JoinModel,
  scratch: Scratch,
  threads: GraphThreads | null,
): Edges {
  const n = profiles.count;
  // The postings and the pairs as found are temporaries: given back once the edges are sorted, for agglomerate's links.
  const mark = scratch.mark();
  // The same pairs in the same order, found by several threads or walked here.
  const shared = threads?.worthIt(n) ? threads : null;
  const pairs = shared
    ? shared.linkPairs(
        planGraph(profiles, graph, groupOf, scratch, shared.nearLists(n, graph.neighbours)),
        model,
        scratch,
      )
    : walkPairs(profiles, graph, groupOf, model, scratch);
  const { a: as, b: bs, p: ps, size } = pairs;
  // Sorted by a (counting sort, stable), then by b within each a (a pair is found once: no two are equal).
  const start = scratch.int32s(n + 1);
  for (let e = 0; e < size; e++) start[as[e]! + 1]!++;
  for (let x = 0; x < n; x++) start[x + 1]! += start[x]!;
  const fill = scratch.int32s(n);
  fill.set(start.subarray(0, n));
  // Arrays of their own: they outlive the scratch memory given back below.
  const out: Edges = { a: new Int32Array(size), b: new Int32Array(size), p: new Float64Array(size) };
  for (let e = 0; e < size; e++) {
    const at = fill[as[e]!]!++;
    out.a[at] = as[e]!;
    out.b[at] = bs[e]!;
    out.p[at] = ps[e]!;
  }
  for (let x = 0; x < n; x++) {
    const from = start[x]!;
    const to = start[x + 1]!;
    if (to - from > 64) {
      // A much-linked item: its links sorted through an index.
      const order = Array.from({ length: to - from }, (_, i) => from + i).sort((u, v) => out.b[u]! - out.b[v]!);
      const b = order.map((e) => out.b[e]!);
      const p = order.map((e) => out.p[e]!);
      out.b.set(b, from);
      out.p.set(p, from);
      continue;
    }
    // Insertion sort of one item's links by b (a few dozen at most).
    for (let e = from + 1; e < to; e++) {
      const b = out.b[e]!;
      const p = out.p[e]!;
      let y = e;
      while (y > from && out.b[y - 1]! > b) {
        out.b[y] = out.b[y - 1]!;
        out.p[y] = out.p[y - 1]!;
        y--;
      }
      out.b[y] = b;
      out.p[y] = p;
    }
  }
  scratch.release(mark);
  return out;
}

/** visitPairs' pairs with their join probability, in the order found (as GraphThreads.linkPairs gives them). */
function walkPairs(
  profiles: ProfileTable,
  graph: GraphOptions,
  groupOf: Int32Array,
  model: JoinModel,
  scratch: Scratch,
): { a: Int32Array; b: Int32Array; p: Float64Array; size: number } {
  // A pair is found in one of its items' nearest lists: at most `neighbours` per item.
  const most = profiles.count * graph.neighbours;
  const out = { a: scratch.int32s(most), b: scratch.int32s(most), p: scratch.float64s(most), size: 0 };
  visitPairs(
    profiles,
    graph,
    groupOf,
    (a, b, features) => {
      out.a[out.size] = a;
      out.b[out.size] = b;
      out.p[out.size] = joinProbability(model, features);
      out.size++;
    },
    scratch,
  );
  return out;
}

/** Returns the options with every default filled in and the model checked. */
export function resolveClusterOptions(options: Partial<ClusterOptions> = {}): Required<ClusterOptions> {
  const defined = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined));
  const opts = { ...DEFAULT_CLUSTER_OPTIONS, ...defined } as Required<ClusterOptions>;
  checkJoinModel(opts.model);
  return opts;
}

/**
 * Term counts of an item already at hand (e.g. the corpus digest, by term id), or undefined to
 * tokenise the item. Keys only need to identify terms; they must come in itemTermCounts order.
 */
export type TermCountsOf = (item: Item) => ReadonlyMap<number | string, number> | TermVector | undefined;

/** Term counts as parallel arrays: term ids (distinct, in itemTermCounts order) and their counts. */
export interface TermVector {
  ids: Int32Array;
  counts: Float64Array;
}

/** Recomputes a story's representative, published and updated from its members. */
export function finishStory(
  story: Story,
  items: readonly Item[],
  priorities: Readonly<Record<string, number>>,
  countsOf?: TermCountsOf,
): Story {
  // A one-member story needs no centrality: its only member is the representative.
  return finishWith(
    story,
    items,
    priorities,
    items.length > 1 ? centralityOf(items, countsOf) : new Map<string, number>(),
  );
}

/** finishStory with each member's centrality given. */
function finishWith(
  story: Story,
  items: readonly ItemMeta[],
  priorities: Readonly<Record<string, number>>,
  centrality: ReadonlyMap<string, number>,
): Story {
  if (items.length === 0) return story;
  const dates = items
    .map((i) => i.date)
    .filter((d): d is string => d !== null)
    .sort();
  const changes = items
    .map((i) => maxIso(i.updated, i.date))
    .filter((d): d is string => d !== null)
    .sort();
  // The representative is the outlet the user prefers (priority), then the article most central to the story
  // (closest to its centroid), then the earliest, then the lowest id.
  const rep = [...items].sort(
    (a, b) =>
      (priorities[b.sourceId] ?? 0) - (priorities[a.sourceId] ?? 0) ||
      (centrality.get(b.id) ?? 0) - (centrality.get(a.id) ?? 0) ||
      (a.date ?? '9999').localeCompare(b.date ?? '9999') ||
      a.id.localeCompare(b.id),
  )[0]!;
  return {
    ...story,
    representativeItemId: rep.id,
    published: dates[0] ?? story.published,
    // When the story last changed: its newest member's date (or that member's own update), never the run time.
    updated: maxIso(changes[changes.length - 1] ?? null, story.updated) ?? story.updated,
  };
}

/**
 * Returns each item's cosine to the story centroid (log-tf term vectors), rounded so near-ties fall to the date rule.
 */
export function centralityOf(items: readonly Item[], countsOf?: TermCountsOf): Map<string, number> {
  return centralityOfCounts(
    items.map((i) => i.id),
    items.map((item) => countsOf?.(item) ?? itemTermCounts(item)),
  );
}

/** centralityOf of the items `ids` with these term counts. */
function centralityOfCounts(
  ids: readonly string[],
  counts: readonly (ReadonlyMap<number | string, number> | TermVector)[],
): Map<string, number> {
  // Each item's unit vector as parallel arrays (keys in itemTermCounts order).
  const keys: ArrayLike<number | string>[] = [];
  const weights: Float64Array[] = [];
  let numeric = true;
  let maxId = -1;
  for (const got of counts) {
    const k: ArrayLike<number | string> = got instanceof Map ? [...got.keys()] : (got as TermVector).ids;
    const c: ArrayLike<number> = got instanceof Map ? [...got.values()] : (got as TermVector).counts;
    const w = new Float64Array(k.length);
    let sq = 0;
    for (let i = 0; i < k.length; i++) {
      const x = 1 + Math.log(c[i]!);
      w[i] = x;
      sq += x * x;
      const t = k[i]!;
      if (typeof t !== 'number') numeric = false;
      else if (t > maxId) maxId = t;
    }
    const norm = Math.sqrt(sq) || 1;
    for (let i = 0; i < w.length; i++) w[i] = w[i]! / norm;
    keys.push(k);
    weights.push(w);
  }
  const n = ids.length;
  const dots = new Float64Array(n);
  if (numeric) {
    // Term ids: the centroid in a dense scratch array (zeroed again after), the same sums in the same order as a Map.
    if (centroidScratch.length <= maxId)
      centroidScratch = new Float64Array(Math.max(maxId + 1, centroidScratch.length * 2));
    const centroid = centroidScratch;
    for (let v = 0; v < n; v++) {
      const k = keys[v] as ArrayLike<number>;
      const w = weights[v]!;
      for (let i = 0; i < k.length; i++) centroid[k[i]!] = centroid[k[i]!]! + w[i]! / n;
    }
    for (let v = 0; v < n; v++) {
      const k = keys[v] as ArrayLike<number>;
      const w = weights[v]!;
      let dot = 0;
      for (let i = 0; i < k.length; i++) dot += w[i]! * centroid[k[i]!]!;
      dots[v] = dot;
    }
    for (const k of keys as ArrayLike<number>[]) for (let i = 0; i < k.length; i++) centroid[k[i]!] = 0;
  } else {
    const centroid = new Map<number | string, number>();
    for (let v = 0; v < n; v++) {
      const k = keys[v]!;
      const w = weights[v]!;
      for (let i = 0; i < k.length; i++) centroid.set(k[i]!, (centroid.get(k[i]!) ?? 0) + w[i]! / n);
    }
    for (let v = 0; v < n; v++) {
      const k = keys[v]!;
      const w = weights[v]!;
      let dot = 0;
      for (let i = 0; i < k.length; i++) dot += w[i]! * (centroid.get(k[i]!) ?? 0);
      dots[v] = dot;
    }
  }
  const out = new Map<string, number>();
  ids.forEach((id, i) => out.set(id, Math.round(dots[i]! * 1e6) / 1e6));
  return out;
}

/** centralityOf of learned items, from their digests (the same sums in the same order), without an array per item. */
function centralityOfLearned(corpus: Corpus, items: readonly ItemMeta[]): Map<string, number> {
  const rows = items.map((i) => corpus.termRow(i.id)!);
  let total = 0;
  let maxId = -1;
  for (const r of rows) {
    total += r.length;
    for (let i = 0; i < r.length; i++) if (r.arena[r.ids + i]! > maxId) maxId = r.arena[r.ids + i]!;
  }
  if (unitScratch.length < total) unitScratch = new Float64Array(Math.max(total, unitScratch.length * 2));
  if (centroidScratch.length <= maxId)
    centroidScratch = new Float64Array(Math.max(maxId + 1, centroidScratch.length * 2));
  const unit = unitScratch;
  const centroid = centroidScratch;
  const n = rows.length;
  // Each item's unit vector of log-tf weights, one after the other.
  let at = 0;
  for (const r of rows) {
    let sq = 0;
    for (let i = 0; i < r.length; i++) {
      const x = 1 + Math.log(r.arena[r.ids + r.length + i]! / 2);
      unit[at + i] = x;
      sq += x * x;
    }
    const norm = Math.sqrt(sq) || 1;
    for (let i = 0; i < r.length; i++) unit[at + i] = unit[at + i]! / norm;
    at += r.length;
  }
  at = 0;
  for (const r of rows) {
    for (let i = 0; i < r.length; i++)
      centroid[r.arena[r.ids + i]!] = centroid[r.arena[r.ids + i]!]! + unit[at + i]! / n;
    at += r.length;
  }
  const out = new Map<string, number>();
  at = 0;
  rows.forEach((r, v) => {
    let dot = 0;
    for (let i = 0; i < r.length; i++) dot += unit[at + i]! * centroid[r.arena[r.ids + i]!]!;
    at += r.length;
    out.set(items[v]!.id, Math.round(dot * 1e6) / 1e6);
  });
  for (const r of rows) for (let i = 0; i < r.length; i++) centroid[r.arena[r.ids + i]!] = 0;
  return out;
}

/** centralityOfLearned's unit vectors, reused. */
let unitScratch = new Float64Array(0);

/** centralityOf's dense centroid, reused (all zeros between calls). */
let centroidScratch = new Float64Array(0);

/**
 * Returns the (at most k) terms items p and q share, heaviest first, then by id (the evidence shown by `storyfeed
 * explain`).
 */
function sharedTerms(all: SparseRows, p: number, q: number, k: number): number[] {
  // The k best so far, best first: a top-k selection, the same terms and order as sorting every shared term.
  const ids: number[] = [];
  const ws: number[] = [];
  let i = all.at[p]!;
  let j = all.at[q]!;
  const iEnd = all.at[p + 1]!;
  const jEnd = all.at[q + 1]!;
  while (i < iEnd && j < jEnd) {
    const x = all.ids[i]!;
    const y = all.ids[j]!;
    if (x < y) i++;
    else if (x > y) j++;
    else {
      const w = all.w[i++]! * all.w[j++]!;
      // Ids come ascending: a term ties only with heavier-or-equal ones already kept, which stay ahead of it.
      let at = ids.length;
      while (at > 0 && w > ws[at - 1]!) at--;
      if (at >= k) continue;
      ids.splice(at, 0, x);
      ws.splice(at, 0, w);
      if (ids.length > k) {
        ids.pop();
        ws.pop();
      }
    }
  }
  return ids;
}

function maxIso(a: string | null, b: string | null): string | null {
  if (a === null) return b;
  if (b === null) return a;
  return a > b ? a : b;
}

/** Returns the epoch ms the clustering window uses for an item, or null when it has no date of its own. */
export function timeOf(item: Pick<Item, 'date' | 'published' | 'updated' | 'dateSource'>): number | null {
  // An item without its own date (dated when fetched) places no time constraint.
  if (item.dateSource === 'fetched' || item.dateSource === 'none') return null;
  const d = item.date ?? item.published ?? item.updated;
  if (!d) return null;
  const t = Date.parse(d);
  return Number.isNaN(t) ? null : t;
}

function byDateThenId(a: ItemKey, b: ItemKey): number {
  const da = a.date ?? '';
  const db = b.date ?? '';
  if (da !== db) return da === '' ? 1 : db === '' ? -1 : da < db ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
