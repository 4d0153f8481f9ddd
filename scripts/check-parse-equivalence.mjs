#!/usr/bin/env node
// Checks that the parse stage's fast paths change no result (not a test; issue #7). Every document of the
// conformance corpus (../shared/conformance/feedparser, read in place), plus any folders given, goes through
// decodeBytes + parseFeed twice, and the two ParsedFeed results (or errors) must be deep-equal:
//
//   node scripts/check-parse-equivalence.mjs [folders…]                    # this dist, fast paths on vs off
//   node scripts/check-parse-equivalence.mjs --reference DIST [folders…]   # this dist vs another build (e.g. main's)
//
// The first form compares parsing with the reference path of the same build (fast-paths.ts); the second also
// covers decoding, against the code before the change. Needs dist/ (npm run build). Prints one JSON line and
// the first differences; exits 1 if any document differs.
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const referenceIndex = args.indexOf('--reference');
const referenceDist = referenceIndex === -1 ? undefined : resolve(args.splice(referenceIndex, 2)[1]);
const corpus = process.env.STORYFEED_CONFORMANCE_DIR ?? join(root, '..', 'shared', 'conformance', 'feedparser');
const folders = [...(existsSync(corpus) ? [corpus] : []), ...args.map((folder) => resolve(folder))];
if (folders.length === 0) {
  console.error(`no corpus at ${corpus} and no folders given`);
  process.exit(2);
}

const load = async (dist) => ({
  decodeBytes: (await import(join(dist, 'decode/decode-bytes.js'))).decodeBytes,
  parseFeed: (await import(join(dist, 'parse/parse-feed.js'))).parseFeed,
  setParseFastPaths: (await import(join(dist, 'parse/xml/fast-paths.js')).catch(() => ({}))).setParseFastPaths,
});
const current = await load(join(root, 'dist'));
const reference = referenceDist === undefined ? undefined : await load(referenceDist);
const { readCase } = await import(join(root, 'build', 'tools', 'conformance', 'run-conformance.js'));

/** Decode + parse with one build: the feed, or the error's class, code and message. */
function outcome(build, bytes, hints) {
  try {
    const decoded = build.decodeBytes(bytes, hints);
    try {
      return { decoded, feed: build.parseFeed(decoded.text) };
    } catch (error) {
      return { decoded, error: { name: error?.constructor?.name, code: error?.code, message: error?.message } };
    }
  } catch (error) {
    return { error: { name: error?.constructor?.name, message: error?.message } };
  }
}

const files = [];
const walk = (dir) => {
  for (const name of readdirSync(dir).sort()) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) walk(full);
    else if (/\.(xml|json|rdf|rss|atom)$/i.test(name)) files.push(full);
  }
};
for (const folder of folders) walk(folder);

let same = 0;
const differences = [];
for (const file of files) {
  const bytes = readFileSync(file);
  const contentType = readCase(file, bytes).headers['content-type'];
  const hints = contentType === undefined ? {} : { contentType };
  const fast = outcome(current, bytes, hints);
  let slow;
  if (reference !== undefined) slow = outcome(reference, bytes, hints);
  else {
    const previous = current.setParseFastPaths(false);
    try {
      slow = outcome(current, bytes, hints);
    } finally {
      current.setParseFastPaths(previous);
    }
  }
  if (isDeepStrictEqual(fast, slow)) same++;
  else differences.push(file);
}
console.log(JSON.stringify({ reference: referenceDist ?? 'fast paths off', folders, documents: files.length, same, different: differences.length }));
for (const file of differences.slice(0, 20)) console.log(`  differs: ${file}`);
process.exitCode = differences.length > 0 ? 1 : 0;
