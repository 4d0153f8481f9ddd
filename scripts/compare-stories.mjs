#!/usr/bin/env node
// Whether two builds make the same stories (not a test): runs the whole pipeline (runOnce, a fixed clock) of
// each build on one bench corpus served over loopback, a cold run and then, unless --cold-only, a run of the
// corpus's changed variant (10 % of the sources with new items) on the store the cold run left; after each run
// it dumps the stories and their members (ids, representatives, dates, positions, scores, terms, retirements)
// from state.db and hashes the written feeds (feed.atom, feed.json, index.html), and compares the dumps.
// Also prints each run's wall and CPU seconds, cluster stage and peak RSS (one child process per run).
//
//   node scripts/compare-stories.mjs --corpus DIR|small|medium --dist A [--dist B] [--cold-only] [--save FILE] [--against FILE]
//
// --corpus: a kept bench corpus (the folder with manifest.json), or small / medium to generate one (dev-set text
//   when ../shared has it) in a temporary folder; --dist: a build (dist/ folder; e.g. of main: `git archive main |
//   tar -x -C /tmp/m && cd /tmp/m && ln -s …/node_modules && npx tsc -p tsconfig.build.json`); --save: write the
//   dumps (JSON) of the first --dist; --against: compare the (only) --dist with a saved dump instead. The feeds'
//   bytes depend on the served URLs (ports), so they are only compared between builds run in one invocation.
// Exit code 0: the same stories (and feeds); 1: they differ; 2: usage or a run failed.
import Database from 'better-sqlite3';
import { fork } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = fileURLToPath(import.meta.url);
const repoRoot = resolve(dirname(here), '..');
const NOW = '2025-06-02T00:00:00.000Z';

if (process.argv[2] === '--child') await child(JSON.parse(process.argv[3]));
else process.exitCode = await main(process.argv.slice(2));

/** One pipeline run of one build, in a fresh process: answers with its report and resource use. */
async function child({ dist, configPath }) {
  const load = (p) => import(pathToFileURL(join(dist, p)).href);
  const { loadConfig } = await load('config/load-config.js');
  // A build before the layout of issue #13 has dist/run.js; after it, dist/pipeline/run-once.js.
  const { runOnce } = await load('pipeline/run-once.js').catch(() => load('run.js'));
  const { silentLogger } = await load('lib/logger.js');
  const config = await loadConfig(configPath);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const report = await runOnce(config, { logger: silentLogger, progress: false, now: () => new Date(NOW) });
  const cpu = process.cpuUsage(cpu0);
  const answer = {
    wallS: (performance.now() - t0) / 1000,
    cpuS: (cpu.user + cpu.system) / 1e6,
    clusterS: (report.stageMs?.cluster ?? 0) / 1000,
    maxRssMb: process.resourceUsage().maxRSS / 1024,
    newItems: report.newItems,
    failed: report.sources.filter((s) => s.status === 'failed').length,
  };
  process.send(answer, () => process.exit(0));
}

