import { profileTableOf, type ItemProfile, type ProfileTable } from './corpus.js';
import { GraphSearch, planGraph, type GraphOptions, type PairVisitor } from './graph-search.js';
import { Scratch } from './scratch.js';

// The item similarity graph: each item's nearest other items (by TF-IDF cosine, found through an
// inverted index over rarer terms, never an all-pairs scan), and the evidence for each linked pair.
// Paraphrased reports of one event often share few words, so the raw cosine alone is weak evidence;
// how the pair stands among each item's other neighbours (mutual rank, gap to the best rival) is
// what separates a story from its same-topic neighbours (measured on the dev set, see
// tools/eval/train-cluster.ts). Undated reports of one event usually name the same weekday, and a full
// article shares a smaller part of its terms with a paraphrase than a headline and lead do, so a
// cosine means more between short texts. The work per item is in graph-search.ts; here it is walked in order.

export { FEATURE_NAMES, RIVAL_FLOOR, type GraphOptions } from './graph-search.js';

/** A linked pair of items (indexes into the profile list, a < b) with its features (FEATURE_NAMES order). */
export interface ItemPair {
  a: number;
  b: number;
  features: number[];
}

/**
 * Returns every pair of items where one is among the other's nearest, with its features, in (a, b) order;
 * with `groupOf`, pairs of two items of one group (a value >= 0) are left out.
 */
export function itemPairs(profiles: readonly ItemProfile[], options: GraphOptions, groupOf?: Int32Array): ItemPair[] {
  const pairs: ItemPair[] = [];
  visitPairs(profileTableOf(profiles), options, groupOf, (a, b, features) => {
    pairs.push({ a, b, features: Array.from(features) });
  });
  return pairs.sort((x, y) => x.a - y.a || x.b - y.b);
}

/**
 * Calls `visit` once for each pair itemPairs returns, with the same features, but in the order the pairs are
 * found (not sorted) and in one scratch array (valid during the call only): nothing is kept per pair.
 */
export function visitPairs(
  profiles: ProfileTable,
  options: GraphOptions,
  groupOf: Int32Array | undefined,
  visit: PairVisitor,
  scratch = new Scratch(),
): void {
  const plan = planGraph(profiles, options, groupOf, scratch);
  const search = new GraphSearch(plan, scratch);
  for (let i = 0; i < profiles.count; i++) search.nearest(i);
  for (let i = 0; i < profiles.count; i++) search.pairs(i, visit);
}

interface NearList {
  items: Int32Array;
  cos: Float64Array;
}

/**
 * Returns each item's nearest other items (at most `neighbours`, in the window), best first (GraphSearch.nearest).
 */
export function nearestItems(profiles: readonly ItemProfile[], options: GraphOptions): NearList[] {
  const plan = planGraph(profileTableOf(profiles), options, undefined, new Scratch());
  const search = new GraphSearch(plan);
  for (let i = 0; i < profiles.length; i++) search.nearest(i);
  const k = options.neighbours;
  const near = plan.near;
  return profiles.map((_, i) => ({
    items: near.items.slice(i * k, i * k + near.length[i]!),
    cos: near.cos.slice(i * k, i * k + near.length[i]!),
  }));
}
