import { describe, expect, it } from 'vitest';
import { fitFree, fitNonNegative, round, solve, type TrainingSet } from '../../../tools/eval/logistic-fit.js';

/** Rows of one feature where the label is 1 exactly when the feature is above 0.5, with some overlap. */
function separable(): TrainingSet {
  const X: number[][] = [];
  const y: number[] = [];
  for (let i = 0; i <= 20; i++) {
    const x = i / 20;
    X.push([x, 1 - x]);
    y.push(x > 0.5 ? 1 : 0);
    // A few mislabelled rows keep the problem from being perfectly separable (finite weights).
    X.push([x, 1 - x]);
    y.push(i % 7 === 0 ? 1 - (x > 0.5 ? 1 : 0) : x > 0.5 ? 1 : 0);
  }
  return { X, y, weight: 1 };
}

describe('solve', () => {
  it('solves a small system, pivoting past a zero on the diagonal', () => {
    const x = solve(
      [
        [0, 2, 1],
        [1, 1, 0],
        [2, 0, 3],
      ],
      [7, 3, 11],
    );
    expect(x.map((v) => round(v, 9))).toEqual([1, 2, 3]);
  });

  it('gives 0 for an unknown whose pivot is 0', () => {
    expect(solve([[0]], [4])).toEqual([0]);
  });
});

describe('fitFree', () => {
  it('learns a positive weight for a feature that predicts the label', () => {
    const model = fitFree([separable()], 2, 1e-3, new Set());
    expect(model.weights).toHaveLength(2);
    expect(model.weights[0]).toBeGreaterThan(model.weights[1] as number);
    expect(model.weights[0]).toBeGreaterThan(0);
  });

  it('keeps pinned weights at 0 and rounds to 4 decimals', () => {
    const model = fitFree([separable()], 2, 1e-3, new Set([1]));
    expect(model.weights[1]).toBe(0);
    for (const w of [...model.weights, model.bias]) expect(round(w, 4)).toBe(w);
  });
});

describe('fitNonNegative', () => {
  it('pins a non-negative feature whose free weight is negative', () => {
    const free = fitFree([separable()], 2, 1e-3, new Set());
    expect(free.weights[1]).toBeLessThan(0);
    const kept = fitNonNegative([separable()], 2, new Set([1]));
    expect(kept.weights[1]).toBe(0);
    expect(kept.weights[0]).toBeGreaterThan(0);
  });

  it('changes nothing when no constrained weight is negative', () => {
    expect(fitNonNegative([separable()], 2, new Set([0]))).toEqual(fitFree([separable()], 2, 1e-3, new Set()));
  });
});