function runChild(job) {
  return new Promise((resolvePromise, reject) => {
    const c = fork(here, ['--child', JSON.stringify(job)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    let answer;
    c.on('message', (m) => (answer = m));
    c.on('error', reject);
    c.on('exit', (code, signal) => (answer ? resolvePromise(answer) : reject(new Error(`run died (${signal ?? code})`))));
  });
}

async function main(argv) {
  const values = (name) => argv.flatMap((a, i) => (a === name && argv[i + 1] !== undefined ? [argv[i + 1]] : []));
  const corpusArg = values('--corpus')[0];
  const dists = values('--dist').map((d) => resolve(d));
  const save = values('--save')[0];
  const against = values('--against')[0];
  const steps = argv.includes('--cold-only') ? ['cold'] : ['cold', 'changed'];
  if (!corpusArg || dists.length === 0 || dists.length > 2 || (against && dists.length !== 1)) {
    console.error('usage: node scripts/compare-stories.mjs --corpus DIR|small|medium --dist A [--dist B] [--cold-only] [--save FILE] [--against FILE]');
    return 2;
  }
  // The corpus helpers of the first build (the generator and server are not what is compared).
  const lib = (p) => import(pathToFileURL(join(repoRoot, 'build', 'tools', p)).href); // npm run build:tools
  const { serveCorpus, canUseLoopbackAliases } = await lib('bench/serve-corpus.js');
  const work = mkdtempSync(join(tmpdir(), 'storyfeed-compare-'));
  try {
    let corpusDir = corpusArg;
    if (corpusArg === 'small' || corpusArg === 'medium') {
      const { generateCorpusFiles, loadDevStories } = await lib('bench/generate-corpus.js');
      const devSet = join(repoRoot, '..', 'shared', 'eval', 'story-clusters', 'dev.jsonl.gz');
      const pool = existsSync(devSet) ? loadDevStories(devSet) : [];
      const size = corpusArg === 'small' ? { sources: 50, itemsPerSource: 50 } : { sources: 500, itemsPerSource: 100 };
      corpusDir = join(work, 'corpus');
      generateCorpusFiles(corpusDir, { ...size, pool });
      log(`generated a ${corpusArg} corpus (${pool.length > 0 ? 'dev-set text' : 'generated text'}) in ${corpusDir}`);
    }
    const manifest = JSON.parse(readFileSync(join(corpusDir, 'manifest.json'), 'utf8'));
    const server = await serveCorpus(manifest, { distinctHosts: await canUseLoopbackAliases() });
    const dumps = [];
    try {
      for (const [n, dist] of dists.entries()) {
        const dir = join(work, `run${n}`);
        mkdirSync(dir);
        const configPath = join(dir, 'config.json');
        writeFileSync(
          configPath,
          JSON.stringify({
            sources: manifest.sources.map((s) => ({ id: s.id, name: s.name, url: server.urls.get(s.id) })),
            output: { dir: 'output', title: 'storyfeed compare', maxStories: 100 },
            store: { path: 'state/storyfeed.db', retentionDays: 36_500 },
            fetch: { concurrency: 8, runBudgetMs: 3_600_000 },
            log: { level: 'silent' },
          }),
        );
        const dump = {};
        for (const step of steps) {
          server.setVariant(step === 'cold' ? 'base' : 'changed');
          const r = await runChild({ dist, configPath });
          if (r.failed > 0) throw new Error(`${dist} ${step}: ${r.failed} sources failed`);
          log(`${dist} ${step}: ${r.newItems} new items, ${r.wallS.toFixed(1)} s wall, ${r.cpuS.toFixed(1)} CPU s, cluster ${r.clusterS.toFixed(1)} s, peak RSS ${r.maxRssMb.toFixed(0)} MB`);
          dump[step] = dumpRun(dir);
        }
        server.setVariant('base');
        dumps.push(dump);
      }
    } finally {
      await server.close();
    }
    if (save) {
      writeFileSync(save, JSON.stringify(dumps[0]));
      log(`saved the dumps of ${dists[0]} to ${save}`);
    }
    const pairs = against ? [[JSON.parse(readFileSync(against, 'utf8')), dumps[0], false]] : dumps.length === 2 ? [[dumps[0], dumps[1], true]] : [];
    let same = true;
    for (const [a, b, feeds] of pairs) {
      for (const step of steps) {
        const diff = compare(a[step], b[step], feeds);
        if (diff.length === 0) log(`${step}: identical (${b[step].stories.length} stories, ${b[step].members.length} members${feeds ? ', feeds byte-identical' : ''})`);
        else {
          same = false;
          log(`${step}: DIFFERENT:\n  ${diff.slice(0, 20).join('\n  ')}`);
        }
      }
    }
    return same ? 0 : 1;
  } catch (error) {
    console.error(error instanceof Error ? error.stack : error);
    return 2;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** The stories, members and feeds a run left. */
function dumpRun(dir) {
  const db = new Database(join(dir, 'state', 'storyfeed.db'), { readonly: true });
  try {
    const stories = db.prepare(`SELECT id, representative_item_id, published, updated, created_at, retired_into FROM stories ORDER BY id`).all();
    const members = db.prepare(`SELECT story_id, position, item_id, score, terms, joined_at FROM story_members ORDER BY story_id, position`).all();
    const items = db.prepare(`SELECT COUNT(*) AS n FROM items`).get().n;
    const feeds = {};
    for (const f of ['feed.atom', 'feed.json', 'index.html']) feeds[f] = createHash('sha256').update(readFileSync(join(dir, 'output', f))).digest('hex');
    return { items, stories: stories.map((r) => Object.values(r)), members: members.map((r) => Object.values(r)), feeds };
  } finally {
    db.close();
  }
}

/** Lines saying how two dumps differ (none: the same). */
function compare(a, b, feeds) {
  const out = [];
  if (a.items !== b.items) out.push(`items: ${a.items} vs ${b.items}`);
  for (const table of ['stories', 'members']) {
    const x = a[table];
    const y = b[table];
    if (x.length !== y.length) out.push(`${table}: ${x.length} rows vs ${y.length}`);
    for (let i = 0, shown = 0; i < Math.max(x.length, y.length) && shown < 8; i++) {
      const l = JSON.stringify(x[i] ?? null);
      const r = JSON.stringify(y[i] ?? null);
      if (l !== r) {
        out.push(`${table}[${i}]: ${l} vs ${r}`);
        shown++;
      }
    }
  }
  if (feeds) for (const f of Object.keys(a.feeds)) if (a.feeds[f] !== b.feeds[f]) out.push(`${f}: bytes differ`);
  return out;
}

function log(message) {
  process.stderr.write(`${message}\n`);
}
