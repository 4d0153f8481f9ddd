#!/usr/bin/env node
// @ts-check
// `npm run build` (and `npm start` through build-if-stale.mjs, the suite's global setup): compiles src/ into dist/
// with tsc, then bundles the CLI, its two worker entries and the daemon's run process with esbuild into dist/bundle/,
// which bin/storyfeed.js runs. One file instead of ~600 modules: Node 20's ES module loader resolves, reads and links
// each file on its own, and that was half of a warm run (`storyfeed --version` 0.8 → 0.4 s; BENCHMARKS.md, issue #16).
// The other entries sit next to the CLI bundle, so `new URL('./read-worker.js', import.meta.url)` finds them from the
// bundle as from dist/pipeline/. better-sqlite3 stays outside: a native addon, loaded from node_modules. JavaScript,
// not a TypeScript tool: it runs before anything is built.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

const TSC = resolve(import.meta.dirname, '../node_modules/typescript/bin/tsc');

/** Entries of dist/bundle/ (output name → compiled module under dist/). */
const ENTRIES = {
  main: 'cli/main.js',
  'read-worker': 'pipeline/read-worker.js',
  'graph-worker': 'cluster/graph-worker.js',
  'run-process': 'cli/commands/run-process.js',
};

/**
 * Builds `root`'s dist/: tsc, then the bundles. Returns the exit status (0: built).
 * @param {string} root the repository's folder
 * @returns {Promise<number>}
 */
export async function build(root) {
  const tsc = spawnSync(process.execPath, [TSC, '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
  if (tsc.status !== 0) return tsc.status ?? 1;
  const { build: esbuild } = await import('esbuild');
  const dist = join(root, 'dist');
  // esbuild prints its errors (logLevel) and rejects: a failed bundle is exit status 1, not a stack trace.
  const result = await esbuild({
    // Every entry tsc made (a tree without workers, as build-if-stale's test makes, bundles its CLI alone).
    entryPoints: Object.fromEntries(
      Object.entries(ENTRIES)
        .map(([name, file]) => [name, join(dist, file)])
        .filter(([, path]) => existsSync(path ?? '')),
    ),
    outdir: join(dist, 'bundle'),
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    // jsonc-parser's `main` is a UMD build whose require() calls esbuild cannot follow; its ES module build is fine.
    mainFields: ['module', 'main'],
    external: ['better-sqlite3'],
    // The CommonJS packages bundled into an ES module still call require() for Node's own modules.
    banner: {
      js: "import { createRequire as __storyfeedRequire } from 'node:module';\nconst require = __storyfeedRequire(import.meta.url);",
    },
    sourcemap: true,
    logLevel: 'warning',
  }).catch(() => null);
  return result !== null && result.errors.length === 0 ? 0 : 1;
}

if (import.meta.filename === resolve(process.argv[1] ?? '')) {
  process.exit(await build(resolve(process.argv[2] ?? join(import.meta.dirname, '..'))));
}
