import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config.js';
import { silentLogger } from '../../src/lib/logger.js';
import { runOnce } from '../../src/pipeline/run-once.js';
import { DEMO_CONFIG, REPO_ROOT, writeTempConfig } from '../support/demo-config.js';
import { readAtom } from '../support/read-atom.js';

const NOW = () => new Date('2026-11-22T12:00:00.000Z');

async function runDemo(overrides: Record<string, unknown> = {}, sources?: { id: string; name: string; url: string }[]) {
  const { dir, configPath } = writeTempConfig(overrides, sources);
  const config = await loadConfig(configPath);
  const report = await runOnce(config, { logger: silentLogger, now: NOW });
  return { dir, config, report, xml: readFileSync(config.output.feedPath, 'utf8') };
}

describe('the demo pipeline (five outlets, one seed story)', () => {
  it('writes one entry for the seed story with a related link per outlet, and keeps other stories apart', async () => {
    const { report, xml } = await runDemo();
    expect(report.sources.map((s) => s.status)).toEqual(['ok', 'ok', 'ok', 'ok', 'ok']);
    const feed = readAtom(xml);
    const seed = feed.entries.filter((e) => /run the jewels/i.test(e.title));
    expect(seed).toHaveLength(1);
    const related = seed[0]!.related;
    expect(related).toHaveLength(5);
    for (const source of DEMO_CONFIG.sources)
      expect(related.some((l) => l.title.startsWith(`${source.name}:`))).toBe(true);
    // Tracking parameters are gone from the outlet links.
    expect(related.every((l) => !/utm_/.test(l.href))).toBe(true);
    // The content lists every outlet too (readers show content, not related links).
    for (const source of DEMO_CONFIG.sources) expect(seed[0]!.content).toContain(source.name.replace(/'/g, '&#39;'));

    // The two other stories reported by two outlets are one entry each; everything else stands alone.
    const byTitle = (re: RegExp) => feed.entries.filter((e) => e.related.some((l) => re.test(l.title)));
    expect(byTitle(/Lanternfield/)).toHaveLength(1);
    expect(byTitle(/Lanternfield/)[0]!.related).toHaveLength(2);
    expect(byTitle(/Verity Room/)).toHaveLength(1);
    expect(byTitle(/Verity Room/)[0]!.related).toHaveLength(2);
    expect(feed.entries).toHaveLength(12);
    expect(feed.entries.filter((e) => e.related.length === 1)).toHaveLength(9);
    // Ids are unique and none is derived from a URL.
    expect(new Set(feed.entries.map((e) => e.id)).size).toBe(12);
    expect(feed.entries.every((e) => e.id.startsWith('urn:storyfeed:story:'))).toBe(true);
  });

  it('writes the same feed when documents are read in worker threads (fetch.readThreads)', async () => {
    // Through the built CLI: workers run the compiled dist/pipeline/read-worker.js (from the TypeScript sources the
    // reader stays on the main thread).
    const cli = (overrides: Record<string, unknown>) => {
      const { configPath } = writeTempConfig(overrides);
      execFileSync(process.execPath, [join(REPO_ROOT, 'bin/storyfeed.js'), 'run', '--config', configPath], {
        stdio: 'ignore',
      });
      return loadConfig(configPath).then((c) => ({ config: c, xml: readFileSync(c.output.feedPath, 'utf8') }));
    };
    const main = await cli({});
    const threaded = await cli({ fetch: { readThreads: 2 } });
    expect(threaded.config.fetch.readThreads).toBe(2);
    expect(readAtom(threaded.xml).entries).toHaveLength(12);
    // The feed's own <updated> comes from the stories (2015), so two runs of the same sources are byte-identical.
    expect(threaded.xml).toBe(main.xml);
  });

  it('stamps the story with the earliest article and its last change, not the run time', async () => {
    const { xml } = await runDemo();
    const feed = readAtom(xml);
    for (const e of feed.entries) {
      expect(e.published.startsWith('2015-')).toBe(true);
      expect(e.updated.startsWith('2015-')).toBe(true);
      expect(e.updated >= e.published).toBe(true);
    }
    expect(feed.updated.startsWith('2015-')).toBe(true);
  });

  it('produces a byte-identical feed when run again with nothing new', async () => {
    const { configPath, dir } = writeTempConfig();
    const config = await loadConfig(configPath);
    await runOnce(config, { logger: silentLogger, now: NOW });
    const first = readFileSync(config.output.feedPath);
    const second = await runOnce(config, { logger: silentLogger, now: () => new Date('2026-11-23T08:00:00.000Z') });
    expect(second.newItems).toBe(0);
    expect(second.feedChanged).toBe(false);
    expect(readFileSync(config.output.feedPath).equals(first)).toBe(true);
    expect(existsSync(join(dir, 'state', 'storyfeed.db'))).toBe(true);
  });

  it('keeps story ids when outlets publish in a different order across runs', async () => {
    const { configPath } = writeTempConfig();
    const full = await loadConfig(configPath);
    // Run 1: two outlets only; run 2: all five. The seed story keeps the id minted in run 1 and grows.
    const partial = { ...full, sources: full.sources.filter((s) => s.id === 'huffpost' || s.id === 'music-outlet-4') };
    await runOnce(partial, { logger: silentLogger, now: NOW });
    const before = readAtom(readFileSync(full.output.feedPath, 'utf8')).entries.find((e) =>
      /run the jewels/i.test(e.title),
    )!;
    expect(before.related).toHaveLength(2);
    await runOnce(full, { logger: silentLogger, now: NOW });
    const after = readAtom(readFileSync(full.output.feedPath, 'utf8')).entries.filter((e) =>
      e.related.some((l) => /Run The Jewels/i.test(l.title)),
    );
    expect(after).toHaveLength(1);
    expect(after[0]!.id).toBe(before.id);
    expect(after[0]!.related).toHaveLength(5);
  });

  it('reports a broken source in status.json and still writes the feed', async () => {
    const { dir } = writeTempConfig();
    const notAFeed = join(dir, 'not-a-feed.html');
    writeFileSync(notAFeed, '<!doctype html><html><head><title>Oops</title></head><body>Not here</body></html>');
    const sources = [
      ...DEMO_CONFIG.sources.map((s) => ({ ...s, url: join(import.meta.dirname, '..', '..', s.url) })),
      { id: 'html-page', name: 'An HTML page', url: notAFeed },
      { id: 'missing', name: 'A missing file', url: join(dir, 'missing.xml') },
    ];
    const { report, config } = await runDemo({}, sources);
    expect(report.feedWritten).toBe(true);
    const status = JSON.parse(readFileSync(config.output.statusPath, 'utf8')) as typeof report;
    // The process's peak memory once the read phase had ended and once the run had: real figures, the second no lower.
    expect(status.peakRssMb!.read).toBeGreaterThan(10);
    expect(status.peakRssMb!.run).toBeGreaterThanOrEqual(status.peakRssMb!.read);
    const byId = Object.fromEntries(status.sources.map((s) => [s.sourceId, s]));
    expect(byId['html-page']).toMatchObject({
      status: 'failed',
      itemsSeen: 0,
      error: { stage: 'parse', code: 'parse/not-a-feed' },
    });
    expect(byId.missing).toMatchObject({
      status: 'failed',
      error: { stage: 'fetch', code: 'fetch/file-not-found' },
    });
    expect(byId.huffpost).toMatchObject({ status: 'ok', error: null, itemsSeen: 4, newItems: 4 });
    expect(typeof byId.huffpost!.durationMs).toBe('number');
    expect(readAtom(readFileSync(config.output.feedPath, 'utf8')).entries).toHaveLength(12);
  });
});
