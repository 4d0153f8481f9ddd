// `npm run conformance`: runs feedparser's test corpus (../shared/conformance/feedparser) through the real
// decode → parse → normalize path (describeFeed, the code `storyfeed parse` and read-source.ts use) and
// reports, per folder, how many `Expect:` assertions pass, fail, or are not applicable (the field is not in
// our model; see feedparser-view.ts for the mapping table). `--check` compares the pass counts with
// conformance-floors.json and exits 1 if any row fell below its floor, or if any unsafe markup survived
// sanitising; `--update-floors` raises the floors to the counts reached (never lowers them).
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describeFeed, type FeedReport } from '../../src/cli/commands/parse-command.js';
import { decodeBytes, findEncodingWarning } from '../../src/decode/decode-bytes.js';
import { encodingForLabel } from '../../src/decode/encoding-for-label.js';
import { ParseError } from '../../src/lib/errors.js';
import { parseFeed } from '../../src/parse/parse-feed.js';
import { NotApplicable, feedparserView, type DocumentResult } from './feedparser-view.js';
import { Unsupported, evaluate, parseExpr } from './python-expr.js';
import { findUnsafeMarkup } from './unsafe-markup.js';
import { repoRoot } from '../repo-root.js';

/** Where feedparser's own test server served the corpus; relative references in the expectations resolve against it. */
const DOCUMENT_URL_PREFIX = 'http://127.0.0.1:8097/tests/';
/** A fixed fetch time, so undated items are dated deterministically. */
const FETCHED_AT = '2000-01-01T00:00:00.000Z';

/**
 * Failures we keep on purpose: storyfeed follows a newer standard or a stricter safety rule than feedparser.
 * They still count as failed; the report lists them apart, with the reason.
 */
export const DELIBERATE_FAILURES: readonly { pattern: RegExp; reason: string }[] = [
  { pattern: /^encoding\/http_text_(?:xml|atom_xml|rss_xml)_(?:default|bogus_charset|bogus_param|epe_default|qs)\.xml$/, reason: 'text/* XML without a usable charset is UTF-8 (RFC 7303 §3), not us-ascii (RFC 3023)' },
  { pattern: /^encoding\/http_application_atom_xml_gb2312_/, reason: 'gb2312 is decoded as GBK (WHATWG Encoding Standard), feedparser says gb18030' },
  { pattern: /^wellformed\/sanitize\/acceptable_element_form\.xml$/, reason: 'sanitizer: <form> is removed (an active element), feedparser keeps it' },
  { pattern: /^wellformed\/sanitize\/acceptable_attribute_class\.xml$/, reason: 'sanitize-html drops an empty class attribute (not configurable); harmless' },
  { pattern: /^wellformed\/base\/http_(?:entry|feed)_id_base_(?:docuri|content_location)\.xml$/, reason: 'an id is an identifier, kept as written: a relative atom:id is not resolved against the base (that would change item identity)' },
  { pattern: /^wellformed\/rss\/entity_in_doctype\.xml$/, reason: 'no DTD is read (billion-laughs and external-entity hardening), so an entity the DOCTYPE declares is never defined' },
  { pattern: /^wellformed\/namespace\/rss2\.0(?:svg|svg5|svgtitle|xlink)\.xml$/, reason: 'escaped SVG: `<circle/>` is self-closing in HTML foreign content, so we write </circle>; feedparser (sgmllib) leaves it unclosed' },
];

/** Returns the reason a failing file is a deliberate difference, if it is one. */
export function deliberateReason(file: string): string | undefined {
  return DELIBERATE_FAILURES.find(({ pattern }) => pattern.test(file))?.reason;
}

/** One corpus file's header comment. */
export interface CorpusCase {
  file: string;
  description: string;
  expect: string;
  headers: Record<string, string>;
  skipUnless: string | undefined;
  /** Microsoft CDF (root element <CHANNEL>): a format our model has no FeedFormat for, so its assertions are n.a. */
  cdf: boolean;
}

/** A document whose root element, after the prolog and comments, is CDF's <CHANNEL>. */
const CDF_ROOT = /^\uFEFF?(?:\s+|<\?[\s\S]*?\?>|<!--[\s\S]*?-->|<!DOCTYPE[^>]*>)*<CHANNEL[\s>]/;

export type Outcome = 'passed' | 'failed' | 'na';

export interface CaseResult {
  file: string;
  row: string;
  outcome: Outcome;
  reason?: string;
  ms: number;
  unsafe: string[];
}

