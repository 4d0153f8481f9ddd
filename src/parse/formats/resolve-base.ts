/** Returns the xml:base in effect: `inner` resolved against `outer` when possible, else whichever is present (XML Base §4.2: bases nest). */
export function resolveBase(inner: string | undefined, outer: string | undefined): string | undefined {
  if (inner === undefined) return outer;
  if (outer === undefined || URL.canParse(inner)) return inner;
  // An outer base that is itself relative cannot be resolved without the document URL, which the
  // parse stage does not know; keep the innermost declaration and let normalize resolve it.
  return URL.canParse(inner, outer) ? new URL(inner, outer).href : inner;
}
