// Checks that the parse stage's fast paths change no result (not a test; issue #7). Every document of the conformance
// corpus (../shared/conformance/feedparser, read in place), plus any folders given, goes through decodeBytes +
// parseFeed twice, and the two ParsedFeed results (or errors) must be deep-equal:
//
//   npm run --silent build:tools && node build/tools/conformance/check-parse-equivalence.js [folders…]   # fast paths on vs off
//   … check-parse-equivalence.js --reference DIST [folders…]   # this checkout vs another build (e.g. main's dist/)
//
// The first form compares parsing with the reference path of the same code (fast-paths.ts); the second also covers
// decoding, against the code before the change. This checkout's code is imported (type-checked with it); the
// --reference build is another version, data to compare with, loaded from the path given. Prints one JSON line and the
// first differences; exits 1 if any document differs.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import * as decodeModule from '../../src/decode/decode-bytes.js';
import * as parseModule from '../../src/parse/parse-feed.js';
import { setParseFastPaths } from '../../src/parse/xml/fast-paths.js';
import { repoRoot } from '../repo-root.js';
import { readCase } from './run-conformance.js';

/** The two functions compared, of one build. */
interface ParseBuild {
  decodeBytes: typeof decodeModule.decodeBytes;
  parseFeed: typeof parseModule.parseFeed;
}

const root = repoRoot(import.meta.url);
const args = process.argv.slice(2);
const referenceIndex = args.indexOf('--reference');
const referenceDist = referenceIndex === -1 ? undefined : resolve(String(args.splice(referenceIndex, 2)[1]));
const corpus = process.env.STORYFEED_CONFORMANCE_DIR ?? join(root, '..', 'shared', 'conformance', 'feedparser');
const folders = [...(existsSync(corpus) ? [corpus] : []), ...args.map((folder) => resolve(folder))];
if (folders.length === 0) {
  console.error(`no corpus at ${corpus} and no folders given`);
  process.exit(2);
}

// Another build is assumed to keep these names; it is loaded, never type-checked.
const loadOther = async (dist: string): Promise<ParseBuild> => ({
  decodeBytes: ((await import(pathToFileURL(join(dist, 'decode/decode-bytes.js')).href)) as typeof decodeModule)
    .decodeBytes,
  parseFeed: ((await import(pathToFileURL(join(dist, 'parse/parse-feed.js')).href)) as typeof parseModule).parseFeed,
});
const current: ParseBuild = { decodeBytes: decodeModule.decodeBytes, parseFeed: parseModule.parseFeed };
const reference = referenceDist === undefined ? undefined : await loadOther(referenceDist);

/** Decode + parse with one build: the feed, or the error's class, code and message. */
function outcome(build: ParseBuild, bytes: Uint8Array, hints: { contentType?: string }): unknown {
  const described = (error: unknown) => {
    const e = error as { constructor?: { name?: string }; code?: unknown; message?: unknown } | null | undefined;
    return { name: e?.constructor?.name, code: e?.code, message: e?.message };
  };
  try {
    const decoded = build.decodeBytes(bytes, hints);
    try {
      return { decoded, feed: build.parseFeed(decoded.text) };
    } catch (error) {
      return { decoded, error: described(error) };
    }
  } catch (error) {
    const { name, message } = described(error);
    return { error: { name, message } };
  }
}

const files: string[] = [];
const walk = (dir: string): void => {
  for (const name of readdirSync(dir).sort()) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) walk(full);
    else if (/\.(xml|json|rdf|rss|atom)$/i.test(name)) files.push(full);
  }
};
for (const folder of folders) walk(folder);

let same = 0;
const differences: string[] = [];
for (const file of files) {
  const bytes = readFileSync(file);
  const contentType = readCase(file, bytes).headers['content-type'];
  const hints = contentType === undefined ? {} : { contentType };
  const fast = outcome(current, bytes, hints);
  let slow: unknown;
  if (reference !== undefined) slow = outcome(reference, bytes, hints);
  else {
    const previous = setParseFastPaths(false);
    try {
      slow = outcome(current, bytes, hints);
    } finally {
      setParseFastPaths(previous);
    }
  }
  if (isDeepStrictEqual(fast, slow)) same++;
  else differences.push(file);
}
console.log(
  JSON.stringify({
    reference: referenceDist ?? 'fast paths off',
    folders,
    documents: files.length,
    same,
    different: differences.length,
  }),
);
for (const file of differences.slice(0, 20)) console.log(`  differs: ${file}`);
process.exitCode = differences.length > 0 ? 1 : 0;
