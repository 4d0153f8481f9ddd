// A deterministic shuffle (Fisher–Yates over a 32-bit LCG) shared by the evaluation scripts.

/** Returns a copy of `list` in an order fixed by `seed`. */
export function shuffled(list, seed) {
  const out = [...list];
  let s = seed >>> 0 || 1;
  for (let i = out.length - 1; i > 0; i--) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}
