import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config.js';
import type { ResolvedConfig } from '../../src/config/resolve-config.js';
import { silentLogger } from '../../src/lib/logger.js';
import { runOnce } from '../../src/pipeline/run-once.js';
import { serveOutput, type OutputServer } from '../../src/serve/serve-output.js';
import { writeTempConfig } from '../support/demo-config.js';
import { readAtom } from '../support/read-atom.js';
import { untilNextSecond } from './support/demo-server.js';
import { hasNewsboat, makeNewsboat, type Newsboat } from './support/feed-readers.js';

// Ten runs over three outlets whose feeds grow between runs: some articles join a story already in the feed,
// some start a new one, and two runs bring nothing new. Topics use distinct vocabularies; each outlet writes
// its own headline and summary about a topic, as real outlets do.
type Outlet = 'a' | 'b' | 'c';
const OUTLETS: Record<Outlet, string> = { a: 'Harbour Gazette', b: 'City Courier', c: 'Evening Post' };

const TOPICS: Record<string, Record<Outlet, { title: string; summary: string }>> = {
  bridge: {
    a: { title: 'Harbour bridge reopens to traffic after two-year repair', summary: 'The harbour bridge reopened to traffic this morning after a two-year repair of its steel cables.' },
    b: { title: 'Harbour bridge reopens after repair: traffic flows again', summary: 'Traffic flows again over the harbour bridge, reopened after two years of cable repair work.' },
    c: { title: 'Two-year repair over as harbour bridge reopens to traffic', summary: 'Commuters crossed the reopened harbour bridge as the two-year cable repair ended.' },
  },
  budget: {
    a: { title: 'Council approves library budget with longer opening hours', summary: 'The city council approved the library budget, funding longer opening hours at every branch library.' },
    b: { title: 'Library budget approved by council, opening hours extended', summary: 'Councillors approved a library budget that extends opening hours at branch libraries.' },
    c: { title: 'Council library budget vote extends branch opening hours', summary: 'Branch libraries get longer opening hours after the council budget vote approved the funding.' },
  },
  storm: {
    a: { title: 'Storm warning for coastal towns as gales forecast', summary: 'Forecasters issued a storm warning for coastal towns, with gales and high waves expected.' },
    b: { title: 'Gales forecast: storm warning issued for coastal towns', summary: 'A storm warning covers the coastal towns where gales and high waves are forecast.' },
    c: { title: 'Coastal towns brace for gales under storm warning', summary: 'Coastal towns prepare sandbags as the storm warning forecasts gales and high waves.' },
  },
  football: {
    a: { title: 'Rovers win regional football championship final on penalties', summary: 'Rovers won the regional football championship final on penalties after a goalless draw.' },
    b: { title: 'Penalties hand Rovers the regional championship final', summary: 'Rovers took the regional football championship final on penalties after extra time.' },
    c: { title: 'Regional championship final: Rovers triumph on penalties', summary: 'Rovers fans celebrated the regional football championship final won on penalties.' },
  },
  tapestry: {
    a: { title: 'Museum unveils restored medieval tapestry', summary: 'The museum unveiled a medieval tapestry restored by conservators over six years of weaving repairs.' },
    b: { title: 'Restored medieval tapestry goes on show at the museum', summary: 'Conservators spent six years restoring the medieval tapestry now on show at the museum.' },
    c: { title: 'Six-year restoration brings medieval tapestry back to museum', summary: 'A medieval tapestry returns to the museum walls after a six-year restoration by conservators.' },
  },
  robots: {
    a: { title: 'Robotics startup opens factory in the port district', summary: 'A robotics startup opened a factory in the port district, building warehouse robots with 200 workers.' },
    b: { title: 'Port district factory opened by robotics startup', summary: 'The robotics startup factory in the port district will build warehouse robots and employ 200 workers.' },
    c: { title: 'Warehouse robots to be built at new port district factory', summary: 'The robotics startup hires 200 workers for its new port district factory making warehouse robots.' },
  },
};

// What each run publishes: [outlet, topic]. Empty runs publish nothing new.
const RUNS: Array<Array<[Outlet, string]>> = [
  [['a', 'bridge'], ['b', 'budget']],
  [['c', 'bridge'], ['a', 'storm']],
  [],
  [['b', 'bridge'], ['c', 'football']],
  [['a', 'budget']],
  [],
  [['c', 'tapestry'], ['b', 'storm']],
  [['a', 'robots']],
  [['c', 'budget'], ['a', 'football']],
  [['b', 'robots']],
];

const BASE = Date.parse('2026-05-01T06:00:00.000Z');
const HOUR = 3_600_000;

interface Article {
  outlet: Outlet;
  topic: string;
  run: number;
}

/** Returns an RSS 2.0 document with the outlet's articles, newest first. */
function renderOutletFeed(outlet: Outlet, articles: Article[]): string {
  const items = articles
    .filter((a) => a.outlet === outlet)
    .reverse()
    .map((a) => {
      const text = TOPICS[a.topic]![outlet];
      const url = `https://${outlet}.example/news/${a.topic}`;
      return `<item><title>${text.title}</title><link>${url}</link><guid isPermaLink="false">${outlet}-${a.topic}</guid>` +
        `<pubDate>${new Date(BASE + a.run * 2 * HOUR).toUTCString()}</pubDate><description>${text.summary}</description></item>`;
    });
  return `<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel><title>${OUTLETS[outlet]}</title><link>https://${outlet}.example/</link>` +
    `<description>News</description>${items.join('')}</channel></rss>\n`;
}

