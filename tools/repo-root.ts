import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The repository's root folder, found from a tool's own location: tools run both as TypeScript (vitest, from
 * tools/) and compiled (node, from build/tools/), so a fixed number of `..` would be right for only one of them.
 */
export function repoRoot(moduleUrl: string = import.meta.url): string {
  let dir = dirname(fileURLToPath(moduleUrl));
  while (!existsSync(join(dir, 'package.json')) || existsSync(join(dir, 'tools', 'tsconfig.json')) === false) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no repository root above ${fileURLToPath(moduleUrl)}`);
    dir = parent;
  }
  return dir;
}