/** Returns the header comment of a corpus file (decoded by its own BOM / NUL pattern, independently of decodeBytes). */
export function readCase(file: string, bytes: Uint8Array): CorpusCase {
  const text = headerText(bytes);
  // JSON has no comments: the JSON Feed case carries its header in a "__TEST__" string, on one line.
  const jsonHeader = /"__TEST__"\s*:\s*"([^"]*?)\s*(?:-->)?"/.exec(text)?.[1]?.replace(/\s+(Expect|Header|SkipUnless):/g, '\n$1:');
  const comment = /<!--([\s\S]*?)-->/.exec(text)?.[1] ?? jsonHeader ?? '';
  const field = (name: string): string[] => [...comment.matchAll(new RegExp(`^\\s*${name}:[ \\t]*(.*)$`, 'gm'))].map((m) => (m[1] ?? '').trim());
  const headers: Record<string, string> = {};
  for (const line of field('Header')) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { file, description: field('Description')[0] ?? '', expect: field('Expect')[0] ?? '', headers, skipUnless: field('SkipUnless')[0], cdf: CDF_ROOT.test(text) };
}

function headerText(bytes: Uint8Array): string {
  const b = Buffer.from(bytes);
  const utf32 = (littleEndian: boolean, from: number): string => {
    let out = '';
    for (let i = from; i + 3 < b.length && out.length < 4000; i += 4) out += String.fromCodePoint(littleEndian ? b.readUInt32LE(i) : b.readUInt32BE(i));
    return out;
  };
  if (b[0] === 0 && b[1] === 0) return utf32(false, b[2] === 0xfe ? 4 : 0);
  if (b[2] === 0 && b[3] === 0 && b[1] !== 0 && b[0] !== 0xff) return utf32(true, 0);
  if (b[0] === 0xff && b[1] === 0xfe && b[2] === 0 && b[3] === 0) return utf32(true, 4);
  if (b[0] === 0xfe && b[1] === 0xff) return new TextDecoder('utf-16be').decode(b.subarray(2));
  if (b[0] === 0xff && b[1] === 0xfe) return new TextDecoder('utf-16le').decode(b.subarray(2));
  if (b[0] === 0 && b[1] !== 0) return new TextDecoder('utf-16be').decode(b);
  if (b[0] !== 0 && b[1] === 0) return new TextDecoder('utf-16le').decode(b);
  return new TextDecoder('utf-8').decode(b);
}

/** Returns the report row of a corpus file: its top folder, with wellformed/ split into sanitize, HTTP-header files and the rest. */
export function rowOf(relativePath: string, corpusCase: CorpusCase): string {
  const parts = relativePath.split('/');
  const top = parts[0] ?? '';
  if (top !== 'wellformed') return top;
  if (parts[1] === 'sanitize') return 'wellformed/sanitize';
  if (Object.keys(corpusCase.headers).length > 0) return 'wellformed (HTTP headers)';
  return 'wellformed';
}

// SkipUnless names a Python module or codec; we run the case when we have the equivalent.
function skipReason(skipUnless: string | undefined): string | undefined {
  if (skipUnless === undefined) return undefined;
  if (/__import__\('chardet'\)/.test(skipUnless)) return 'SkipUnless chardet (statistical charset detection, which decodeBytes does not do)';
  const codec = /lookup\('([^']+)'\)/.exec(skipUnless)?.[1];
  if (codec !== undefined && encodingForLabel(codec) === undefined) return `SkipUnless codec ${codec} (not a supported encoding)`;
  return undefined;
}

/** Returns the result of running one corpus file through describeFeed. */
export function runDocument(bytes: Uint8Array, corpusCase: CorpusCase, relativePath: string): { result: DocumentResult; ms: number; parseMs: number } {
  const documentUrl = DOCUMENT_URL_PREFIX + relativePath;
  const contentType = corpusCase.headers['content-type'];
  const started = performance.now();
  let report: FeedReport | null = null;
  let error: unknown = null;
  try {
    const { 'content-location': contentLocation, 'content-language': contentLanguage } = corpusCase.headers;
    report = describeFeed(bytes, {
      url: documentUrl,
      ...(contentType !== undefined ? { contentType } : {}),
      ...(contentLocation !== undefined ? { contentLocation } : {}),
      ...(contentLanguage !== undefined ? { contentLanguage } : {}),
      fetchedAt: FETCHED_AT,
    });
  } catch (caught) {
    error = caught;
  }
  const ms = performance.now() - started;
  const parseStarted = performance.now();
  try {
    parseFeed(decodeBytes(bytes, contentType !== undefined ? { contentType } : {}).text);
  } catch {
    // Only timed here; the error itself is the one describeFeed reported above.
  }
  const parseMs = performance.now() - parseStarted;
  const hints = contentType !== undefined ? { contentType } : {};
  const encoding = report?.decoded.encoding ?? decodeBytes(bytes, hints).encoding;
  return { result: { report, error, encoding, encodingWarning: findEncodingWarning(bytes, hints), baseUrl: report?.baseUrl ?? documentUrl }, ms, parseMs };
}

