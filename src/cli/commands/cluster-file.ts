import { readFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import type { Item, Story } from '../../model.js';
import { writeFileAtomic } from '../../write/write-file-atomic.js';
import { clusterItems, DEFAULT_CLUSTER_OPTIONS, type ClusterOptions } from '../../cluster/cluster-items.js';
import { ClusterError } from '../../lib/errors.js';

// `storyfeed cluster --in FILE.jsonl[.gz] --out FILE.jsonl`: clusters a file of articles with exactly
// the code the pipeline uses. Reads only id, title, description, body, outlet, url and published;
// every other field (a gold `story_id` above all) is ignored.

/** One input article as the file gives it. */
export interface ArticleRecord {
  id: string;
  title?: string | null;
  description?: string | null;
  body?: string | null;
  outlet?: string | null;
  url?: string | null;
  published?: string | null;
}

/** One output line: the article and the story it was placed in. */
export interface StoryAssignment {
  id: string;
  story: string;
}

/**
 * Clusters the articles of a JSON-lines file (gzip when the name ends in .gz) as one stream and writes
 * one `{"id", "story"}` line per article, in input order; returns the counts and the clustering time.
 */
export async function clusterFile(
  inPath: string,
  outPath: string,
  options: Partial<ClusterOptions> = {},
  replay: Replay | number = 0,
): Promise<{ articles: number; stories: number; durationMs: number }> {
  let bytes: Buffer;
  try {
    bytes = await readFile(inPath);
  } catch (error) {
    throw new ClusterError('cluster/read-failed', `cannot read ${inPath}: ${(error as Error).message}`, { cause: error });
  }
  const text = (inPath.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('utf8');
  const records = parseArticleLines(text, inPath);
  const started = performance.now();
  const assignments = clusterArticles(records, options, replay);
  const durationMs = Math.round(performance.now() - started);
  await writeFileAtomic(outPath, assignments.map((a) => JSON.stringify(a)).join('\n') + (assignments.length ? '\n' : ''));
  return { articles: records.length, stories: new Set(assignments.map((a) => a.story)).size, durationMs };
}

/** Returns the articles of JSON-lines text; throws one error listing every unusable line. */
export function parseArticleLines(text: string, name = 'input'): ArticleRecord[] {
  const out: ArticleRecord[] = [];
  const problems: string[] = [];
  const ids = new Set<string>();
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      problems.push(`line ${i + 1}: not JSON`);
      return;
    }
    const r = value as Record<string, unknown>;
    if (typeof r !== 'object' || r === null || (typeof r.id !== 'string' && typeof r.id !== 'number')) {
      problems.push(`line ${i + 1}: no id`);
      return;
    }
    const id = String(r.id);
    if (ids.has(id)) {
      problems.push(`line ${i + 1}: duplicate id ${id}`);
      return;
    }
    ids.add(id);
    const str = (k: string): string | null => (typeof r[k] === 'string' ? (r[k] as string) : null);
    out.push({ id, title: str('title'), description: str('description'), body: str('body'), outlet: str('outlet'), url: str('url'), published: str('published') });
  });
  if (problems.length > 0) {
    const shown = problems.slice(0, 10).join('; ') + (problems.length > 10 ? `; … ${problems.length - 10} more` : '');
    throw new ClusterError('cluster/bad-input', `${name}: ${problems.length} unusable lines: ${shown}`);
  }
  return out;
}

/** How a file is clustered: as one batch, or replayed as the pipeline's runs would see it. */
export type Replay =
  /** `runSize` new articles per call (by date, then input order). */
  | { runSize: number }
  /** One call per `minutes` of publication time (a scheduled job every so many minutes); undated articles come last, in one call. */
  | { minutes: number };

/**
 * Returns the story of every article, in input order: one stream in publication order, undated in input
 * order. With a replay (a number is a run size) the stream is clustered as the pipeline does it, one run's
 * new articles per call with the stories of earlier calls carried over (merged stories retired into the older one).
 */
export function clusterArticles(records: readonly ArticleRecord[], options: Partial<ClusterOptions> = {}, replay: Replay | number = 0): StoryAssignment[] {
  // Items get positional ids, so "date, then id" is "date, then input order", and nothing in an
  // article's own id (which may encode a label) can influence the result.
  const width = String(records.length).length;
  const items = records.map((r, i) => articleItem(r, String(i).padStart(width, '0')));
  const opts = { ...DEFAULT_CLUSTER_OPTIONS, ...options };
  const stories = new Map<string, Story>();
  const runs = runsOf(items, typeof replay === 'number' ? { runSize: replay } : replay);
  if (runs) {
    const known = new Map<string, Item>();
    for (const run of runs) {
      for (const item of run) known.set(item.id, item);
      const { changed, retired } = clusterItems({ stories: [...stories.values()], items: known, newItems: run }, opts);
      for (const story of changed) stories.set(story.id, story);
      for (const r of retired ?? []) stories.delete(r.id);
    }
  } else {
    const byId = new Map(items.map((item) => [item.id, item]));
    for (const story of clusterItems({ stories: [], items: byId, newItems: items }, opts).changed) stories.set(story.id, story);
  }
  const storyOf = new Map<string, string>();
  for (const story of stories.values()) for (const m of story.members) storyOf.set(m.itemId, story.id);
  return records.map((r, i) => ({ id: r.id, story: storyOf.get(items[i]!.id)! }));
}

/** The items in the calls of a replay (in date order, then id), or null for one batch. */
function runsOf(items: readonly Item[], replay: Replay): Item[][] | null {
  const ordered = [...items].sort((a, b) => (a.date ?? '\uffff').localeCompare(b.date ?? '\uffff') || a.id.localeCompare(b.id));
  const runs: Item[][] = [];
  if ('runSize' in replay) {
    if (!(replay.runSize > 0)) return null;
    for (let at = 0; at < ordered.length; at += replay.runSize) runs.push(ordered.slice(at, at + replay.runSize));
    return runs;
  }
  if (!(replay.minutes > 0)) return null;
  const span = replay.minutes * 60_000;
  let key: number | null = null;
  for (const item of ordered) {
    const k = item.date ? Math.floor(Date.parse(item.date) / span) : Number.POSITIVE_INFINITY;
    if (k !== key) runs.push([]);
    key = k;
    runs[runs.length - 1]!.push(item);
  }
  return runs;
}

/** The item an article record stands for (the same mapping for `storyfeed cluster` and the offline trainer). */
export function articleItem(r: ArticleRecord, id: string): Item {
  const time = r.published ? Date.parse(r.published) : Number.NaN;
  const date = Number.isNaN(time) ? null : new Date(time).toISOString();
  const summary = (r.description ?? '').replace(/\s+/g, ' ').trim();
  const title = (r.title ?? '').replace(/\s+/g, ' ').trim() || summary.split(' ').slice(0, 12).join(' ') || '(untitled)';
  return {
    id,
    // No outlet: an outlet of its own, so no same-outlet rule applies.
    sourceId: r.outlet ? `outlet:${r.outlet.toLowerCase()}` : `article:${id}`,
    sourceName: r.outlet ?? '',
    guid: null,
    url: r.url ?? null,
    title,
    summary,
    contentHtml: '',
    contentText: r.body ?? '',
    authors: [],
    categories: [],
    published: date,
    updated: null,
    date,
    dateSource: date ? 'published' : 'none',
    language: null,
  };
}
