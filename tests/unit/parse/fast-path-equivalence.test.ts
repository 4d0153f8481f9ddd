import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { readCase } from '../../../tools/conformance/run-conformance.js';
import { decodeBytes } from '../../../src/decode/decode-bytes.js';
import { setParseFastPaths } from '../../../src/parse/xml/fast-paths.js';
import { parseFeed } from '../../../src/parse/parse-feed.js';
import { readXmlTreeWithParser } from '../../../src/parse/xml/read-xml-tree.js';
import { scanXmlTree } from '../../../src/parse/xml/scan-xml-tree.js';
import { plainTree } from '../../support/plain-tree.js';
import { skipReason, withSkipReason } from '../../support/skip-reason.js';

// The parse stage's fast paths (fast-paths.ts: scan-xml-tree.ts instead of htmlparser2, pre-checks before
// whole-document regexes) must give exactly what the reference path gives, on every document we have: the
// conformance corpus (read in place from ../shared, skipped when absent), our fixtures, and seeded mutations
// of both (stray `<`, `&`, quotes, comments, CDATA, prefixes, truncations) that reach the odd corners.

const root = fileURLToPath(new URL('../../../', import.meta.url));
const corpus = join(root, '..', 'shared', 'conformance', 'feedparser');
const fixtures = join(root, 'tests', 'fixtures', 'parse');

function listFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) out.push(...listFiles(full));
    else if (/\.(xml|json|rdf|rss|atom|html)$/i.test(name)) out.push(full);
  }
  return out;
}

/** The document's text, decoded as the conformance harness decodes it (with its Content-Type header, if any). */
function readText(file: string): string {
  const bytes = readFileSync(file);
  const contentType = readCase(file, bytes).headers['content-type'];
  return decodeBytes(bytes, contentType === undefined ? {} : { contentType }).text;
}

/** parseFeed's result, or its error's class, code and message. */
function outcome(text: string): unknown {
  try {
    return parseFeed(text);
  } catch (error) {
    return { error: error instanceof Error ? error.constructor.name : String(error), code: (error as { code?: unknown }).code, message: (error as Error).message };
  }
}

/** The documents (by name) whose parse differs with and without the fast paths. */
function parseMismatches(documents: [name: string, text: string][]): string[] {
  return documents.filter(([, text]) => {
    const fast = outcome(text);
    setParseFastPaths(false);
    const reference = outcome(text);
    setParseFastPaths(true);
    return !isDeepStrictEqual(fast, reference);
  }).map(([name]) => name);
}

/** The documents the scanner reads (it may give up) whose tree differs from htmlparser2's; and how many it read. */
function treeMismatches(documents: [name: string, text: string][]): { read: number; mismatches: string[] } {
  let read = 0;
  const mismatches: string[] = [];
  for (const [name, text] of documents) {
    const scanned = scanXmlTree(text);
    if (scanned === undefined) continue;
    read++;
    if (!isDeepStrictEqual(plainTree(scanned.root), plainTree(readXmlTreeWithParser(text)))) mismatches.push(name);
  }
  return { read, mismatches };
}

/** A small deterministic PRNG (mulberry32), so a failing mutant can be found again. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let x = Math.imul(state ^ (state >>> 15), 1 | state);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

const PIECES = [
  '<', '>', '&', '"', "'", '/', ' ', '=', '!', '-', '[', ']', '?', ':', '\n', '\t', '&amp;', '&#38;', '&#x80;', '&lt;', '&lang;',
  '<!--', '-->', '<![CDATA[', ']]>', '<?', '?>', '</', '/>', '<b/>', '<a:b>', '</a:b>', 'xmlns:a="u"', ' xml:lang=""', ' a="1" a="2"',
  '<body>', '</body>', '<fullitem>', '</fullitem>', ' mode="base64"', '<!DOCTYPE rss>', '<item>', '</item>', '<entry>', '</entry>',
  '<r:rss xmlns:r="http://backend.userland.com/rss2">', 'xmlns:svg="http://www.w3.org/2000/svg"', '<svg:circle/>',
  '<media:category xmlns:media="http://search.yahoo.com/mrss/">x</media:category>', '<dc:author>A</dc:author>', '<author>B &amp; C</author>',
];

/** Returns `count` mutations of the documents: 1–3 edits each (insert a piece, delete, or copy a slice), often at a markup boundary. */
function mutate(documents: string[], count: number, seed: number): [string, string][] {
  const next = random(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)]!;
  const out: [string, string][] = [];
  for (let n = 0; n < count; n++) {
    let text = pick(documents);
    if (next() < 0.5) text = text.replace(/>\s+</g, '><');
    const edits = 1 + Math.floor(next() * 3);
    for (let edit = 0; edit < edits; edit++) {
      let at = Math.floor(next() * text.length);
      if (next() < 0.5) {
        const boundary = text.indexOf(next() < 0.5 ? '<' : '>', at);
        if (boundary !== -1) at = boundary + (next() < 0.3 ? 1 : 0);
      }
      const kind = next();
      if (kind < 0.45) text = text.slice(0, at) + pick(PIECES) + text.slice(at);
      else if (kind < 0.75) text = text.slice(0, at) + text.slice(at + 1 + Math.floor(next() * 3));
      else {
        const from = Math.floor(next() * text.length);
        text = text.slice(0, at) + text.slice(from, from + Math.floor(next() * 20)) + text.slice(at);
      }
    }
    out.push([`mutant ${n} (seed ${seed})`, text]);
  }
  return out;
}

afterEach(() => {
  setParseFastPaths(true);
});

describe('fast paths: our fixtures', () => {
  const documents = listFiles(fixtures).map((file): [string, string] => [file, readText(file)]);

  it('parse every fixture exactly as the reference path does', () => {
    expect(documents.length).toBeGreaterThan(30);
    expect(parseMismatches(documents)).toEqual([]);
  });

  it('read the tree of nearly every fixture, as htmlparser2 does', () => {
    const { read, mismatches } = treeMismatches(documents);
    expect(mismatches).toEqual([]);
    expect(read).toBeGreaterThan(documents.length - 10);
  });

  it('parse 1,000 mutated fixtures exactly as the reference path does', () => {
    const mutants = mutate(documents.map(([, text]) => text), 1000, 7);
    expect(parseMismatches(mutants)).toEqual([]);
    expect(treeMismatches(mutants).mismatches).toEqual([]);
  });
});

describe.skipIf(!existsSync(corpus))(withSkipReason('fast paths: the conformance corpus (../shared)', skipReason(!existsSync(corpus), `no conformance corpus at ${corpus}`)), () => {
  const documents = existsSync(corpus) ? listFiles(corpus).map((file): [string, string] => [file.slice(corpus.length + 1), readText(file)]) : [];

  it('parse every corpus document exactly as the reference path does', () => {
    expect(documents.length).toBeGreaterThan(2000);
    expect(parseMismatches(documents)).toEqual([]);
  });

  it('read the tree of nearly every corpus document, as htmlparser2 does', () => {
    const { read, mismatches } = treeMismatches(documents);
    expect(mismatches).toEqual([]);
    expect(read).toBeGreaterThan(documents.length * 0.98);
  });

  it('parse 3,000 mutated corpus documents exactly as the reference path does', () => {
    const small = documents.map(([, text]) => text).filter((text) => text.length < 6000);
    const mutants = mutate(small, 3000, 11);
    expect(parseMismatches(mutants)).toEqual([]);
    expect(treeMismatches(mutants).mismatches).toEqual([]);
  });
});
