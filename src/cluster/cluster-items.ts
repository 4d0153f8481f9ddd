import { createHash } from 'node:crypto';
import type { Item, Story, StoryMember } from '../model.js';
import { itemTermCounts, shingles } from './text-features.js';

/** The clusterer's slice of the configuration. */
export interface ClusterOptions {
  /** Items further apart than this (by date) are never grouped. */
  windowHours: number;
  /** Minimum similarity for an item to join a story from another outlet. */
  threshold: number;
  /** Minimum similarity for an item to join a story that already has an item of its outlet. */
  sameSourceThreshold: number;
}

export interface ClusterInput {
  /** Live stories from earlier runs; never renamed, only grown. */
  stories: readonly Story[];
  /** Every item the stories reference, plus the new ones. */
  items: ReadonlyMap<string, Item>;
  /** Items to place, in any order (they are placed in date order, then id). */
  newItems: readonly Item[];
  /** Per-source priority for the representative choice (higher wins; default 0). */
  priorities?: Readonly<Record<string, number>>;
}

export interface ClusterResult {
  /** Stories created or grown by this call, with members in join order. */
  changed: Story[];
}

const SHINGLE_BONUS = 0.35;
const TOP_TERMS_PER_STORY = 40;
const MS_PER_HOUR = 3_600_000;

interface Vec {
  weights: Map<string, number>;
  norm: number;
}

interface WorkingStory {
  story: Story;
  itemIds: string[];
  sums: Map<string, number>;
  shingles: Set<string>;
  sources: Set<string>;
  minTime: number | null;
  maxTime: number | null;
}

/** Returns a stable story id minted from the item that founded the story. */
export function mintStoryId(foundingItemId: string): string {
  return createHash('sha256').update(`story\n${foundingItemId}`).digest('hex').slice(0, 16);
}

/**
 * Places each new item into the most similar existing story or a new one (single pass, incremental,
 * deterministic), and returns the stories that changed. Similarity is TF-IDF cosine to the story's
 * centroid (IDF from every item given) plus a bonus for a shared 8-word run (a shared quote).
 */
export function clusterItems(input: ClusterInput, options: ClusterOptions): ClusterResult {
  const idf = inverseDocumentFrequency(input.items.values());
  const vectors = new Map<string, Vec>();
  const vectorOf = (item: Item): Vec => {
    let v = vectors.get(item.id);
    if (!v) {
      v = weigh(itemTermCounts(item), idf);
      vectors.set(item.id, v);
    }
    return v;
  };
  const shingleCache = new Map<string, Set<string>>();
  const shinglesOf = (item: Item): Set<string> => {
    let s = shingleCache.get(item.id);
    if (!s) {
      s = shingles(item.contentText);
      shingleCache.set(item.id, s);
    }
    return s;
  };

  const working: WorkingStory[] = [];
  const index = new Map<string, Set<number>>(); // term -> working story indexes
  const changed = new Set<number>();

  const addToIndex = (i: number) => {
    const w = working[i]!;
    for (const [term] of topTerms(w.sums, TOP_TERMS_PER_STORY)) {
      let set = index.get(term);
      if (!set) index.set(term, (set = new Set()));
      set.add(i);
    }
  };
  const absorb = (w: WorkingStory, item: Item) => {
    const v = vectorOf(item);
    for (const [t, x] of v.weights) w.sums.set(t, (w.sums.get(t) ?? 0) + x / v.norm);
    for (const s of shinglesOf(item)) w.shingles.add(s);
    w.sources.add(item.sourceId);
    const t = timeOf(item);
    if (t !== null) {
      w.minTime = w.minTime === null ? t : Math.min(w.minTime, t);
      w.maxTime = w.maxTime === null ? t : Math.max(w.maxTime, t);
    }
    w.itemIds.push(item.id);
  };

  for (const story of input.stories) {
    const w: WorkingStory = { story, itemIds: [], sums: new Map(), shingles: new Set(), sources: new Set(), minTime: null, maxTime: null };
    for (const m of story.members) {
      const item = input.items.get(m.itemId);
      if (item) absorb(w, item);
    }
    working.push(w);
    addToIndex(working.length - 1);
  }

  const known = new Set(input.stories.flatMap((s) => s.members.map((m) => m.itemId)));
  const ordered = [...input.newItems].filter((i) => !known.has(i.id)).sort(byDateThenId);
  const windowMs = options.windowHours * MS_PER_HOUR;

  for (const item of ordered) {
    const v = vectorOf(item);
    const t = timeOf(item);
    const candidates = new Set<number>();
    for (const term of v.weights.keys()) for (const i of index.get(term) ?? []) candidates.add(i);

    let best: { i: number; score: number; terms: string[] } | null = null;
    for (const i of [...candidates].sort((a, b) => a - b)) {
      const w = working[i]!;
      if (t !== null && w.minTime !== null && w.maxTime !== null && (t < w.minTime - windowMs || t > w.maxTime + windowMs)) continue;
      let score = cosineToCentroid(v, w.sums);
      const itemShingles = shinglesOf(item);
      let sharesRun = false;
      for (const s of itemShingles) {
        if (w.shingles.has(s)) {
          sharesRun = true;
          break;
        }
      }
      if (sharesRun) score = Math.min(1, score + SHINGLE_BONUS);
      const needed = w.sources.has(item.sourceId) ? options.sameSourceThreshold : options.threshold;
      if (score < needed) continue;
      if (!best || score > best.score) best = { i, score, terms: [] };
    }

    if (best) {
      const w = working[best.i]!;
      const member: StoryMember = { itemId: item.id, score: round(best.score), terms: sharedTerms(v, w.sums, 5) };
      absorb(w, item);
      w.story = { ...w.story, members: [...w.story.members, member] };
      changed.add(best.i);
      addToIndex(best.i);
    } else {
      const date = item.date ?? item.published ?? item.updated;
      const story: Story = {
        id: mintStoryId(item.id),
        members: [{ itemId: item.id, score: 1, terms: [] }],
        representativeItemId: item.id,
        published: date ?? '1970-01-01T00:00:00.000Z',
        updated: date ?? '1970-01-01T00:00:00.000Z',
      };
      const w: WorkingStory = { story, itemIds: [], sums: new Map(), shingles: new Set(), sources: new Set(), minTime: null, maxTime: null };
      absorb(w, item);
      working.push(w);
      changed.add(working.length - 1);
      addToIndex(working.length - 1);
    }
  }

  const result: Story[] = [];
  for (const i of [...changed].sort((a, b) => a - b)) {
    const w = working[i]!;
    const items = w.story.members.map((m) => input.items.get(m.itemId)).filter((x): x is Item => x !== undefined);
    result.push(finishStory(w.story, items, input.priorities ?? {}));
  }
  return { changed: result };
}

