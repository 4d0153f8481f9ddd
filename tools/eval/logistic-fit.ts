// Weighted logistic regression for the pair model (train-cluster): Newton's method with a small L2 penalty,
// some weights kept >= 0 by an active set. Small dense problems (a dozen features), so plain arrays.

/** Training rows of one set: feature vectors, 0/1 labels, and the weight of each row. */
export interface TrainingSet {
  X: readonly (readonly number[])[];
  y: readonly number[];
  weight: number;
}

/** Fitted weights (one per feature) and bias, rounded to 4 decimals (as they are stored in join-model.ts). */
export interface FittedModel {
  weights: number[];
  bias: number;
}

/** Returns `x` rounded to `digits` decimals. */
export function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/** Returns the solution of A·x = b by Gauss–Jordan elimination with partial pivoting (0 where a pivot is 0). */
export function solve(A: readonly (readonly number[])[], b: readonly number[]): number[] {
  const n = b.length;
  const M = A.map((row, i) => [...row, b[i] as number]);
  const at = (r: number, c: number): number => (M[r] as number[])[c] as number;
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(at(r, c)) > Math.abs(at(p, c))) p = r;
    [M[c], M[p]] = [M[p] as number[], M[c] as number[]];
    const pivotRow = M[c] as number[];
    for (let r = 0; r < n; r++) {
      if (r === c || at(c, c) === 0) continue;
      const row = M[r] as number[];
      const f = at(r, c) / at(c, c);
      for (let k = c; k <= n; k++) row[k] = (row[k] as number) - f * (pivotRow[k] as number);
    }
  }
  return M.map((row, i) => (row[i] === 0 ? 0 : (row[n] as number) / (row[i] as number)));
}

/**
 * Fits logistic regression by Newton's method (IRLS) with a small L2 penalty; rows weighted; `pinned` weights stay 0.
 * Returns the weights and bias rounded to 4 decimals.
 */
export function fitFree(
  sets: readonly TrainingSet[],
  featureCount: number,
  l2: number,
  pinned: ReadonlySet<number>,
): FittedModel {
  const d = featureCount + 1;
  let beta: number[] = new Array<number>(d).fill(0);
  for (let iter = 0; iter < 30; iter++) {
    const g: number[] = new Array<number>(d).fill(0);
    const H: number[][] = Array.from({ length: d }, () => new Array<number>(d).fill(0));
    for (const { X, y, weight } of sets) {
      for (let n = 0; n < X.length; n++) {
        const x = [...(X[n] as readonly number[]), 1];
        let z = 0;
        for (let k = 0; k < d; k++) z += (beta[k] as number) * (x[k] as number);
        const p = 1 / (1 + Math.exp(-z));
        const wr = weight * p * (1 - p);
        for (let a = 0; a < d; a++) {
          const xa = x[a] as number;
          g[a] = (g[a] as number) + weight * ((y[n] as number) - p) * xa;
          const Ha = H[a] as number[];
          for (let b = 0; b < d; b++) Ha[b] = (Ha[b] as number) + wr * xa * (x[b] as number);
        }
      }
    }
    for (let a = 0; a < d - 1; a++) {
      g[a] = (g[a] as number) - l2 * (beta[a] as number);
      const Ha = H[a] as number[];
      Ha[a] = (Ha[a] as number) + l2;
    }
    for (const a of pinned) {
      g[a] = 0;
      (H[a] as number[]).fill(0);
      for (const row of H) row[a] = 0;
      (H[a] as number[])[a] = 1;
    }
    const step = solve(H, g);
    beta = beta.map((b, k) => b + (step[k] as number));
    if (Math.max(...step.map(Math.abs)) < 1e-8) break;
  }
  return { weights: beta.slice(0, -1).map((w) => round(w, 4)), bias: round(beta[d - 1] as number, 4) };
}

/**
 * Fits logistic regression with the weights of `nonNegative` (feature indexes) kept >= 0: a feature whose fitted
 * weight is negative is pinned at 0 and the rest refitted, the most negative first.
 */
export function fitNonNegative(
  sets: readonly TrainingSet[],
  featureCount: number,
  nonNegative: ReadonlySet<number>,
  l2 = 1e-3,
): FittedModel {
  const pinned = new Set<number>();
  for (;;) {
    const model = fitFree(sets, featureCount, l2, pinned);
    const w = (k: number): number => model.weights[k] as number;
    const negative = model.weights
      .map((_, k) => (nonNegative.has(k) && !pinned.has(k) && w(k) < 0 ? k : -1))
      .filter((k) => k >= 0);
    const worst = negative.sort((a, b) => w(a) - w(b))[0];
    if (worst === undefined) return model;
    // Pin the most negative one and refit (the others may turn positive once it is gone).
    pinned.add(worst);
  }
}
