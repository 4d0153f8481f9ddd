import { readFileSync } from 'node:fs';
import { XMLParser } from 'fast-xml-parser';

// The peer race's bare-parse floor (issue #16): one process that reads every corpus file and parses it with
// fast-xml-parser's `new XMLParser({ ignoreAttributes: false }).parse`, nothing else — no decoding rules, no
// normalisation, no store. peer-race.ts runs it under /usr/bin/time like the two tools.
// Usage: node build/tools/bench/race-floor.js FILE... ; prints {"files","items","bytes","parseMs"} as JSON on stdout.

/** Returns the number of entries of a parsed RSS 2.0, Atom or RSS 1.0 (RDF) document (0 for anything else). */
export function countEntries(doc: unknown): number {
  const d = doc as Record<string, Record<string, unknown> | undefined>;
  const many = (x: unknown) => (Array.isArray(x) ? x.length : x === undefined ? 0 : 1);
  const channel = d.rss?.channel as Record<string, unknown> | undefined;
  if (channel) return many(channel.item);
  if (d.feed) return many(d.feed.entry);
  if (d['rdf:RDF']) return many(d['rdf:RDF'].item);
  return 0;
}

function main(files: string[]): void {
  const t0 = performance.now();
  let items = 0;
  let bytes = 0;
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    bytes += text.length;
    items += countEntries(new XMLParser({ ignoreAttributes: false }).parse(text));
  }
  process.stdout.write(`${JSON.stringify({ files: files.length, items, bytes, parseMs: performance.now() - t0 })}\n`);
}

if (process.argv[1]?.endsWith('race-floor.js')) main(process.argv.slice(2));