/** Recomputes a story's representative, published and updated from its members. */
export function finishStory(story: Story, items: readonly Item[], priorities: Readonly<Record<string, number>>): Story {
  if (items.length === 0) return story;
  const dates = items.map((i) => i.date).filter((d): d is string => d !== null).sort();
  const changes = items.map((i) => maxIso(i.updated, i.date)).filter((d): d is string => d !== null).sort();
  const rep = [...items].sort(
    (a, b) =>
      (priorities[b.sourceId] ?? 0) - (priorities[a.sourceId] ?? 0) ||
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

function maxIso(a: string | null, b: string | null): string | null {
  if (a === null) return b;
  if (b === null) return a;
  return a > b ? a : b;
}

function inverseDocumentFrequency(items: Iterable<Item>): (term: string) => number {
  const df = new Map<string, number>();
  let n = 0;
  for (const item of items) {
    n++;
    for (const t of itemTermCounts(item).keys()) df.set(t, (df.get(t) ?? 0) + 1);
  }
  return (term) => Math.log((n + 1) / ((df.get(term) ?? 0) + 1)) + 1;
}

function weigh(counts: Map<string, number>, idf: (t: string) => number): Vec {
  const weights = new Map<string, number>();
  let sq = 0;
  for (const [t, c] of counts) {
    const w = (1 + Math.log(c)) * idf(t);
    weights.set(t, w);
    sq += w * w;
  }
  return { weights, norm: Math.sqrt(sq) || 1 };
}

function cosineToCentroid(v: Vec, sums: Map<string, number>): number {
  let dot = 0;
  let sq = 0;
  for (const x of sums.values()) sq += x * x;
  for (const [t, x] of v.weights) dot += (x / v.norm) * (sums.get(t) ?? 0);
  return sq === 0 ? 0 : dot / Math.sqrt(sq);
}

function topTerms(sums: Map<string, number>, k: number): [string, number][] {
  return [...sums].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, k);
}

function sharedTerms(v: Vec, sums: Map<string, number>, k: number): string[] {
  const shared: [string, number][] = [];
  for (const [t, x] of v.weights) {
    const s = sums.get(t);
    if (s) shared.push([t, x * s]);
  }
  return shared.sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, k).map(([t]) => t);
}

function timeOf(item: Item): number | null {
  // An item without its own date (dated when fetched) places no time constraint.
  if (item.dateSource === 'fetched' || item.dateSource === 'none') return null;
  const d = item.date ?? item.published ?? item.updated;
  if (!d) return null;
  const t = Date.parse(d);
  return Number.isNaN(t) ? null : t;
}

function byDateThenId(a: Item, b: Item): number {
  const da = a.date ?? '';
  const db = b.date ?? '';
  if (da !== db) return da === '' ? 1 : db === '' ? -1 : da < db ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
