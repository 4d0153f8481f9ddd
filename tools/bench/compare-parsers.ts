import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { decodeBytes } from '../../src/decode/decode-bytes.js';
import { normalizeFeed } from '../../src/normalize/normalize-feed.js';
import { parseFeed } from '../../src/parse/parse-feed.js';
import { readDocument } from '../../src/pipeline/read-document.js';
import type { BenchFormat, CorpusManifest } from './generate-corpus.js';
import { repoRoot } from '../repo-root.js';

// Side by side on the same documents: our decode + parse + normalize (and decode + parse alone) against
// rss-parser's parseString (xml2js underneath; RSS/Atom/RDF only) and a bare fast-xml-parser parse, the
// floor for turning XML text into objects in JS (JSON.parse plays that part for JSON Feed). Ours is timed two
// ways: with the full normalisation (`storyfeed parse`: every content's HTML sanitised) and as a run reads a
// document (read-document.ts: the same fields but no HTML, nothing sanitised).

/** ours: decode + parse + full normalize; oursRun: readDocument, what a run does; oursParseOnly: decode + parse. */
export type ParserName = 'ours' | 'oursRun' | 'oursParseOnly' | 'rssParser' | 'floor';

/** Median milliseconds per pass over the sample, by format and parser (null: the parser cannot read the format or is not installed). */
export interface ParseComparison {
  docs: Record<BenchFormat, number>;
  items: Record<BenchFormat, number>;
  bytes: Record<BenchFormat, number>;
  medianMs: Record<BenchFormat, Record<ParserName, number | null>>;
  passes: number;
  rssParserVersion: string | null;
  fastXmlParserVersion: string | null;
}

type Parse = (text: string, bytes: Buffer, format: BenchFormat) => unknown;

/** Returns the median time per pass of each parser over up to `docsPerFormat` documents of each format. */
export async function compareParsers(manifestPath: string, docsPerFormat: number, passes: number): Promise<ParseComparison> {
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as CorpusManifest;
  const formats: BenchFormat[] = ['rss', 'atom', 'rdf', 'json'];
  const sample = new Map<BenchFormat, { id: string; bytes: Buffer; text: string }[]>(formats.map((f) => [f, []]));
  for (const s of manifest.sources) {
    const list = sample.get(s.format)!;
    if (list.length >= docsPerFormat) continue;
    const bytes = readFileSync(s.file);
    list.push({ id: s.id, bytes, text: bytes.toString('utf8') });
  }

  const fetchedAt = '2025-06-02T00:00:00.000Z';
  const ours: Parse = (_text, bytes, format) => {
    const decoded = decodeBytes(bytes, { contentType: format === 'json' ? 'application/feed+json; charset=utf-8' : 'application/xml; charset=utf-8' });
    const feed = parseFeed(decoded.text);
    return normalizeFeed(feed, { id: 'bench', name: 'Bench', url: 'http://127.0.0.1/feed' }, { fetchedAt, baseUrl: 'http://127.0.0.1/feed' }).items.length;
  };
  const oursRun: Parse = (_text, bytes, format) => {
    const result = readDocument({
      body: bytes,
      contentType: format === 'json' ? 'application/feed+json; charset=utf-8' : 'application/xml; charset=utf-8',
      source: { id: 'bench', name: 'Bench', url: 'http://127.0.0.1/feed' },
      context: { fetchedAt, baseUrl: 'http://127.0.0.1/feed' },
    });
    if (!result.ok) throw new Error(`readDocument failed on a bench document: ${result.error.message}`);
    return result.items.length;
  };
  const oursParseOnly: Parse = (_text, bytes, format) =>
    parseFeed(decodeBytes(bytes, { contentType: format === 'json' ? 'application/feed+json; charset=utf-8' : 'application/xml; charset=utf-8' }).text).entries.length;

  let rssParser: ((text: string) => Promise<unknown>) | null = null;
  let rssParserVersion: string | null = null;
  try {
    const mod = (await import('rss-parser')) as unknown as { default: new () => { parseString(xml: string): Promise<unknown> } };
    const parser = new mod.default();
    rssParser = (text) => parser.parseString(text);
    rssParserVersion = packageVersion('rss-parser');
  } catch {
    rssParser = null; // a devDependency: absent after `npm ci --omit=dev`; the column reads "n/a"
  }
  let fxp: ((text: string) => unknown) | null = null;
  let fastXmlParserVersion: string | null = null;
  try {
    const { XMLParser } = await import('fast-xml-parser');
    const parser = new XMLParser({ ignoreAttributes: false });
    fxp = (text) => parser.parse(text);
    fastXmlParserVersion = packageVersion('fast-xml-parser');
  } catch {
    fxp = null; // a devDependency, as above
  }

  const result: ParseComparison = {
    docs: record(formats, (f) => sample.get(f)!.length),
    items: record(formats, () => 0),
    bytes: record(formats, (f) => sample.get(f)!.reduce((n, d) => n + d.bytes.length, 0)),
    medianMs: record(formats, () => ({ ours: null, oursRun: null, oursParseOnly: null, rssParser: null, floor: null })),
    passes,
    rssParserVersion,
    fastXmlParserVersion,
  };
  for (const f of formats) {
    const docs = sample.get(f)!;
    for (const d of docs) result.items[f] += ours(d.text, d.bytes, f) as number;
    const runners: [ParserName, (d: { text: string; bytes: Buffer }) => unknown][] = [
      ['ours', (d) => ours(d.text, d.bytes, f)],
      ['oursRun', (d) => oursRun(d.text, d.bytes, f)],
      ['oursParseOnly', (d) => oursParseOnly(d.text, d.bytes, f)],
    ];
    if (f !== 'json' && rssParser) runners.push(['rssParser', (d) => rssParser(d.text)]);
    if (f === 'json') runners.push(['floor', (d) => JSON.parse(d.text)]);
    else if (fxp) runners.push(['floor', (d) => fxp(d.text)]);
    const times = new Map<ParserName, number[]>(runners.map(([n]) => [n, []]));
    // One warm-up pass each (JIT), then interleaved passes so machine noise hits every parser alike.
    for (let pass = -1; pass < passes; pass++) {
      for (const [name, run] of runners) {
        const t0 = performance.now();
        for (const d of docs) await run(d);
        if (pass >= 0) times.get(name)!.push(performance.now() - t0);
      }
    }
    for (const [name, ts] of times) result.medianMs[f][name] = median(ts);
  }
  return result;
}

/** Returns the median of the numbers (the mean of the middle two for an even count). */
export function median(xs: readonly number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

function record<V>(formats: readonly BenchFormat[], value: (f: BenchFormat) => V): Record<BenchFormat, V> {
  return Object.fromEntries(formats.map((f) => [f, value(f)])) as Record<BenchFormat, V>;
}

function packageVersion(name: string): string | null {
  try {
    const url = join(repoRoot(), 'node_modules', name, 'package.json');
    return (JSON.parse(readFileSync(url, 'utf8')) as { version: string }).version;
  } catch {
    return null; // the version is only printed
  }
}
