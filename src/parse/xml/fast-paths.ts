// The parse stage's shortcuts (issue #7): a fast scanner instead of htmlparser2 for the document tree
// (scan-xml-tree.ts), and cheap pre-checks that skip a whole-document regex when it cannot match. Each one
// must give exactly what the reference path gives; with the switch off, parsing takes the reference path, so
// tests (tests/unit/parse/fast-path-equivalence.test.ts) can compare the two on every corpus document.

let enabled = true;

/** Returns whether the parse stage may take its fast paths (true unless a test switched them off). */
export function parseFastPaths(): boolean {
  return enabled;
}

/** Test hook: `false` makes the parse stage take its reference path everywhere; returns the previous setting. */
export function setParseFastPaths(on: boolean): boolean {
  const previous = enabled;
  enabled = on;
  return previous;
}
