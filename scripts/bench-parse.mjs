#!/usr/bin/env node
// decode + parse alone (not a test): decodeBytes + parseFeed over every document of a bench corpus, by format,
// as the bench's parse comparison runs them (issue #7). Run it under `node --cpu-prof` to profile the parse stage.
//
//   npm run bench -- --size medium --runs 1 --keep     # leaves the corpus in /tmp/storyfeed-bench-medium-…/corpus
//   node scripts/bench-parse.mjs /tmp/storyfeed-bench-medium-…/corpus [passes] [dist dir] [--no-floor] [--format rss|atom|rdf|json] [--docs N]
//
// passes: timed passes after one warm-up (default 5). dist dir: the build to time (default ./dist; another
// checkout's dist compares before and after). Prints one JSON line: documents, items and the median ms per
// pass of each format, with the floor's (a bare fast-xml-parser parse, JSON.parse for JSON Feed; left out with
// --no-floor) and our ratio to it, and the CPU seconds of the whole run. --format: that format's documents only;
// --docs N: the first N of each format (the bench's comparison takes 12, too few passes for the JIT to warm up).
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const args = process.argv.slice(2);
const withFloor = !args.includes('--no-floor');
const formatIndex = args.indexOf('--format');
const onlyFormat = formatIndex === -1 ? undefined : args.splice(formatIndex, 2)[1];
const docsIndex = args.indexOf('--docs');
const docsPerFormat = docsIndex === -1 ? Infinity : Number(args.splice(docsIndex, 2)[1]);
const [corpusDir, passesArg = '5', distArg] = args.filter((arg) => arg !== '--no-floor');
if (!corpusDir) {
  console.error('usage: node scripts/bench-parse.mjs <corpus dir with manifest.json> [passes] [dist dir] [--no-floor] [--format F] [--docs N]');
  process.exit(2);
}
const dist = distArg ? resolve(distArg) : join(resolve(dirname(fileURLToPath(import.meta.url)), '..'), 'dist');
const { decodeBytes } = await import(join(dist, 'decode/decode-bytes.js'));
const { parseFeed } = await import(join(dist, 'parse/parse-feed.js'));

const manifest = JSON.parse(readFileSync(join(corpusDir, 'manifest.json'), 'utf8'));
const byFormat = new Map();
for (const source of manifest.sources) {
  if (onlyFormat !== undefined && source.format !== onlyFormat) continue;
  if ((byFormat.get(source.format)?.length ?? 0) >= docsPerFormat) continue;
  const file = join(corpusDir, 'feeds', source.file.split('/').pop());
  if (!byFormat.has(source.format)) byFormat.set(source.format, []);
  const bytes = readFileSync(file);
  byFormat.get(source.format).push({ bytes, text: bytes.toString('utf8') });
}
const { XMLParser } = await import('fast-xml-parser');
const floorParser = new XMLParser({ ignoreAttributes: false });
// The floor, as in tools/bench/compare-parsers.ts: a bare fast-xml-parser parse (JSON.parse for JSON Feed) of the
// text, decoded beforehand (ours includes decoding the bytes).
const floor = (format, text) => (format === 'json' ? JSON.parse(text) : floorParser.parse(text));
const contentType = (format) => (format === 'json' ? 'application/feed+json; charset=utf-8' : 'application/xml; charset=utf-8');
const passes = Number(passesArg);
const result = { dist, passes, formats: {} };
const cpu0 = process.cpuUsage();
for (const [format, docs] of byFormat) {
  let items = 0;
  const times = [];
  const floorTimes = [];
  // Interleaved with the floor, one warm-up pass each, so machine noise hits both alike.
  for (let pass = -1; pass < passes; pass++) {
    let t0 = performance.now();
    let n = 0;
    for (const { bytes } of docs) n += parseFeed(decodeBytes(bytes, { contentType: contentType(format) }).text).entries.length;
    if (pass >= 0) times.push(performance.now() - t0);
    items = n;
    if (!withFloor) continue;
    t0 = performance.now();
    for (const { text } of docs) floor(format, text);
    if (pass >= 0) floorTimes.push(performance.now() - t0);
  }
  const ours = median(times);
  result.formats[format] = { docs: docs.length, items, medianMs: round(ours), msPerDoc: round(ours / docs.length, 100) };
  if (withFloor) Object.assign(result.formats[format], { floorMs: round(median(floorTimes)), ratio: round(ours / median(floorTimes), 100) });
}
const cpu = process.cpuUsage(cpu0);
result.cpuSeconds = Math.round(((cpu.user + cpu.system) / 1e6) * 100) / 100;
console.log(JSON.stringify(result));

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

function round(x, scale = 10) {
  return Math.round(x * scale) / scale;
}
