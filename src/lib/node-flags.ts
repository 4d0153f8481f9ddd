/**
 * Whether node's own arguments or NODE_OPTIONS give the flag `name` (`--max-semi-space-size`), with a value or alone;
 * V8 takes `_` for `-` in flag names, so both spellings count. An operator's flag is kept over a default of ours.
 */
export function givesNodeFlag(name: string, execArgv: readonly string[], nodeOptions: string | undefined): boolean {
  const pattern = new RegExp(`^--${name.slice(2).replace(/-/g, '[-_]')}(=|$)`);
  return [...execArgv, ...(nodeOptions ?? '').split(/\s+/)].some((flag) => pattern.test(flag));
}