/** Returns the outcome of one case: its Expect evaluated over our result, or n.a. with the reason. */
export function judgeCase(corpusCase: CorpusCase, result: DocumentResult): { outcome: Outcome; reason?: string } {
  const skip = skipReason(corpusCase.skipUnless);
  if (skip !== undefined) return { outcome: 'na', reason: skip };
  if (corpusCase.expect === '') return { outcome: 'na', reason: 'no Expect line' };
  if (corpusCase.cdf) return { outcome: 'na', reason: 'CDF document (FeedFormat has no CDF: storyfeed reads RSS, RDF, Atom and JSON Feed only)' };
  if (result.error !== null && !(result.error instanceof ParseError)) {
    return { outcome: 'failed', reason: `crash: ${result.error instanceof Error ? result.error.message : String(result.error)}` };
  }
  try {
    const passed = evaluate(parseExpr(corpusCase.expect), feedparserView(result));
    return passed ? { outcome: 'passed' } : { outcome: 'failed' };
  } catch (caught) {
    if (caught instanceof NotApplicable) return { outcome: 'na', reason: `no such field: ${caught.message}` };
    if (caught instanceof Unsupported) return { outcome: 'na', reason: `expression form: ${caught.message}` };
    throw caught;
  }
}

interface Row {
  passed: number;
  failed: number;
  na: number;
}

/** Returns every feed file under `dir`, sorted, as paths relative to it with `/` separators. */
export function listFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (current: string): void => {
    for (const name of readdirSync(current).sort()) {
      const full = join(current, name);
      if (statSync(full).isDirectory()) walk(full);
      else if (/\.(xml|json|rdf|rss|atom)$/i.test(name)) out.push(relative(dir, full).split(sep).join('/'));
    }
  };
  walk(dir);
  return out;
}

/** Returns what the model would show for an item's expected fields, for a failure line. */
function describeActual(report: FeedReport | null, error: unknown): string {
  if (report === null) return `error ${error instanceof ParseError ? error.code : String(error)}`;
  const item = report.items[0];
  const parts = [`feed.title=${JSON.stringify(report.feed.title)}`];
  if (report.parsed.recovered) parts.push('recovered');
  if (item !== undefined) parts.push(`title=${JSON.stringify(item.title)}`, `url=${JSON.stringify(item.url)}`, `summary=${JSON.stringify(item.summary.slice(0, 80))}`, `content=${JSON.stringify(item.contentHtml.slice(0, 120))}`);
  return parts.join(' ');
}

