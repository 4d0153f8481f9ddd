// decode + parse alone (not a test): decodeBytes + parseFeed over every document of a bench corpus, by format, as the
// bench's parse comparison runs them (issue #7). Run it under `node --cpu-prof` to profile the parse stage.
//
//   npm run bench -- --size medium --runs 1 --keep     # leaves the corpus in /tmp/storyfeed-bench-medium-…/corpus
//   npm run --silent build:tools && node build/tools/bench/bench-parse.js /tmp/storyfeed-bench-medium-…/corpus [passes] [dist dir] [--no-floor] [--format rss|atom|rdf|json] [--docs N]
//
// passes: timed passes after one warm-up (default 5). dist dir: another build to time (another checkout's dist/
// compares before and after); it is data, loaded from the path given. Without it, this checkout's src/ is timed through
// ordinary imports. Prints one JSON line: documents, items and the median ms per pass of each format, with the floor's
// (a bare fast-xml-parser parse, JSON.parse for JSON Feed; left out with --no-floor) and our ratio to it, and the CPU
// seconds of the whole run. --format: that format's documents only; --docs N: the first N of each format (the bench's
// comparison takes 12, too few passes for the JIT to warm up).
import { XMLParser } from 'fast-xml-parser';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as decodeModule from '../../src/decode/decode-bytes.js';
import * as parseModule from '../../src/parse/parse-feed.js';
import type { CorpusManifest } from './generate-corpus.js';
import { median } from './median.js';

interface FormatResult {
  docs: number;
  items: number;
  medianMs: number;
  msPerDoc: number;
  floorMs?: number;
  ratio?: number;
}

const args = process.argv.slice(2);
const withFloor = !args.includes('--no-floor');
const formatIndex = args.indexOf('--format');
const onlyFormat = formatIndex === -1 ? undefined : args.splice(formatIndex, 2)[1];
const docsIndex = args.indexOf('--docs');
const docsPerFormat = docsIndex === -1 ? Number.POSITIVE_INFINITY : Number(args.splice(docsIndex, 2)[1]);
const [corpusDir, passesArg = '5', distArg] = args.filter((arg) => arg !== '--no-floor');
if (!corpusDir) {
  console.error(
    'usage: node build/tools/bench/bench-parse.js <corpus dir with manifest.json> [passes] [dist dir] [--no-floor] [--format F] [--docs N]',
  );
  process.exit(2);
}
const other = async <T>(dist: string, path: string): Promise<T> =>
  (await import(pathToFileURL(join(dist, path)).href)) as T;
const dist = distArg === undefined ? 'this checkout (src/)' : resolve(distArg);
// Another build is assumed to keep these names; it is loaded, never type-checked.
const { decodeBytes } =
  distArg === undefined ? decodeModule : await other<typeof decodeModule>(dist, 'decode/decode-bytes.js');
const { parseFeed } =
  distArg === undefined ? parseModule : await other<typeof parseModule>(dist, 'parse/parse-feed.js');

const manifest = JSON.parse(readFileSync(join(corpusDir, 'manifest.json'), 'utf8')) as CorpusManifest;
const byFormat = new Map<string, { bytes: Buffer; text: string }[]>();
for (const source of manifest.sources) {
  if (onlyFormat !== undefined && source.format !== onlyFormat) continue;
  if ((byFormat.get(source.format)?.length ?? 0) >= docsPerFormat) continue;
  const file = join(corpusDir, 'feeds', source.file.split('/').pop() ?? '');
  let docs = byFormat.get(source.format);
  if (docs === undefined) byFormat.set(source.format, (docs = []));
  const bytes = readFileSync(file);
  docs.push({ bytes, text: bytes.toString('utf8') });
}
const floorParser = new XMLParser({ ignoreAttributes: false });
// The floor, as in tools/bench/compare-parsers.ts: a bare fast-xml-parser parse (JSON.parse for JSON Feed) of the
// text, decoded beforehand (ours includes decoding the bytes).
const floor = (format: string, text: string): unknown =>
  format === 'json' ? JSON.parse(text) : floorParser.parse(text);
const contentType = (format: string): string =>
  format === 'json' ? 'application/feed+json; charset=utf-8' : 'application/xml; charset=utf-8';
const passes = Number(passesArg);
const result: { dist: string; passes: number; formats: Record<string, FormatResult>; cpuSeconds?: number } = {
  dist,
  passes,
  formats: {},
};
const cpu0 = process.cpuUsage();
for (const [format, docs] of byFormat) {
  let items = 0;
  const times: number[] = [];
  const floorTimes: number[] = [];
  // Interleaved with the floor, one warm-up pass each, so machine noise hits both alike.
  for (let pass = -1; pass < passes; pass++) {
    let t0 = performance.now();
    let n = 0;
    for (const { bytes } of docs)
      n += parseFeed(decodeBytes(bytes, { contentType: contentType(format) }).text).entries.length;
    if (pass >= 0) times.push(performance.now() - t0);
    items = n;
    if (!withFloor) continue;
    t0 = performance.now();
    for (const { text } of docs) floor(format, text);
    if (pass >= 0) floorTimes.push(performance.now() - t0);
  }
  const ours = median(times);
  const row: FormatResult = {
    docs: docs.length,
    items,
    medianMs: round(ours),
    msPerDoc: round(ours / docs.length, 100),
  };
  if (withFloor)
    Object.assign(row, { floorMs: round(median(floorTimes)), ratio: round(ours / median(floorTimes), 100) });
  result.formats[format] = row;
}
const cpu = process.cpuUsage(cpu0);
result.cpuSeconds = Math.round(((cpu.user + cpu.system) / 1e6) * 100) / 100;
console.log(JSON.stringify(result));

function round(x: number, scale = 10): number {
  return Math.round(x * scale) / scale;
}
