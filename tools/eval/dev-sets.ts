import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { ArticleRecord } from '../../src/cli/commands/cluster-file.js';

/** One labelled dev-set line: an article and, for scoring only, its gold story and part. */
export interface LabelledArticle extends ArticleRecord {
  story_id: string;
  dataset: string;
}

/** The folder of the labelled dev sets, beside the repository (`../shared`). */
export function devSetDir(root: string): string {
  return join(root, '..', 'shared', 'eval', 'story-clusters');
}

/** Returns the records of a gzipped JSON-lines file. */
export function loadLabelled(path: string): LabelledArticle[] {
  return gunzipSync(readFileSync(path))
    .toString('utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as LabelledArticle);
}

/** Returns the fields the clusterer may see of a record (no gold labels). */
export function articleOnly({ id, title, description, body, outlet, url, published }: ArticleRecord): ArticleRecord {
  return { id, title, description, body, outlet, url, published };
}

/** Returns a generator of numbers in [0, 1) from a 32-bit LCG started at `seed` (the tools' seeded draws). */
export function lcgRandom(seed: number): () => number {
  let s = seed;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}