function main(argv: string[]): number {
  const root = repoRoot();
  const corpus = process.env['STORYFEED_CONFORMANCE_DIR'] ?? join(root, '..', 'shared', 'conformance', 'feedparser');
  const floorsPath = join(root, 'conformance-floors.json');
  const check = argv.includes('--check');
  const update = argv.includes('--update-floors');
  const verbose = argv.includes('--verbose');
  const only = argv.find((arg) => !arg.startsWith('--'));
  if (!existsSync(corpus)) {
    process.stdout.write(`conformance: skipped, corpus not found at ${corpus} (../shared is absent)\n`);
    return 0;
  }

  const rows = new Map<string, Row>();
  const naReasons = new Map<string, number>();
  const failures: string[] = [];
  const unsafe: string[] = [];
  let maxMs = 0;
  let maxFirstMs = 0;
  let deliberateCount = 0;
  let maxParseMs = 0;
  let maxParseFile = '';
  let maxFile = '';
  for (const file of listFiles(corpus)) {
    if (only !== undefined && !file.includes(only)) continue;
    const bytes = readFileSync(join(corpus, file));
    const corpusCase = readCase(file, bytes);
    const row = rowOf(file, corpusCase);
    const first = runDocument(bytes, corpusCase, file);
    const { result } = first;
    // The speed target is about the parser, not a GC pause or first-call JIT: best of two runs.
    const second = runDocument(bytes, corpusCase, file);
    const ms = Math.min(first.ms, second.ms);
    const parseMs = Math.min(first.parseMs, second.parseMs);
    if (parseMs > maxParseMs) {
      maxParseMs = parseMs;
      maxParseFile = file;
    }
    if (first.ms > maxFirstMs) maxFirstMs = first.ms;
    if (ms > maxMs) {
      maxMs = ms;
      maxFile = file;
    }
    // Safety holds for every document, whatever its assertion says: nothing active survives into an item.
    for (const problem of result.report === null ? [] : findUnsafeMarkup(result.report)) unsafe.push(`${file}: ${problem}`);
    const { outcome, reason } = judgeCase(corpusCase, result);
    const counts = rows.get(row) ?? { passed: 0, failed: 0, na: 0 };
    rows.set(row, counts);
    counts[outcome]++;
    if (outcome === 'na') naReasons.set(reason ?? '?', (naReasons.get(reason ?? '?') ?? 0) + 1);
    if (outcome === 'failed') {
      const deliberate = deliberateReason(file);
      if (deliberate !== undefined) deliberateCount++;
      const label = deliberate === undefined ? 'FAIL' : 'FAIL (deliberate)';
      failures.push(`  ${label} ${file}${reason ? ` (${reason})` : ''}${deliberate ? `\n       why:    ${deliberate}` : ''}\n       expect: ${corpusCase.expect}\n       got:    ${describeActual(result.report, result.error)}`);
    }
  }

  const out = (line: string): void => void process.stdout.write(`${line}\n`);
  if (failures.length > 0) {
    out(`failures (${failures.length}):`);
    for (const failure of failures) out(failure);
    out('');
  }
  const reasons = [...naReasons.entries()].sort((a, b) => b[1] - a[1]);
  const unsupportedCount = reasons.filter(([reason]) => reason.startsWith('expression form')).reduce((sum, [, count]) => sum + count, 0);
  out(`not applicable, by reason (${reasons.reduce((sum, [, count]) => sum + count, 0)}; expression forms the evaluator cannot handle: ${unsupportedCount}):`);
  for (const [reason, count] of verbose ? reasons : reasons.slice(0, 40)) out(`  ${String(count).padStart(4)}  ${reason}`);
  if (!verbose && reasons.length > 40) out(`  … ${reasons.length - 40} more reasons (--verbose)`);
  out('');
  out(`${'folder'.padEnd(28)} ${'passed'.padStart(7)} ${'failed'.padStart(7)} ${'n.a.'.padStart(7)} ${'pass %'.padStart(7)}`);
  let passed = 0;
  let failed = 0;
  let na = 0;
  for (const [name, counts] of [...rows.entries()].sort()) {
    passed += counts.passed;
    failed += counts.failed;
    na += counts.na;
    const applicable = counts.passed + counts.failed;
    const percent = applicable === 0 ? '-' : `${((100 * counts.passed) / applicable).toFixed(1)}`;
    out(`${name.padEnd(28)} ${String(counts.passed).padStart(7)} ${String(counts.failed).padStart(7)} ${String(counts.na).padStart(7)} ${percent.padStart(7)}`);
  }
  out('');
  out(`sanitize safety: ${unsafe.length === 0 ? 'ok, no unsafe markup in any item' : `${unsafe.length} UNSAFE`}`);
  for (const line of unsafe) out(`  UNSAFE ${line}`);
  out(`max parse time per document (parseFeed, best of 2): ${maxParseMs.toFixed(1)} ms (${maxParseFile})`);
  out(`max time per document (decode + parse + normalize, best of 2): ${maxMs.toFixed(1)} ms (${maxFile}); first-run max incl. warm-up/GC: ${maxFirstMs.toFixed(1)} ms`);

  let status = 0;
  const floors: Record<string, number> = existsSync(floorsPath) ? (JSON.parse(readFileSync(floorsPath, 'utf8')) as { passed: Record<string, number> }).passed : {};
  if (only === undefined) {
    for (const [name, floor] of Object.entries(floors)) {
      const reached = rows.get(name)?.passed ?? 0;
      if (reached < floor) {
        out(`floor breached: ${name} passed ${reached} < floor ${floor}`);
        if (check) status = 1;
      }
    }
    if (unsafe.length > 0 && check) status = 1;
    if (update) {
      const next: Record<string, number> = { ...floors };
      for (const [name, counts] of rows) next[name] = Math.max(next[name] ?? 0, counts.passed);
      writeFileSync(floorsPath, `${JSON.stringify({ comment: 'Pass counts per folder of npm run conformance; raised with --update-floors, never lowered.', passed: next }, null, 2)}\n`);
      out(`floors written to ${floorsPath}`);
    }
  }
  out(`conformance: ${passed} passed, ${failed} failed (${deliberateCount} deliberate, see DELIBERATE_FAILURES), ${na} not applicable`);
  return status;
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) process.exitCode = main(process.argv.slice(2));
