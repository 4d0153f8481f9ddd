/**
 * Returns a suite or test name that carries why it is skipped, for `describe.skipIf(reason !== null)(…)`:
 * the summary reporter prints the reason, so a skipped test never passes silently (issue #14.11).
 */
export function withSkipReason(name: string, reason: string | null): string {
  return reason === null ? name : `${name} [skipped: ${reason}]`;
}

/** Returns `reason` when `missing` is true, else null: `skipReason(!existsSync(x), 'x is absent')`. */
export function skipReason(missing: boolean, reason: string): string | null {
  return missing ? reason : null;
}