/** Returns the topic of an entry from its related links, which must all name one topic. */
function topicOf(related: { href: string }[]): string {
  const topics = new Set(related.map((l) => /\/news\/([a-z]+)$/.exec(l.href)?.[1]));
  expect(topics.size).toBe(1);
  return [...topics][0]!;
}

let sourceDir: string;
let config: ResolvedConfig;
let server: OutputServer;

beforeAll(async () => {
  sourceDir = mkdtempSync(join(tmpdir(), 'storyfeed-runs-'));
  const sources = (Object.keys(OUTLETS) as Outlet[]).map((o) => ({ id: `outlet-${o}`, name: OUTLETS[o], url: join(sourceDir, `${o}.xml`) }));
  const { configPath } = writeTempConfig({}, sources);
  config = await loadConfig(configPath);
  server = await serveOutput({ dir: config.output.dir, host: '127.0.0.1', port: 0 }, { logger: silentLogger });
});

afterAll(async () => {
  await server?.close();
});

describe('ten successive runs served to a reader', () => {
  it('never duplicates an item, keeps entry ids, moves <updated> only for changed stories, and answers 304 when nothing changed', async () => {
    const newsboat: Newsboat | undefined = hasNewsboat() ? makeNewsboat(mkdtempSync(join(tmpdir(), 'storyfeed-newsboat-')), [`${server.url}feed.atom`]) : undefined;
    const published: Article[] = [];
    const idByTopic = new Map<string, string>();
    let previousUpdated = new Map<string, string>();
    let validators: { etag: string; lastModified: string } | undefined;
    let notModifiedSeen = 0;

    for (const [index, run] of RUNS.entries()) {
      const runNumber = index + 1;
      for (const [outlet, topic] of run) published.push({ outlet, topic, run: runNumber });
      for (const outlet of Object.keys(OUTLETS) as Outlet[]) writeFileSync(join(sourceDir, `${outlet}.xml`), renderOutletFeed(outlet, published));
      const report = await runOnce(config, { logger: silentLogger, now: () => new Date(BASE + runNumber * 2 * HOUR + HOUR / 2) });
      expect(report.sources.every((s) => s.status !== 'failed'), `run ${runNumber}`).toBe(true);
      expect(report.newItems, `run ${runNumber}`).toBe(run.length);

      // A reader polling with the validators of its last fetch: 304 exactly when nothing changed.
      if (validators) {
        const conditional = await fetch(`${server.url}feed.atom`, { headers: { 'if-none-match': validators.etag } });
        const byDate = await fetch(`${server.url}feed.atom`, { headers: { 'if-modified-since': validators.lastModified } });
        const expected = run.length === 0 ? 304 : 200;
        expect(conditional.status, `run ${runNumber} If-None-Match`).toBe(expected);
        expect(byDate.status, `run ${runNumber} If-Modified-Since`).toBe(expected);
        if (expected === 304) notModifiedSeen += 1;
        await conditional.arrayBuffer();
        await byDate.arrayBuffer();
      }
      // Last-Modified is only sent once the second of the file's mtime is over (runs here take milliseconds).
      await untilNextSecond();
      const response = await fetch(`${server.url}feed.atom`);
      expect(response.status).toBe(200);
      validators = { etag: response.headers.get('etag')!, lastModified: response.headers.get('last-modified')! };
      const feed = readAtom(await response.text());

      // One entry per topic published so far, each under the id it was first given.
      const topics = new Set(published.map((a) => a.topic));
      expect(feed.entries, `run ${runNumber}`).toHaveLength(topics.size);
      expect(new Set(feed.entries.map((e) => e.id)).size).toBe(feed.entries.length);
      const changedTopics = new Set(run.map(([, topic]) => topic));
      const updated = new Map<string, string>();
      for (const entry of feed.entries) {
        const topic = topicOf(entry.related);
        expect(entry.related, `${topic} in run ${runNumber}`).toHaveLength(published.filter((a) => a.topic === topic).length);
        const known = idByTopic.get(topic);
        if (known) expect(entry.id, `id of ${topic} in run ${runNumber}`).toBe(known);
        else idByTopic.set(topic, entry.id);
        const before = previousUpdated.get(entry.id);
        if (changedTopics.has(topic)) expect(entry.updated, `${topic} changed in run ${runNumber}`).not.toBe(before);
        else expect(entry.updated, `${topic} unchanged in run ${runNumber}`).toBe(before);
        updated.set(entry.id, entry.updated);
      }
      previousUpdated = updated;

      // The JSON Feed carries the same stories under the same ids.
      const json = JSON.parse(readFileSync(config.output.jsonFeedPath, 'utf8')) as { items: { id: string; date_modified: string }[] };
      expect(json.items.map((i) => i.id)).toEqual(feed.entries.map((e) => e.id));

      if (newsboat) {
        await newsboat.reload();
        const items = newsboat.items();
        const guids = items.map((i) => i.guid);
        expect(new Set(guids).size, `newsboat duplicates after run ${runNumber}`).toBe(guids.length);
        expect([...guids].sort(), `newsboat items after run ${runNumber}`).toEqual([...idByTopic.values()].sort());
      }
    }
    expect(notModifiedSeen).toBe(2);
    expect(idByTopic.size).toBe(Object.keys(TOPICS).length);
  }, 120_000);
});
