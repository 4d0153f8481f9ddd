#!/usr/bin/env node
// The read phase alone (not a test): fetch → decode → parse → normalize → store of a bench corpus served over
// loopback, as runOnce does it (each source stored as it settles, one transaction), without clustering, so its
// time and peak memory are the read phase's. Issue #7.
//
//   npm run bench -- --size medium --runs 1 --keep     # leaves the corpus in /tmp/storyfeed-bench-medium-…/corpus
//   node scripts/bench-read.mjs /tmp/storyfeed-bench-medium-…/corpus [threads]
//
// threads: worker threads for decode/parse/normalize (read-pool.ts; default 0 = the main thread).
// Needs dist/ (npm run build). Prints one JSON line: wall and CPU seconds, Σ parse/normalize over sources,
// store seconds, peak RSS.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
const { serveCorpus } = await import(join(root, 'build', 'tools', 'bench', 'serve-corpus.js'));
const { readSources } = await import(join(dist, 'pipeline/refresh-source.js'));
const { createDocumentReader } = await import(join(dist, 'pipeline/read-pool.js'));
const { openStore } = await import(join(dist, 'store/open-store.js'));
const { silentLogger } = await import(join(dist, 'lib/logger.js'));

const [corpusDir, threadsArg = '0'] = process.argv.slice(2);
if (!corpusDir) {
  console.error('usage: node scripts/bench-read.mjs <corpus dir with manifest.json> [threads]');
  process.exit(2);
}
const manifest = JSON.parse(readFileSync(join(corpusDir, 'manifest.json'), 'utf8'));
const server = await serveCorpus(manifest, { distinctHosts: true });
const sources = manifest.sources.map((s) => ({ id: s.id, name: s.name, url: server.urls.get(s.id), priority: 0 }));
const dir = mkdtempSync(join(tmpdir(), 'storyfeed-bench-read-'));
const store = openStore(join(dir, 'state.db'), sources);
const reader = createDocumentReader(Number(threadsArg));
const fetchedAt = '2025-06-02T00:00:00.000Z';
const cpu0 = process.cpuUsage();
const t0 = performance.now();
let stored = 0;
let storeMs = 0;
store.begin();
const results = await readSources(
  sources,
  () => null,
  // The bench's config (run-bench.ts): 8 in flight, one source per loopback address, default politeness.
  { concurrency: 8, perHostConcurrency: 1, hostSpacingMs: 250, timeoutMs: 60_000, maxBytes: 50e6, userAgent: 'storyfeed-bench', runBudgetMs: 3_600_000 },
  {
    logger: silentLogger,
    fetchedAt,
    reader,
    onResult: (result) => {
      const t = performance.now();
      stored += store.upsertItems(result.items, fetchedAt).inserted.length;
      result.items = [];
      storeMs += performance.now() - t;
    },
  },
);
store.commit();
await reader.close();
const wallMs = performance.now() - t0;
const cpu = process.cpuUsage(cpu0);
const sum = (key) => results.reduce((t, r) => t + r.timings[key], 0) / 1000;
const s1 = (x) => Math.round(x * 10) / 10;
console.log(
  JSON.stringify({
    sources: sources.length,
    threads: Number(threadsArg),
    stored,
    failed: results.filter((r) => r.outcome.status !== 'ok').length,
    wallS: s1(wallMs / 1000),
    cpuS: s1((cpu.user + cpu.system) / 1e6),
    parseSumS: s1(sum('parseMs')),
    normalizeSumS: s1(sum('normalizeMs')),
    storeS: s1(storeMs / 1000),
    maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
  }),
);
store.close();
await server.close();
rmSync(dir, { recursive: true, force: true });
