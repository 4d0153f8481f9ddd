import { describe, expect, it } from 'vitest';
import { generateCorpus, type StoryText } from '../../../tools/bench/generate-corpus.js';
import {
  RACE_FORMATS,
  RACE_SIZES,
  newsboatConfigFile,
  newsboatUrlsFile,
  parseTimeOutput,
  raceCorpusOptions,
  raceStoryfeedConfig,
  ratioOf,
  spreadOf,
} from '../../../tools/bench/race-plan.js';
import { countEntries } from '../../../tools/bench/race-floor.js';
import { resolveConfig } from '../../../src/config/resolve-config.js';
import { XMLParser } from 'fast-xml-parser';

// The peer race's pure parts (issue #16): what newsboat and storyfeed are given, and the table's maths.

// A made-up pool (never dev-set text).
const pool = (): StoryText[] =>
  ['Harbour bridge reopens', 'Orchestra names conductor', 'Storm closes pass', 'Council passes budget'].map((t) => ({
    articles: [t, `${t} today`, `${t}, officials say`].map((title) => ({
      title,
      summary: `${title}. The change takes effect this week after months of debate.`,
      body: null,
    })),
  }));

describe('race corpus', () => {
  it('is 300 feeds × 50 items in the full race and 6 × 10 in CI', () => {
    expect(RACE_SIZES.full).toEqual({ sources: 300, itemsPerSource: 50 });
    expect(RACE_SIZES.ci).toEqual({ sources: 6, itemsPerSource: 10 });
  });

  it('serves RSS 2.0, Atom and RSS 1.0 only (newsboat reads no JSON Feed), each with every item', () => {
    const { sources, stats } = generateCorpus({ ...raceCorpusOptions('ci', pool()), contentWords: 80 });
    expect(sources).toHaveLength(6);
    expect(stats.items).toBe(60);
    expect(sources.map((s) => s.format)).toEqual(['rss', 'atom', 'rdf', 'rss', 'atom', 'rdf']);
    expect(RACE_FORMATS).not.toContain('json');
    const parser = new XMLParser({ ignoreAttributes: false });
    for (const s of sources) {
      expect(s.document.startsWith('<?xml')).toBe(true);
      expect(countEntries(parser.parse(s.document))).toBe(10);
    }
  });

  it('keeps the four-format mix for the other scenarios (formats is opt-in)', () => {
    const { sources } = generateCorpus({ sources: 4, itemsPerSource: 2, pool: pool(), contentWords: 20 });
    expect(sources.map((s) => s.format)).toEqual(['rss', 'atom', 'rdf', 'json']);
  });
});

describe('countEntries (the floor counts what it parsed)', () => {
  const parse = (xml: string) => new XMLParser({ ignoreAttributes: false }).parse(xml);
  it.each([
    [
      'RSS with two items',
      '<rss><channel><item><title>a</title></item><item><title>b</title></item></channel></rss>',
      2,
    ],
    ['RSS with one item (not an array)', '<rss><channel><item><title>a</title></item></channel></rss>', 1],
    ['RSS with none', '<rss><channel><title>t</title></channel></rss>', 0],
    [
      'Atom',
      '<feed xmlns="http://www.w3.org/2005/Atom"><entry><id>1</id></entry><entry><id>2</id></entry><entry><id>3</id></entry></feed>',
      3,
    ],
    [
      'RDF',
      '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><channel/><item><title>a</title></item><item><title>b</title></item></rdf:RDF>',
      2,
    ],
    ['not a feed', '<html><body/></html>', 0],
  ])('%s', (_name, xml, n) => {
    expect(countEntries(parse(xml))).toBe(n);
  });
});

