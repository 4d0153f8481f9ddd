#!/usr/bin/env node
// @ts-check
// `npm start` / `npm run daemon` run this first: it compiles src/ into dist/ only when a source or a tsconfig
// is newer than everything in dist/ (a full tsc run costs ~5 s, ten times the demo run itself; issue #14.7).
// JavaScript, not a tool in TypeScript: it runs before anything is built. Type-checked through JSDoc (`// @ts-check`,
// tsconfig.json's allowJs).
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { build } from './build.mjs';

/**
 * Returns the newest modification time (ms) of the files under `dir` (0 when it does not exist).
 * @param {string} dir
 * @param {(name: string) => boolean} [filter] which file names count
 * @returns {number}
 */
function newestMtime(dir, filter = () => true) {
  if (!existsSync(dir)) return 0;
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !filter(entry.name)) continue;
    newest = Math.max(newest, statSync(join(entry.parentPath, entry.name)).mtimeMs);
  }
  return newest;
}

/**
 * Returns why `root`'s dist/ needs building, or null when it is up to date.
 * @param {string} root the repository's folder
 * @returns {string | null}
 */
export function staleReason(root) {
  // The bundles are written last, only when tsc succeeded: a failed build leaves them (and the stamp) older than src/,
  // even though tsc wrote its output anyway.
  const stamp = join(root, 'dist/.build-stamp');
  const built = Math.max(newestMtime(join(root, 'dist/bundle')), existsSync(stamp) ? statSync(stamp).mtimeMs : 0);
  if (built === 0 || !existsSync(join(root, 'dist/cli/main.js')) || !existsSync(join(root, 'dist/bundle/main.js')))
    return 'dist/ is missing';
  const configs = ['tsconfig.json', 'tsconfig.build.json'].map((f) => join(root, f)).filter((f) => existsSync(f));
  const sources = Math.max(
    newestMtime(join(root, 'src'), (n) => n.endsWith('.ts')),
    ...configs.map((f) => statSync(f).mtimeMs),
  );
  return sources > built ? 'src/ is newer than dist/' : null;
}

if (import.meta.filename === resolve(process.argv[1] ?? '')) {
  const root = resolve(process.argv[2] ?? join(import.meta.dirname, '..'));
  const reason = staleReason(root);
  if (reason === null) process.exit(0);
  process.stderr.write(`building dist/ (${reason})\n`);
  const status = await build(root);
  // An incremental build does not rewrite outputs whose source text is unchanged (a touched file), so mark
  // the build itself: without the stamp such a file would look newer than dist/ on every start.
  if (status === 0) writeFileSync(join(root, 'dist/.build-stamp'), `${new Date().toISOString()}\n`);
  process.exit(status);
}
