import { FEATURE_NAMES } from './graph-search.js';
import { ClusterError } from '../lib/errors.js';

/** A logistic-regression join decision over the similarity features of an item and a story. */
export interface JoinModel {
  /** Feature names, in FEATURE_NAMES order (checked, so stale weights cannot be applied silently). */
  features: readonly string[];
  weights: readonly number[];
  bias: number;
  /** The phantom neighbour's cosine the features were computed with (default RIVAL_FLOOR). */
  rivalFloor?: number;
}

// Trained offline by tools/eval/train-cluster.ts on the dev set (../shared/eval/story-clusters), both parts
// weighted equally; see the script's header for the procedure. A handful of numbers, no per-article data.
export const DEFAULT_JOIN_MODEL: JoinModel = {
  features: [...FEATURE_NAMES],
  weights: [0, 0.9143, 0, 3.3007, 4.46, 8.0747, 0.1317, 0, 0.0447, -0.9261, 0.616, 0.6208],
  bias: -5.1612,
  rivalFloor: 0.3,
};

/** Returns the probability that an item belongs to a story, given their features. */
export function joinProbability(model: JoinModel, features: ArrayLike<number>): number {
  let z = model.bias;
  for (let i = 0; i < features.length; i++) z += (model.weights[i] ?? 0) * features[i]!;
  return 1 / (1 + Math.exp(-z));
}

/** Throws when a model was trained on other features than this code computes. */
export function checkJoinModel(model: JoinModel): void {
  if (
    model.features.length !== FEATURE_NAMES.length ||
    model.features.some((f, i) => f !== FEATURE_NAMES[i]) ||
    model.weights.length !== FEATURE_NAMES.length
  ) {
    throw new ClusterError(
      'cluster/invariant',
      `join model features [${model.features.join(', ')}] do not match [${FEATURE_NAMES.join(', ')}]`,
    );
  }
}