describe('newsboat files', () => {
  it('lists one URL per line in the urls file', () => {
    const text = newsboatUrlsFile(['http://127.0.1.1:4000/src-0000.xml', 'http://127.0.1.2:4001/src-0001.xml']);
    expect(text).toBe('http://127.0.1.1:4000/src-0000.xml\nhttp://127.0.1.2:4001/src-0001.xml\n');
  });

  it('refuses what newsboat would read as tags or a query feed', () => {
    expect(() => newsboatUrlsFile(['http://127.0.0.1/a.xml "tag"'])).toThrow(/without spaces/);
    expect(() => newsboatUrlsFile(['query:unread:unread = "yes"'])).toThrow(/http/);
  });

  it('sets reload-threads and an error log, nothing else', () => {
    const text = newsboatConfigFile({ reloadThreads: 8, errorLog: '/tmp/race/newsboat-error.log' });
    const settings = text.split('\n').filter((l) => l && !l.startsWith('#'));
    expect(settings).toEqual(['reload-threads 8', 'error-log "/tmp/race/newsboat-error.log"']);
    expect(() => newsboatConfigFile({ reloadThreads: 0, errorLog: '/tmp/x' })).toThrow();
    expect(() => newsboatConfigFile({ reloadThreads: 8, errorLog: '/tmp/a"b' })).toThrow(/quoted/);
  });
});

describe('storyfeed config of the race', () => {
  it('is valid, keeps the default politeness and lists every source', () => {
    const raw = raceStoryfeedConfig(
      [{ id: 'src-0000', name: 'Outlet 1', url: 'http://127.0.0.1:4000/src-0000.xml' }],
      8,
    );
    const config = resolveConfig(raw, '/tmp/race/config.json');
    expect(config.sources.map((s) => s.url)).toEqual(['http://127.0.0.1:4000/src-0000.xml']);
    expect(config.fetch.concurrency).toBe(8);
    expect(config.fetch.runBudgetMs).toBe(3_600_000);
    expect(config.store.retentionDays).toBe(36_500);
    const defaults = resolveConfig({ sources: raw.sources }, '/tmp/race/config.json');
    expect(config.fetch.perHostConcurrency).toBe(defaults.fetch.perHostConcurrency);
    expect(config.fetch.hostSpacingMs).toBe(defaults.fetch.hostSpacingMs);
  });
});

describe('parseTimeOutput (GNU time -f "%e %M %U %S")', () => {
  it('reads wall, peak RSS and CPU', () => {
    expect(parseTimeOutput('7.52 46080 5.10 0.90\n')).toEqual({
      wallS: 7.52,
      maxRssMb: 45,
      cpuS: 6,
      signal: null,
      exitStatus: null,
    });
  });

  it('keeps the exit status and the signal that time reports before the figures', () => {
    expect(parseTimeOutput('Command exited with non-zero status 3\n1.00 2048 0.50 0.10\n')).toMatchObject({
      exitStatus: 3,
      signal: null,
      maxRssMb: 2,
    });
    expect(parseTimeOutput('Command terminated by signal 9\n0.40 1024 0.10 0.00\n')).toMatchObject({
      signal: 9,
      wallS: 0.4,
    });
  });

  it('throws when there is no measurement', () => {
    expect(() => parseTimeOutput('')).toThrow(/no measurement/);
    expect(() => parseTimeOutput('/usr/bin/time: cannot run newsboat: No such file or directory\n')).toThrow(
      /no measurement/,
    );
  });
});

describe('spreadOf and ratioOf', () => {
  it.each([
    [[3, 1, 2], { median: 2, min: 1, max: 3, n: 3 }],
    [[4, 1, 2, 3], { median: 2.5, min: 1, max: 4, n: 4 }],
    [[5], { median: 5, min: 5, max: 5, n: 1 }],
    [[NaN, 2, 4], { median: 3, min: 2, max: 4, n: 2 }],
  ])('spreadOf(%j)', (xs, expected) => {
    expect(spreadOf(xs)).toEqual(expected);
  });

  it('has no spread without samples', () => {
    expect(spreadOf([])).toBeNull();
    expect(spreadOf([NaN])).toBeNull();
  });

  it('divides medians, and gives no ratio when a side is missing or zero', () => {
    expect(ratioOf(spreadOf([16, 17, 15]), spreadOf([8, 7, 9]))).toBe(2);
    expect(ratioOf(spreadOf([1]), null)).toBeNull();
    expect(ratioOf(null, spreadOf([1]))).toBeNull();
    expect(ratioOf(spreadOf([1]), spreadOf([0]))).toBeNull();
  });
});
